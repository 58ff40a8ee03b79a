"""care team (issue 15): the members of staff around each service user, with their care-team role and history

Revision ID: 0018
Revises: 0019
Create Date: 2026-12-06 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('care_team_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removal_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], name=op.f('fk_care_team_member_added_by_id_user_account')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['user_account.id'], name=op.f('fk_care_team_member_removed_by_id_user_account')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_user.id'], name=op.f('fk_care_team_member_service_user_id_service_user')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_member.id'], name=op.f('fk_care_team_member_staff_member_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_team_member'))
    )
    with op.batch_alter_table('care_team_member', schema=None) as batch_op:
        batch_op.create_index('ix_care_team_member_staff_current', ['staff_member_id', 'removed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_team_member_service_user_id'), ['service_user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('care_team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_team_member_service_user_id'))
        batch_op.drop_index('ix_care_team_member_staff_current')
    op.drop_table('care_team_member')
