"""Migration 0028 (a token per team for the caseloads kept between requests) on a database in use:
it adds an empty table and touches nothing else; going back takes it away and keeps the rest.
SQLite, and PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0027_adds_an_empty_table_and_keeps_everyone(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0027")
        meta = sa.MetaData()
        team, person = (sa.Table(name, meta, autoload_with=db.engine) for name in ("team", "service_user"))
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(person.insert().values(_row(person, id=1, team_id=1, nhs_number="9990000018",
                                                           key_worker_id=None, user_id=None, care_pathway_id=None,
                                                           date_of_birth=date(1990, 5, 1))))
        upgrade(revision="0028")
        with db.engine.begin() as connection:
            empty = connection.execute(sa.text("SELECT count(*) FROM caseload_generation")).scalar()
            connection.execute(sa.text("INSERT INTO caseload_generation (team_id, token) VALUES (1, 'abc')"))
            people = connection.execute(sa.text("SELECT id, team_id FROM service_user")).all()
        downgrade(revision="0027")
        with db.engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            kept = connection.execute(sa.text("SELECT id, team_id FROM service_user")).all()
        db.engine.dispose()
    assert empty == 0 and people == [(1, 1)]
    assert "caseload_generation" not in tables and kept == [(1, 1)]
