"""carers, consent and contributions (issue 5)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('carer_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('how_things_have_been', sa.Text(), nullable=False),
    sa.Column('how_things_have_been_private', sa.Boolean(), nullable=False),
    sa.Column('what_helps', sa.Text(), nullable=False),
    sa.Column('what_helps_private', sa.Boolean(), nullable=False),
    sa.Column('warning_signs', sa.Text(), nullable=False),
    sa.Column('warning_signs_private', sa.Boolean(), nullable=False),
    sa.Column('worries', sa.Text(), nullable=False),
    sa.Column('worries_private', sa.Boolean(), nullable=False),
    sa.Column('wanted_from_team', sa.Text(), nullable=False),
    sa.Column('wanted_from_team_private', sa.Boolean(), nullable=False),
    sa.Column('own_needs', sa.Text(), nullable=False),
    sa.Column('own_needs_private', sa.Boolean(), nullable=False),
    sa.Column('wants_carers_assessment', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('brought_into_care_plan_by_id', sa.Integer(), nullable=True),
    sa.Column('brought_into_care_plan_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user_account.id'], name=op.f('fk_carer_contribution_acknowledged_by_id_user_account')),
    sa.ForeignKeyConstraint(['brought_into_care_plan_by_id'], ['user_account.id'], name=op.f('fk_carer_contribution_brought_into_care_plan_by_id_user_account')),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], name=op.f('fk_carer_contribution_carer_id_carer')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_user.id'], name=op.f('fk_carer_contribution_service_user_id_service_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carer_contribution'))
    )
    with op.batch_alter_table('carer_contribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carer_contribution_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_carer_contribution_service_user_id'), ['service_user_id'], unique=False)

    op.create_table('carer_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_link_id', sa.Integer(), nullable=False),
    sa.Column('involvement', sa.Boolean(), nullable=False),
    sa.Column('goals', sa.Boolean(), nullable=False),
    sa.Column('care_plan', sa.Boolean(), nullable=False),
    sa.Column('safety_plan', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_role', sa.Enum('service_user', 'carer', 'key_worker', 'team_lead', 'admin', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('in_person', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['carer_link_id'], ['carer_link.id'], name=op.f('fk_carer_consent_carer_link_id_carer_link')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_carer_consent_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carer_consent'))
    )
    with op.batch_alter_table('carer_consent', schema=None) as batch_op:
        batch_op.create_index('ix_carer_consent_link_changed', ['carer_link_id', 'changed_at'], unique=False)

    # Existing carers get empty values (server defaults), so the NOT NULL columns can be added.
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address', sa.String(length=400), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('postcode', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('preferred_contact', sa.Enum('phone', 'text', 'email', 'letter', name='contact_method', native_enum=False, length=10), nullable=True))
        batch_op.add_column(sa.Column('contact_times', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('language', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('interpreter_needed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('young_carer', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_column('young_carer')
        batch_op.drop_column('interpreter_needed')
        batch_op.drop_column('language')
        batch_op.drop_column('contact_times')
        batch_op.drop_column('preferred_contact')
        batch_op.drop_column('postcode')
        batch_op.drop_column('address')
        batch_op.drop_column('mobile')

    with op.batch_alter_table('carer_consent', schema=None) as batch_op:
        batch_op.drop_index('ix_carer_consent_link_changed')

    op.drop_table('carer_consent')
    with op.batch_alter_table('carer_contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carer_contribution_service_user_id'))
        batch_op.drop_index(batch_op.f('ix_carer_contribution_carer_id'))

    op.drop_table('carer_contribution')
