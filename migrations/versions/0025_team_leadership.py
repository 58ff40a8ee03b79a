"""team leadership (issue 16): team leads and service managers who lead more than one team

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 22:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "team_leadership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_member_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["user_account.id"], name=op.f("fk_team_leadership_added_by_id_user_account")),
        sa.ForeignKeyConstraint(["staff_member_id"], ["staff_member.id"], name=op.f("fk_team_leadership_staff_member_id_staff_member")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_team_leadership_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_leadership")),
        sa.UniqueConstraint("staff_member_id", "team_id", name="uq_team_leadership_staff_team"),
    )
    with op.batch_alter_table("team_leadership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_leadership_staff_member_id"), ["staff_member_id"], unique=False)


def downgrade():
    with op.batch_alter_table("team_leadership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_leadership_staff_member_id"))
    op.drop_table("team_leadership")
