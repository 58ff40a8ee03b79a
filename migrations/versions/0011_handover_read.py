"""handover read: when the new key worker confirmed reading the handover note

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 23:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('key_worker_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', sa.DateTime(timezone=True), nullable=True))
    # Handovers before this change: nobody will be asked to confirm them now.
    op.execute("UPDATE key_worker_assignment SET read_at = recorded_at")


def downgrade():
    with op.batch_alter_table('key_worker_assignment', schema=None) as batch_op:
        batch_op.drop_column('read_at')
