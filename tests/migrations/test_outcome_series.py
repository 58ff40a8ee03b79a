"""Migration 0026 (each score series' first and latest points) on a database in use: the series are
filled from the scores already held, skipping in-progress, superseded and draft-goal scores, and
going back removes only the new table. SQLite, and PostgreSQL when ``PORTAL_TEST_DATABASE_URL``
points at one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0025_fills_each_series_from_the_scores_held(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0025")
        meta = sa.MetaData()
        team, account, person, response, goal, rating = (
            sa.Table(name, meta, autoload_with=db.engine)
            for name in ("team", "user_account", "service_user", "measure_response", "goal", "goal_rating"))
        responses = [  # id, instrument, status, superseded, submitted, scores
            (1, "dialog", "submitted", False, datetime(2026, 1, 5, 23, 30, tzinfo=UTC), {"quality_of_life": 3.5}),
            (2, "dialog", "submitted", True, datetime(2026, 3, 1, tzinfo=UTC), {"quality_of_life": 6.0}),
            (3, "dialog", "submitted", False, datetime(2026, 3, 2, tzinfo=UTC), {"quality_of_life": 4.75}),
            (4, "dialog", "in_progress", False, None, None),
            (5, "reqol10", "submitted", False, datetime(2026, 2, 1, tzinfo=UTC), {"total": 18}),
            (6, "gbo_unrelated", "submitted", False, datetime(2026, 2, 1, tzinfo=UTC), {"total": 1}),
        ]
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(account.insert().values(_row(account, id=1, email="sam@example.test", active=True, role="service_user")))
            connection.execute(person.insert().values(_row(person, id=1, team_id=1, nhs_number="9990000018",
                                                           key_worker_id=None, user_id=1, care_pathway_id=None, date_of_birth=date(1990, 5, 1))))
            for number, instrument, status, superseded, submitted, scores in responses:
                connection.execute(response.insert().values(_row(
                    response, id=number, service_user_id=1, instrument_id=instrument, status=status,
                    superseded=superseded, submitted_at=submitted, scores=scores, started_by_id=1,
                    supersedes_id=None, assignment_id=None)))
            for number, status in ((1, "active"), (2, "draft")):
                connection.execute(goal.insert().values(_row(goal, id=number, service_user_id=1, status=status,
                                                             written_by_id=1)))
            for number, goal_id, value, month in ((1, 1, 2, 1), (2, 1, 5, 2), (3, 1, 7, 4), (4, 2, 3, 1)):
                connection.execute(rating.insert().values(_row(
                    rating, id=number, goal_id=goal_id, rating=value, rated_at=datetime(2026, month, 1, tzinfo=UTC),
                    rated_by_id=1, care_session_id=None)))
        upgrade(revision="0026")
        with db.engine.connect() as connection:
            series = {row.series_key: (row.instrument_id, row.first_on, row.first_score, row.latest_on,
                                       row.latest_score, row.points, row.days_apart)
                      for row in connection.execute(sa.text("SELECT * FROM outcome_series"))}
        downgrade(revision="0025")
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT count(*) FROM measure_response")).scalar()
        db.engine.dispose()

    def day(value: object) -> date:
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    series = {key: (kind, day(first_on), first, day(latest_on), latest, points, days)
              for key, (kind, first_on, first, latest_on, latest, points, days) in series.items()}
    assert series == {
        "dialog": ("dialog", date(2026, 1, 5), 3.5, date(2026, 3, 2), 4.75, 2, 56),
        "reqol10": ("reqol10", date(2026, 2, 1), 18.0, date(2026, 2, 1), 18.0, 1, 0),
        "gbo:1": ("gbo", date(2026, 1, 1), 2.0, date(2026, 4, 1), 7.0, 2, 90),
    }
    assert "outcome_series" not in tables and kept == len(responses)
