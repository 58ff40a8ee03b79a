"""What the portal remembers about the clinical record: links, versions, snapshots and conflicts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class PatientRecordSync(Base):
    """When a service user's record was last pulled, and the Patient version seen then."""

    __tablename__ = "patient_record_sync"

    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), default="")
    pulled_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(200), default="")


class CarerRecordLink(Base):
    """A carer of one service user as a RelatedPerson in the record, with the values both sides
    agreed at the last sync (the snapshot a three-way merge starts from)."""

    __tablename__ = "carer_record_link"
    __table_args__ = (UniqueConstraint("carer_id", "service_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id"))
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    resource_id: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[str] = mapped_column(String(64), default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConflictStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class CarerDetailConflict(Base):
    """The same carer detail changed in the portal and in the record since the last sync."""

    __tablename__ = "carer_detail_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id"))
    field: Mapped[str] = mapped_column(String(40))
    portal_value: Mapped[str] = mapped_column(Text, default="")
    record_value: Mapped[str] = mapped_column(Text, default="")
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ConflictStatus] = mapped_column(
        Enum(ConflictStatus, name="conflict_status", native_enum=False, length=12,
             values_callable=lambda e: [m.value for m in e]),
        default=ConflictStatus.OPEN,
    )
    chosen: Mapped[str] = mapped_column(String(10), default="")  # "portal" or "record"
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[datetime | None]


class RecordSyncProblem(Base):
    """Something the clinical record says that the portal could not take in, for the team lead to sort out:
    a key worker the portal has no staff member for (``unknown_key_worker``) or one with no professional
    registration (``key_worker_not_registered``), or a team or pathway it does
    not know (``unknown_team``, ``unknown_pathway``). ``detail`` is what the record said (a practitioner's
    name and registration, a team or pathway name), never anything about the service user. A later pull
    that no longer finds the problem resolves it."""

    __tablename__ = "record_sync_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(200), default="")
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
