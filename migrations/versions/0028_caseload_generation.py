"""caseload generation (issue 18): a token per team that changes with anything its caseload shows,
so what the caseload worked out can be kept between requests; starts empty (nothing kept yet)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "caseload_generation",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_caseload_generation_team_id_team"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_caseload_generation")),
    )


def downgrade():
    op.drop_table("caseload_generation")
