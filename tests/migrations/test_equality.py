"""Migration 0024 (gender and ethnic category, for the dashboard's equality breakdown) on a database with
people in it: they stay, with "" for both until a pull from the record fills them, and going back
removes only the two columns. Runs on SQLite, and on PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` is one."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0023_keeps_people_with_gender_and_ethnic_category_empty(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0023")
        meta = sa.MetaData()
        team, person = (sa.Table(name, meta, autoload_with=db.engine) for name in ("team", "service_user"))
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(person.insert().values(_row(person, id=1, team_id=1, nhs_number="9990000018",
                                                           given_name="Sam", date_of_birth=date(1990, 5, 14),
                                                           user_id=None, key_worker_id=None, care_pathway_id=None)))
        upgrade(revision="0024")
        with db.engine.begin() as connection:
            before = connection.execute(sa.text(
                "SELECT given_name, date_of_birth, gender, ethnic_category FROM service_user")).one()
            connection.execute(sa.text("UPDATE service_user SET gender = 'male', ethnic_category = 'A'"))
            after = connection.execute(sa.text("SELECT gender, ethnic_category FROM service_user")).one()
        downgrade(revision="0023")
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("service_user")}
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT given_name, nhs_number FROM service_user")).one()
        db.engine.dispose()
    assert tuple(before[:1]) == ("Sam",) and str(before[1]).startswith("1990-05-14") and tuple(before[2:]) == ("", "")
    assert tuple(after) == ("male", "A")
    assert "gender" not in columns and "ethnic_category" not in columns and tuple(kept) == ("Sam", "9990000018")
