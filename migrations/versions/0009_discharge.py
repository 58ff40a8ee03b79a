"""discharge: the day a service user left the team's care

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 22:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discharged_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('service_user', schema=None) as batch_op:
        batch_op.drop_column('discharged_on')
