"""performance (issue 18): reserved

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 22:05:00.000000

"""
# A placeholder in the chain, kept so that work done in parallel can each add its own migration
# without clashing; it changes nothing until that work fills it in.


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
