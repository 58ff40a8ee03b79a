"""equality breakdown (issue 16): a service user's gender and ethnic category, as the clinical record gives them

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("service_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gender", sa.String(length=20), server_default="", nullable=False))
        batch_op.add_column(sa.Column("ethnic_category", sa.String(length=4), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("service_user", schema=None) as batch_op:
        batch_op.drop_column("ethnic_category")
        batch_op.drop_column("gender")
