"""Migration 0012 (the risk pathway) on a database with flags in it: every flag raised before it
becomes urgent, from an answer, assigned to the person's key worker (none if they have none);
acknowledged ones keep who and when; nothing is lost. Runs on SQLite, and on PostgreSQL when
``PORTAL_TEST_DATABASE_URL`` points at one (in a scratch database of its own)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db

RAISED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SEEN = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own: the suite's database is already at the newest migration."""
    server = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'before.db'}"
        return
    name = f"migration_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _utc(value: object) -> datetime:
    """A stored time as read back by raw SQL (SQLite gives text, PostgreSQL an aware datetime)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _insert(connection: sa.Connection, table_name: str, **values: object) -> None:
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    connection.execute(table.insert().values(**values))


def _people_and_flags(connection: sa.Connection) -> None:
    _insert(connection, "team", id=1, name="North")
    for user_id, role in ((1, "key_worker"), (2, "service_user"), (3, "service_user")):
        _insert(connection, "user_account", id=user_id, email=f"u{user_id}@example.test", role=role, locale="en",
                active=True, session_token=f"t{user_id}", created_at=RAISED)
    _insert(connection, "staff_member", id=1, user_id=1, name="Priya Shah", profession="Nurse", registration="",
            team_id=1)
    person = {"preferred_name": "", "pronouns": "", "date_of_birth": date(1990, 1, 1), "phone": "", "email": "",
              "address": "", "postcode": "", "team_id": 1}
    _insert(connection, "service_user", id=1, user_id=2, given_name="Sam", family_name="Taylor",
            nhs_number="9000000009", key_worker_id=1, **person)
    _insert(connection, "service_user", id=2, user_id=3, given_name="Alex", family_name="Morgan",
            nhs_number="9000000017", key_worker_id=None, **person)
    for response_id, service_user_id, user_id in ((1, 1, 2), (2, 1, 2), (3, 2, 3)):
        _insert(connection, "measure_response", id=response_id, service_user_id=service_user_id,
                instrument_id="reqol10", instrument_version="1", status="submitted", mode="self",
                started_by_id=user_id, started_at=RAISED, updated_at=RAISED, version=1, superseded=False)
    _insert(connection, "safety_flag", id=1, service_user_id=1, response_id=1, reason="reqol_item6", raised_at=RAISED)
    _insert(connection, "safety_flag", id=2, service_user_id=1, response_id=2, reason="dialog_personal_safety",
            raised_at=RAISED, acknowledged_by_id=1, acknowledged_at=SEEN)
    _insert(connection, "safety_flag", id=3, service_user_id=2, response_id=3, reason="reqol_item6", raised_at=RAISED)


def test_flags_from_before_become_urgent_and_assigned_to_the_key_worker(database_url: str) -> None:
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as connection:
            _people_and_flags(connection)
        upgrade(revision="0012")
        with db.engine.connect() as connection:
            flags = {row.id: row for row in connection.execute(sa.text(
                "SELECT id, service_user_id, response_id, reason, raised_at, tier, source, assignee_id, routed_via, "
                "escalation_stage, acknowledged_by_id, acknowledged_at, outcome, outcome_note, "
                "carer_contribution_id FROM safety_flag ORDER BY id"))}
            staff = connection.execute(sa.text("SELECT notify_by, mobile, away_from FROM staff_member")).one()
        downgrade(revision="0011")  # and back, with nothing lost
        with db.engine.connect() as connection:
            after_downgrade = connection.execute(sa.text("SELECT count(*) FROM safety_flag")).scalar()
        db.engine.dispose()

    assert sorted(flags) == [1, 2, 3]
    assert {(f.tier, f.source, f.escalation_stage, f.outcome_note, f.carer_contribution_id) for f in flags.values()} \
        == {("urgent", "answer", 0, "", None)}
    assert (flags[1].assignee_id, flags[1].routed_via) == (1, "key_worker")
    assert (flags[2].assignee_id, flags[2].acknowledged_by_id, flags[2].outcome) == (1, 1, None)
    assert (flags[3].assignee_id, flags[3].routed_via) == (None, "")  # no key worker: the duty page shows it
    assert [(f.service_user_id, f.response_id, f.reason) for f in flags.values()] == [
        (1, 1, "reqol_item6"), (1, 2, "dialog_personal_safety"), (2, 3, "reqol_item6")]
    assert (_utc(flags[1].raised_at), _utc(flags[2].acknowledged_at)) == (RAISED, SEEN)
    assert (staff.notify_by, staff.mobile, staff.away_from) == ("email", "", None)
    assert after_downgrade == 3
