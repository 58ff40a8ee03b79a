"""Migration 0014 on a database with an audit trail in it: every event stays as it was, and from
then on the database itself refuses to change or delete one; going back down lifts that again.
Runs on SQLite, and on PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` points at one (in a scratch
database of its own)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_risk_pathway import _insert, _utc, database_url  # noqa: F401  (a fixture)

AT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
EVENTS = [(1, 1, "signed_in", "user", 1), (2, 1, "service_user_viewed", "service_user", 7),
          (3, None, "sign_in_failed", "", None)]
CHANGES = ["UPDATE audit_event SET action = 'nothing_happened' WHERE id = 2",
           "UPDATE audit_event SET actor_user_id = NULL",
           "DELETE FROM audit_event WHERE id = 3",
           "DELETE FROM audit_event"]


def _events(connection: sa.Connection) -> list[tuple[object, ...]]:
    rows = connection.execute(sa.text(
        "SELECT id, actor_user_id, action, record_type, record_id, at FROM audit_event ORDER BY id")).all()
    return [(*row[:5], _utc(row[5])) for row in rows]


def test_upgrading_from_0013_keeps_the_audit_trail_and_the_database_refuses_to_change_it(
        database_url: str) -> None:  # noqa: F811  (the fixture imported above)
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as connection:
            _insert(connection, "user_account", id=1, email="kim@example.test", role="key_worker", locale="en",
                    active=True, session_token="t1", created_at=AT)
            for event_id, actor, action, record_type, record_id in EVENTS:
                _insert(connection, "audit_event", id=event_id, actor_user_id=actor, action=action,
                        record_type=record_type, record_id=record_id, at=AT)
        upgrade(revision="0014")

        refused = []
        for statement in CHANGES:
            with pytest.raises(sa.exc.IntegrityError, match="append-only") as caught, \
                    db.engine.begin() as connection:
                connection.execute(sa.text(statement))
            refused.append(caught.value.statement)
        with db.engine.begin() as connection:  # adding to the trail still works
            _insert(connection, "audit_event", id=4, actor_user_id=1, action="signed_out", record_type="user",
                    record_id=1, at=AT)
        with db.engine.connect() as connection:
            after_upgrade = _events(connection)

        downgrade(revision="0013")
        with db.engine.begin() as connection:  # the guard goes with the migration
            connection.execute(sa.text("DELETE FROM audit_event WHERE id = 4"))
        with db.engine.connect() as connection:
            after_downgrade = _events(connection)
        db.engine.dispose()

    before = [(*event, AT) for event in EVENTS]
    assert refused == CHANGES
    assert after_upgrade == [*before, (4, 1, "signed_out", "user", 1, AT)]
    assert after_downgrade == before
