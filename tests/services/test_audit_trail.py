"""The audit trail is append-only in the database itself, not only through the portal's models:
raw SQL cannot change or delete an event, on SQLite and on PostgreSQL. The tests' own cleanup
between tests still empties it (tests/conftest.py says how)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import AuditEvent, MeasureAnswer, Role, User
from portal.models.base import utcnow
from portal.services import audit, measures
from tests import factories
from tests.conftest import _empty_tables

CHANGES = [
    "UPDATE audit_event SET action = 'nothing_happened'",
    "UPDATE audit_event SET actor_user_id = NULL, record_id = NULL",
    "UPDATE audit_event SET at = at",  # even a change to the same value
    "DELETE FROM audit_event WHERE action = 'service_user_viewed'",
    "DELETE FROM audit_event",
]


def _trail() -> list[tuple[object, ...]]:
    return [tuple(row) for row in db.session.execute(
        select(AuditEvent.id, AuditEvent.actor_user_id, AuditEvent.action, AuditEvent.record_type,
               AuditEvent.record_id, AuditEvent.at).order_by(AuditEvent.id))]


@pytest.mark.parametrize("statement", CHANGES)
def test_the_database_refuses_to_change_or_delete_an_audit_event(app: Flask, statement: str) -> None:
    user = factories.create_user(Role.KEY_WORKER)
    audit.record_now(user.id, "service_user_viewed", "service_user", 7)
    audit.record_now(None, "sign_in_failed")
    before = _trail()

    with pytest.raises(IntegrityError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(statement))

    db.session.expire_all()
    assert _trail() == before


def test_the_cleanup_between_tests_empties_the_trail_and_leaves_it_append_only(app: Flask) -> None:
    audit.record_now(factories.create_user(Role.ADMIN).id, "signed_in")

    _empty_tables()

    assert _trail() == []
    audit.record_now(None, "sign_in_failed")
    with pytest.raises(IntegrityError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))
    assert [row[2] for row in _trail()] == ["sign_in_failed"]


def test_a_refusal_is_recorded_on_its_own_and_never_saves_what_the_refused_request_had_not(app: Flask) -> None:
    with app.test_request_context("/staff/"):
        half_done = factories.create_user(Role.KEY_WORKER, email="half-done@example.test")  # written, not committed
        half_done.locale = "cy"
        audit.record_refusal(None, "203.0.113.9", "staff")

    assert db.session.scalar(select(User).where(User.email == "half-done@example.test")) is None
    assert [row[1:5] for row in _trail()] == [(None, "access_refused", "staff", None)]


def test_a_refusal_never_saves_what_the_refused_request_wrote_outside_the_orm(app: Flask) -> None:
    """An audit event and an answer are written at once on the session's connection, not flushed:
    a refusal later in the same request must still roll them back, not commit them with its own."""
    person = factories.create_service_user(key_worker=factories.create_staff())
    response = measures.start_or_resume(person.user, person, "dialog")
    first = measures.questions(measures.instrument_for("dialog"))[0]
    measures.save_answer(person.user, response, first, 3)
    before = _trail()
    with app.test_request_context("/me/"):
        audit.record(person.user.id, "measure_answered", "measure_response", response.id)
        measures._write_now(response.answers[0], measures._CHANGE_ANSWER, answered_at=utcnow(), value=6, more_help=None)
        audit.record_refusal(person.user.id, "203.0.113.9", "staff")

    db.session.expire_all()
    assert db.session.scalar(select(MeasureAnswer.value).where(MeasureAnswer.response_id == response.id)) == 3
    assert [row[1:5] for row in _trail()[len(before):]] == [(person.user.id, "access_refused", "staff", None)]
