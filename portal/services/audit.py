"""Write to the audit trail. Callers commit it with the change it describes."""

from __future__ import annotations

from portal.extensions import db
from portal.models import AuditEvent


def record(actor_user_id: int | None, action: str, record_type: str = "", record_id: int | None = None) -> None:
    """Add an audit event to the current transaction. ``action`` is a fixed code, never free text."""
    db.session.add(
        AuditEvent(actor_user_id=actor_user_id, action=action, record_type=record_type, record_id=record_id)
    )


def record_now(actor_user_id: int | None, action: str, record_type: str = "", record_id: int | None = None) -> None:
    """Audit something that changes nothing else (a sign-in, a record viewed)."""
    record(actor_user_id, action, record_type, record_id)
    db.session.commit()
