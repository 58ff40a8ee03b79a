"""Short notes about a service user from anyone in their care team (issue 15): a peer support worker
or care navigator who may not change the person's care can still tell the team what they saw."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.people import ServiceUser, StaffMember


class CareTeamNote(Base):
    """One note, kept as written (never changed or deleted); shown to the key worker and the team on
    the person's page and timeline."""

    __tablename__ = "care_team_note"
    __table_args__ = (Index("ix_care_team_note_service_user_written", "service_user_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"))
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)

    service_user: Mapped[ServiceUser] = relationship()
    staff_member: Mapped[StaffMember] = relationship()
