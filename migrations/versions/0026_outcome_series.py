"""outcome series (issue 16): each score series' first and latest points, so the dashboard reads one
row per series instead of every score; filled here from the scores already held

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 03:00:00.000000

"""
from datetime import UTC

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# The tables as they are at this revision (not the app's models, which may change later).
response = sa.table(
    "measure_response", sa.column("id", sa.Integer), sa.column("service_user_id", sa.Integer),
    sa.column("instrument_id", sa.String), sa.column("status", sa.String), sa.column("superseded", sa.Boolean),
    sa.column("submitted_at", sa.DateTime(timezone=True)), sa.column("scores", sa.JSON))
goal = sa.table("goal", sa.column("id", sa.Integer), sa.column("service_user_id", sa.Integer),
                sa.column("status", sa.String))
rating = sa.table("goal_rating", sa.column("id", sa.Integer), sa.column("goal_id", sa.Integer),
                  sa.column("rating", sa.Integer), sa.column("rated_at", sa.DateTime(timezone=True)))


def upgrade():
    series = op.create_table(
        "outcome_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_user_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=20), nullable=False),
        sa.Column("series_key", sa.String(length=40), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("first_score", sa.Float(), nullable=False),
        sa.Column("latest_on", sa.Date(), nullable=False),
        sa.Column("latest_score", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("days_apart", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_user_id"], ["service_user.id"],
                                name=op.f("fk_outcome_series_service_user_id_service_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_series")),
        sa.UniqueConstraint("service_user_id", "series_key", name=op.f("uq_outcome_series_service_user_id")),
    )
    with op.batch_alter_table("outcome_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_series_service_user_id"), ["service_user_id"], unique=False)

    score = sa.case((response.c.instrument_id == "dialog", response.c.scores["quality_of_life"].as_float()),
                    else_=response.c.scores["total"].as_float())
    measures = sa.select(response.c.service_user_id, response.c.instrument_id, response.c.submitted_at, score).where(
        response.c.instrument_id.in_(("dialog", "reqol10")), response.c.status == "submitted",
        response.c.superseded.is_(False), score.is_not(None))
    goals = sa.select(goal.c.service_user_id, sa.literal("gbo:") + sa.cast(goal.c.id, sa.String), rating.c.rated_at,
                      rating.c.rating).join(rating, rating.c.goal_id == goal.c.id).where(goal.c.status != "draft")
    rows = []
    for query, order, instrument in ((measures, (response.c.submitted_at, response.c.id), None),
                                     (goals, (rating.c.rated_at, rating.c.id), "gbo")):
        key = query.selected_columns[1]
        ranked = query.add_columns(
            sa.func.row_number().over(partition_by=(query.selected_columns[0], key), order_by=order).label("a"),
            sa.func.row_number().over(partition_by=(query.selected_columns[0], key),
                                      order_by=[column.desc() for column in order]).label("b"),
        ).subquery()
        points = {}
        for person, series_key, at, value in op.get_bind().execute(
            sa.select(*(ranked.c[index] for index in range(4))).where(sa.or_(ranked.c.a == 1, ranked.c.b == 1))
            .order_by(ranked.c[0], ranked.c[1], ranked.c.a)
        ):
            day = (at.astimezone(UTC) if at.tzinfo else at).date()
            points.setdefault((person, series_key), []).append((day, float(value)))
        for (person, series_key), found in points.items():
            rows.append({"service_user_id": person, "instrument_id": instrument or series_key,
                         "series_key": series_key, "first_on": found[0][0], "first_score": found[0][1],
                         "latest_on": found[-1][0], "latest_score": found[-1][1],
                         "points": 1 if len(found) == 1 else 2, "days_apart": (found[-1][0] - found[0][0]).days})
    if rows:
        op.bulk_insert(series, rows)


def downgrade():
    with op.batch_alter_table("outcome_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_series_service_user_id"))
    op.drop_table("outcome_series")
