"""key worker, team and pathway from the clinical record; sync problems for team leads (issue 6)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_sync_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_user.id'], name=op.f('fk_record_sync_problem_service_user_id_service_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_sync_problem'))
    )
    with op.batch_alter_table('record_sync_problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_sync_problem_service_user_id'), ['service_user_id'], unique=False)

    with op.batch_alter_table('key_worker_assignment', schema=None) as batch_op:
        # Existing rows were all recorded in the portal.
        batch_op.add_column(sa.Column('source', sa.Enum('portal', 'clinical_record', name='assignment_source', native_enum=False, length=20), nullable=False, server_default='portal'))
        batch_op.alter_column('recorded_by_id',
               existing_type=sa.INTEGER(),
               nullable=True)


def downgrade():
    with op.batch_alter_table('key_worker_assignment', schema=None) as batch_op:
        batch_op.alter_column('recorded_by_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('source')

    with op.batch_alter_table('record_sync_problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_sync_problem_service_user_id'))

    op.drop_table('record_sync_problem')
