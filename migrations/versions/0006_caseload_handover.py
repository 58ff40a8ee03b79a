"""key worker history and handover (issue 7)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_worker_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('key_worker_id', sa.Integer(), nullable=False),
    sa.Column('previous_key_worker_id', sa.Integer(), nullable=True),
    sa.Column('handover_on', sa.Date(), nullable=False),
    sa.Column('handover_note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['key_worker_id'], ['staff_member.id'], name=op.f('fk_key_worker_assignment_key_worker_id_staff_member')),
    sa.ForeignKeyConstraint(['previous_key_worker_id'], ['staff_member.id'], name=op.f('fk_key_worker_assignment_previous_key_worker_id_staff_member')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_key_worker_assignment_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_user.id'], name=op.f('fk_key_worker_assignment_service_user_id_service_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_worker_assignment'))
    )
    with op.batch_alter_table('key_worker_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_key_worker_assignment_person_recorded', ['service_user_id', 'recorded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_worker_assignment_key_worker_id'), ['key_worker_id'], unique=False)


def downgrade():
    with op.batch_alter_table('key_worker_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_worker_assignment_key_worker_id'))
        batch_op.drop_index('ix_key_worker_assignment_person_recorded')

    op.drop_table('key_worker_assignment')
