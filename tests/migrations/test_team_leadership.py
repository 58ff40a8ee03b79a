"""Migration 0025 (team leads who lead more teams) on a database in use: teams and staff stay, a lead can
be given another team once only, and going back removes only the new table. SQLite, and PostgreSQL
when ``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0024_keeps_teams_and_staff_and_adds_team_leadership(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0024")
        meta = sa.MetaData()
        team, staff = (sa.Table(name, meta, autoload_with=db.engine) for name in ("team", "staff_member"))
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(team.insert().values(_row(team, id=2, name="South CMHT")))
            connection.execute(staff.insert().values(_row(staff, id=1, name="Helen Brooks", team_id=1, user_id=None)))
        upgrade(revision="0025")
        leadership = sa.Table("team_leadership", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(leadership.insert().values(staff_member_id=1, team_id=2, added_at=datetime.now(UTC)))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(leadership.insert().values(staff_member_id=1, team_id=2, added_at=datetime.now(UTC)))
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT staff_member_id, team_id FROM team_leadership")).all()
        downgrade(revision="0024")
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            staff_after = connection.execute(sa.text("SELECT name, team_id FROM staff_member")).all()
        db.engine.dispose()
    assert kept == [(1, 2)]
    assert "team_leadership" not in tables and staff_after == [("Helen Brooks", 1)]
