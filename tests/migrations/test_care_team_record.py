"""Migration 0021 (care team notes; carers' questionnaire results) on a database with people and consent
decisions in it: they stay, every decision made before shares no results, a note can be written, and
going back removes only what 0021 added. Runs on SQLite, and on PostgreSQL when
``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0020_keeps_consent_decisions_with_results_off_and_records_notes(
        database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0020")
        meta = sa.MetaData()
        team, staff, person, user, carer, link, consent = (
            sa.Table(name, meta, autoload_with=db.engine)
            for name in ("team", "staff_member", "service_user", "user_account", "carer", "carer_link",
                         "carer_consent"))
        now = datetime.now(UTC)
        with db.engine.begin() as connection:
            connection.execute(team.insert().values(_row(team, id=1, name="North CMHT")))
            connection.execute(user.insert().values(_row(user, id=1, email="sam@example.test", role="service_user",
                                                         active=True)))
            connection.execute(staff.insert().values(_row(staff, id=1, name="Robin Clarke", team_id=1,
                                                          registration="", user_id=None)))
            connection.execute(person.insert().values(_row(person, id=1, team_id=1, nhs_number="9990000021",
                                                           date_of_birth=date(1990, 1, 1), user_id=None,
                                                           key_worker_id=None, care_pathway_id=None)))
            connection.execute(carer.insert().values(_row(carer, id=1, name="Jo", user_id=None, interpreter_needed=False, young_carer=False)))
            connection.execute(link.insert().values(_row(link, id=1, carer_id=1, service_user_id=1)))
            connection.execute(consent.insert().values(_row(
                consent, carer_link_id=1, involvement=True, goals=True, care_plan=False, safety_plan=False,
                recorded_by_id=1, recorded_by_role="service_user", in_person=False, changed_at=now)))
        upgrade(revision="0021")
        notes = sa.Table("care_team_note", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(notes.insert().values(service_user_id=1, staff_member_id=1, written_at=now,
                                                     text="Met Sam at the allotment group; he enjoyed it."))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(notes.insert().values(service_user_id=1, staff_member_id=1, written_at=now))
        with db.engine.connect() as connection:
            decisions = connection.execute(sa.text(
                "SELECT involvement, goals, questionnaire_results FROM carer_consent")).all()
            kept = connection.execute(sa.text("SELECT text FROM care_team_note")).scalars().all()
        indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("care_team_note")}
        downgrade(revision="0020")
        tables = sa.inspect(db.engine).get_table_names()
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("carer_consent")}
        with db.engine.connect() as connection:
            after = connection.execute(sa.text("SELECT involvement, goals FROM carer_consent")).all()
        db.engine.dispose()
    assert [tuple(map(bool, row)) for row in decisions] == [(True, True, False)]
    assert kept == ["Met Sam at the allotment group; he enjoyed it."]
    assert "ix_care_team_note_service_user_written" in indexes
    assert "care_team_note" not in tables and "questionnaire_results" not in columns
    assert [tuple(map(bool, row)) for row in after] == [(True, True)]
