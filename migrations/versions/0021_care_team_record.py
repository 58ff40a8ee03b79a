"""care team notes and carers' questionnaire results (issue 15): notes from anyone in a person's care team; a carer consent section for DIALOG and ReQoL-10 results

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('care_team_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_user.id'], name=op.f('fk_care_team_note_service_user_id_service_user')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_member.id'], name=op.f('fk_care_team_note_staff_member_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_team_note'))
    )
    with op.batch_alter_table('care_team_note', schema=None) as batch_op:
        batch_op.create_index('ix_care_team_note_service_user_written', ['service_user_id', 'written_at'], unique=False)
    with op.batch_alter_table('carer_consent', schema=None) as batch_op:
        # Off for every decision already made: nobody chose to share results before this section existed.
        batch_op.add_column(sa.Column('questionnaire_results', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('carer_consent', schema=None) as batch_op:
        batch_op.drop_column('questionnaire_results')
    with op.batch_alter_table('care_team_note', schema=None) as batch_op:
        batch_op.drop_index('ix_care_team_note_service_user_written')
    op.drop_table('care_team_note')
