"""care team and the record (issue 15): reserved

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:05:00.000000

"""
# A placeholder in the chain, kept so that work done in parallel can each add its own migration
# without clashing; it changes nothing until that work fills it in.


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
