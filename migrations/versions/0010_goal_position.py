"""goal position: GBO goal 1, 2 or 3

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=True))
    # Goals agreed before this migration: numbered per person in the order they were agreed
    # (only the active ones, at most three, take 1-3; closed ones keep none).
    goal = sa.table('goal', sa.column('id', sa.Integer), sa.column('service_user_id', sa.Integer),
                    sa.column('status', sa.String), sa.column('agreed_at', sa.DateTime),
                    sa.column('position', sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(sa.select(goal.c.id, goal.c.service_user_id).where(goal.c.status == 'active')
                              .order_by(goal.c.service_user_id, goal.c.agreed_at, goal.c.id)).all()
    numbered: dict[int, int] = {}
    for goal_id, person in rows:
        numbered[person] = numbered.get(person, 0) + 1
        if numbered[person] <= 3:
            connection.execute(goal.update().where(goal.c.id == goal_id).values(position=numbered[person]))


def downgrade():
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_column('position')
