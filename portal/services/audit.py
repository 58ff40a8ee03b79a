"""Write to the audit trail. Callers commit it with the change it describes."""

from __future__ import annotations

import contextlib

from flask import current_app, g, has_request_context
from limits import parse
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from portal.extensions import db, limiter
from portal.models import AuditEvent

# Refused requests (portal/access.py) recorded per person, or per address when signed out; past
# that, one "access_refused_suppressed" event per window says more were refused and not recorded.
# Counted in the limiter's storage (RATELIMIT_STORAGE_URI), so Redis shares the count between workers.
REFUSALS_RECORDED = parse("20 per 10 minutes")
SUPPRESSED_RECORDED = parse("1 per 10 minutes")
REFUSED = "access_refused"
SUPPRESSED = "access_refused_suppressed"


# Written at once on the session's connection: an event is never changed or read back in the same
# request, and going through the ORM's unit of work cost an autosave a tenth of its time.
_INSERT_EVENT = insert(AuditEvent)


def record(actor_user_id: int | None, action: str, record_type: str = "", record_id: int | None = None) -> None:
    """Add an audit event to the current transaction, which commits it with the change it describes
    or rolls it back with it. ``action`` is a fixed code, never free text."""
    db.session.connection().execute(_INSERT_EVENT, {"actor_user_id": actor_user_id, "action": action,
                                                    "record_type": record_type, "record_id": record_id})
    note_unsaved_write()


def record_now(actor_user_id: int | None, action: str, record_type: str = "", record_id: int | None = None) -> None:
    """Audit something that changes nothing else (a sign-in, a record viewed), committed at once.

    What the request has loaded stays loaded: read in this request, it is as current as before
    the commit, and expiring it made a person's page read the person and the signed-in account again."""
    record(actor_user_id, action, record_type, record_id)
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def record_refusal(actor_user_id: int | None, address: str, record_type: str) -> None:
    """Audit a refused request, on its own: whatever the refused request had not saved is dropped,
    never committed with it. Never raises: a trail that cannot be written is logged (with no
    personal data) and the person still sees the refusal page."""
    try:
        action = _refusal_to_record(f"user:{actor_user_id}" if actor_user_id else f"address:{address}")
        if action is None:
            return
        if _request_left_unsaved_changes():
            db.session.rollback()
        record_now(actor_user_id, action, record_type)
    except Exception as error:  # noqa: BLE001 - the refusal page matters more than its audit row
        current_app.logger.warning("A refused request could not be recorded in the audit trail (%s)",
                                   type(error).__name__)
        with contextlib.suppress(Exception):
            db.session.rollback()


def _refusal_to_record(who: str) -> str | None:
    counter = limiter.limiter
    if counter.hit(REFUSALS_RECORDED, REFUSED, who):
        return REFUSED
    if counter.hit(SUPPRESSED_RECORDED, SUPPRESSED, who):
        return SUPPRESSED
    return None


def _request_left_unsaved_changes() -> bool:
    """Did this request add, change or write anything it has not committed? (Only then is a
    rollback needed; otherwise the session, and the signed-in person loaded in it, stay as they are.)"""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return True
    return has_request_context() and g.get("unsaved_writes_in") is not None \
        and g.unsaved_writes_in is session.get_transaction()


@event.listens_for(Session, "after_flush")
def _note_unsaved_writes(session: Session, flush_context: object) -> None:
    if has_request_context():
        g.unsaved_writes_in = session.get_transaction()


def note_unsaved_write() -> None:
    """Say this request wrote on the session's connection outside the ORM (its flushes are noted
    above), so that a refusal rolls the write back rather than committing it with its own event."""
    if has_request_context():
        g.unsaved_writes_in = db.session().get_transaction()
