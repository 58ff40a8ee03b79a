"""feedback (issue 16): Friends and Family Test answers, daily receipts, "You said, we did"

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-06 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('respondent', sa.String(length=20), nullable=False),
    sa.Column('fft_answer', sa.String(length=12), nullable=False),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('could_be_better', sa.Text(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('contact_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_user_id'], ['user_account.id'], name=op.f('fk_feedback_contact_user_id_user_account')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_feedback_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_given_on'), ['given_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_team_id'), ['team_id'], unique=False)
    op.create_table('feedback_receipt',
    sa.Column('giver_digest', sa.String(length=64), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('giver_digest', 'given_on', name=op.f('pk_feedback_receipt'))
    )
    op.create_table('team_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('you_said', sa.Text(), nullable=False),
    sa.Column('we_did', sa.Text(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_update_team_id_team')),
    sa.ForeignKeyConstraint(['written_by_id'], ['staff_member.id'], name=op.f('fk_team_update_written_by_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_update'))
    )
    with op.batch_alter_table('team_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_update_team_id'), ['team_id'], unique=False)


def downgrade():
    with op.batch_alter_table('team_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_update_team_id'))
    op.drop_table('team_update')
    op.drop_table('feedback_receipt')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_team_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_given_on'))
    op.drop_table('feedback')
