"""Key worker history: every allocation or change of key worker, with its handover."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.people import ServiceUser, StaffMember, User


class AssignmentSource(enum.StrEnum):
    """Where a change of key worker was made: by a team lead in the portal, or in the clinical record
    (then the pull brings it in, with no one in the portal recording it and no handover note)."""

    PORTAL = "portal"
    CLINICAL_RECORD = "clinical_record"


class KeyWorkerAssignment(Base):
    """One allocation of a key worker to a service user. Never changed after it is written:
    the next allocation ends it. The first one for a person has no previous key worker.

    Teams hand over in person; this records that the handover happened (``handover_on``)
    and what the new key worker must know (``handover_note``)."""

    __tablename__ = "key_worker_assignment"
    __table_args__ = (Index("ix_key_worker_assignment_person_recorded", "service_user_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"))
    key_worker_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    previous_key_worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    handover_on: Mapped[date]
    handover_note: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: from the record
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]  # when the new key worker confirmed they read the handover note
    source: Mapped[AssignmentSource] = mapped_column(
        Enum(AssignmentSource, name="assignment_source", native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e]),
        default=AssignmentSource.PORTAL,
    )

    service_user: Mapped[ServiceUser] = relationship()
    key_worker: Mapped[StaffMember] = relationship(foreign_keys=[key_worker_id])
    previous_key_worker: Mapped[StaffMember | None] = relationship(foreign_keys=[previous_key_worker_id])
    recorded_by: Mapped[User | None] = relationship()
