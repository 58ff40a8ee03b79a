"""The audit trail: append-only, and never any free-text personal data.

Append-only twice over: the session refuses to flush a change or deletion of an event (below, a
clear error in the code that tried), and the database refuses UPDATE and DELETE on audit_event
whoever sends them (triggers, migration 0014). Refused requests are recorded as ``access_refused``
(portal/services/audit.py ``record_refusal``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    record_type: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None]


class AuditIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditIsAppendOnly("Audit events cannot be changed or deleted")
