"""statement of care (issue 15): what a registered care team member writes for a session or clinic letter, in agreed versions

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06 22:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statement_of_care',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('draft_text', sa.Text(), nullable=False),
    sa.Column('draft_saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('goal_reviews', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_user.id'], name=op.f('fk_statement_of_care_service_user_id_service_user')),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_statement_of_care_started_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_of_care'))
    )
    with op.batch_alter_table('statement_of_care', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_of_care_service_user_id'), ['service_user_id'], unique=False)

    op.create_table('statement_of_care_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('agreed_by_id', sa.Integer(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('author_role', sa.String(length=40), nullable=False),
    sa.Column('author_registration', sa.String(length=40), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreed_by_id'], ['user_account.id'], name=op.f('fk_statement_of_care_version_agreed_by_id_user_account')),
    sa.ForeignKeyConstraint(['statement_id'], ['statement_of_care.id'], name=op.f('fk_statement_of_care_version_statement_id_statement_of_care')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_of_care_version')),
    sa.UniqueConstraint('statement_id', 'number', name=op.f('uq_statement_of_care_version_statement_id'))
    )
    with op.batch_alter_table('statement_of_care_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_of_care_version_statement_id'), ['statement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('statement_of_care_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_of_care_version_statement_id'))
    op.drop_table('statement_of_care_version')
    with op.batch_alter_table('statement_of_care', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_of_care_service_user_id'))
    op.drop_table('statement_of_care')
