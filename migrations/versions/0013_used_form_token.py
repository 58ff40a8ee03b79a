"""one-time form tokens (issue 19): sending the same form twice makes one thing

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('used_form_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_used_form_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_used_form_token')),
    sa.UniqueConstraint('user_id', 'token', name='uq_used_form_token_user_token')
    )


def downgrade():
    op.drop_table('used_form_token')
