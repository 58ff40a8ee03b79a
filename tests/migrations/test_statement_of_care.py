"""Migration 0020 (statement of care) on a database with people and a care team in it: they stay, a
statement with two agreed versions can be stored (one number per version), and going back removes only
the new tables. Runs on SQLite, and on PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0018_keeps_care_teams_and_stores_agreed_statements(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0018")
        meta = sa.MetaData()
        team, user, staff, person, member = (
            sa.Table(name, meta, autoload_with=db.engine)
            for name in ("team", "user_account", "staff_member", "service_user", "care_team_member"))
        now = datetime.now(UTC)
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(user.insert().values(_row(user, id=1, email="consultant@example.test", role="key_worker", locale="en", active=True)))
            connection.execute(staff.insert().values(_row(staff, id=1, name="Ade Bello", team_id=1,
                                                          registration="GMC 1234567", user_id=1)))
            connection.execute(person.insert().values(_row(person, id=1, team_id=1, nhs_number="9990000018",
                                                           date_of_birth=date(1990, 1, 1), user_id=None,
                                                           key_worker_id=None, care_pathway_id=None)))
            connection.execute(member.insert().values(service_user_id=1, staff_member_id=1, added_at=now,
                                                      role="consultant_psychiatrist", reason="Medication review",
                                                      removal_reason=""))
        upgrade(revision="0020")
        statements = sa.Table("statement_of_care", sa.MetaData(), autoload_with=db.engine)
        versions = sa.Table("statement_of_care_version", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(statements.insert().values(
                id=1, service_user_id=1, purpose="clinic_letter", started_by_id=1, started_at=now,
                draft_text="Sam is sleeping better.", goal_reviews={"7": {"rating": 6, "still_right": True}}))
            for number in (1, 2):
                connection.execute(versions.insert().values(
                    statement_id=1, number=number, text=f"Version {number}", content={"goals": []},
                    agreed_by_id=1, author_name="Ade Bello", author_role="consultant_psychiatrist",
                    author_registration="GMC 1234567", agreed_at=now))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(versions.insert().values(
                statement_id=1, number=2, text="Again", content={}, agreed_by_id=1, author_name="Ade Bello",
                author_role="medic", author_registration="", agreed_at=now))  # the same number twice
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text(
                "SELECT number, text, author_role FROM statement_of_care_version ORDER BY number")).all()
            draft = connection.execute(sa.text("SELECT draft_text, goal_reviews FROM statement_of_care")).one()
            members = connection.execute(sa.text("SELECT role, reason FROM care_team_member")).all()
        downgrade(revision="0018")
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            people_after = connection.execute(sa.text("SELECT count(*) FROM service_user")).scalar()
        db.engine.dispose()
    assert kept == [(1, "Version 1", "consultant_psychiatrist"), (2, "Version 2", "consultant_psychiatrist")]
    assert draft[0] == "Sam is sleeping better."
    assert members == [("consultant_psychiatrist", "Medication review")]
    assert "statement_of_care" not in tables and "statement_of_care_version" not in tables
    assert "care_team_member" in tables and people_after == 1
