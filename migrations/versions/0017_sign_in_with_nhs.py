"""sign-in with NHS login and NHS CIS2 (issue 20): linked identities, and first sign-ins to check

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('external_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.Enum('nhs_login', 'cis2', name='identity_provider', native_enum=False, length=20), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_signed_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_external_identity_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identity')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_external_identity_provider'))
    )
    with op.batch_alter_table('external_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_identity_user_id'), ['user_id'], unique=False)
    op.create_table('identity_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.Enum('nhs_login', 'cis2', name='identity_provider', native_enum=False, length=20), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('birthdate_given', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('linked', 'refused', name='identity_check_outcome', native_enum=False, length=10), nullable=True),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['staff_member.id'], name=op.f('fk_identity_check_resolved_by_id_staff_member')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_user.id'], name=op.f('fk_identity_check_service_user_id_service_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_check'))
    )
    with op.batch_alter_table('identity_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_check_service_user_id'), ['service_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_check_subject'), ['subject'], unique=False)


def downgrade():
    with op.batch_alter_table('identity_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_check_subject'))
        batch_op.drop_index(batch_op.f('ix_identity_check_service_user_id'))
    op.drop_table('identity_check')
    with op.batch_alter_table('external_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_identity_user_id'))
    op.drop_table('external_identity')
