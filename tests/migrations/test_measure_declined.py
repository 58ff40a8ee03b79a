"""Migration 0027 (a deferral can say the person chose not to answer) on a database in use: deferrals
already recorded stay, as "not the right time"; going back keeps them. SQLite, and PostgreSQL when
``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0026_keeps_deferrals_as_not_the_right_time(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0026")
        meta = sa.MetaData()
        team, account, person, deferral = (sa.Table(name, meta, autoload_with=db.engine)
                                           for name in ("team", "user_account", "service_user", "measure_deferral"))
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(account.insert().values(_row(account, id=1, email="priya@example.test", active=True,
                                                            role="key_worker")))
            connection.execute(person.insert().values(_row(person, id=1, team_id=1, nhs_number="9990000018",
                                                           key_worker_id=None, user_id=None, care_pathway_id=None,
                                                           date_of_birth=date(1990, 5, 1))))
            connection.execute(deferral.insert().values(_row(
                deferral, id=1, service_user_id=1, instrument_id="dialog", reason="In crisis",
                until=date(2027, 1, 4), recorded_by_id=1, recorded_at=datetime(2026, 12, 1, tzinfo=UTC))))
        upgrade(revision="0027")
        with db.engine.begin() as connection:
            after = connection.execute(sa.text("SELECT reason, declined FROM measure_deferral")).one()
            connection.execute(sa.text(
                "INSERT INTO measure_deferral (id, service_user_id, instrument_id, reason, until, declined, "
                "recorded_by_id, recorded_at) VALUES (2, 1, 'reqol10', '', '2027-02-01', :yes, 1, :at)"),
                {"yes": True, "at": datetime(2026, 12, 2, tzinfo=UTC)})
        downgrade(revision="0026")
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT id, reason FROM measure_deferral ORDER BY id")).all()
            columns = {column["name"] for column in sa.inspect(connection).get_columns("measure_deferral")}
        db.engine.dispose()
    assert (after.reason, bool(after.declined)) == ("In crisis", False)
    assert kept == [(1, "In crisis"), (2, "")] and "declined" not in columns
