"""Migration 0018 (care teams) on a database with people in it: they stay, a member of staff can be put
in a service user's care team and removed with the history kept, and going back removes only the new
table. Runs on SQLite, and on PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0019_keeps_people_and_records_care_team_members(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0019")
        meta = sa.MetaData()
        team, staff, person = (sa.Table(name, meta, autoload_with=db.engine)
                               for name in ("team", "staff_member", "service_user"))
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(staff.insert().values(_row(staff, id=1, name="Ade Bello", team_id=1,
                                                          registration="GMC 1234567", user_id=None)))
            connection.execute(person.insert().values(_row(person, id=1, team_id=1, nhs_number="9990000018",
                                                           date_of_birth=date(1990, 1, 1), user_id=None,
                                                           key_worker_id=None, care_pathway_id=None)))
        upgrade(revision="0018")
        members = sa.Table("care_team_member", sa.MetaData(), autoload_with=db.engine)
        now = datetime.now(UTC)
        with db.engine.begin() as connection:
            connection.execute(members.insert().values(service_user_id=1, staff_member_id=1,
                                                       role="consultant_psychiatrist", added_at=now,
                                                       reason="Medication review", removal_reason=""))
            connection.execute(members.update().values(removed_at=now, removal_reason="Review done"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(members.insert().values(service_user_id=1, staff_member_id=1, added_at=now,
                                                       reason="", removal_reason=""))  # no role
        indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("care_team_member")}
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text(
                "SELECT role, reason, removal_reason, removed_at IS NOT NULL FROM care_team_member")).all()
            staff_kept = connection.execute(sa.text("SELECT name, registration FROM staff_member")).all()
        downgrade(revision="0019")
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            people_after = connection.execute(sa.text("SELECT count(*) FROM service_user")).scalar()
        db.engine.dispose()
    assert {"ix_care_team_member_staff_current", "ix_care_team_member_service_user_id"} <= indexes
    assert kept == [("consultant_psychiatrist", "Medication review", "Review done", True)]
    assert staff_kept == [("Ade Bello", "GMC 1234567")]
    assert "care_team_member" not in tables and "feedback" in tables and people_after == 1
