"""declined measures (issue 16): a deferral can record that the person chose not to answer, so the
dashboard counts measures declined apart from those deferred for a clinical reason

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("measure_deferral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declined", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("measure_deferral", schema=None) as batch_op:
        batch_op.drop_column("declined")
