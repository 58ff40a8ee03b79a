"""The care team around a service user: the people besides the named key worker who work with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.people import ServiceUser, StaffMember, User


class CareTeamMember(Base):
    """A member of staff in a service user's care team, in a care-team role (a code from
    portal/care_team_roles.py). Never deleted: removing someone sets ``removed_at``, who did it and
    why, so the history stays. A current member (``removed_at`` is None) may open the person's pages
    (portal/services/people.py ``service_user_for_staff``)."""

    __tablename__ = "care_team_member"
    __table_args__ = (Index("ix_care_team_member_staff_current", "staff_member_id", "removed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    role: Mapped[str] = mapped_column(String(40))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removal_reason: Mapped[str] = mapped_column(Text, default="")

    service_user: Mapped[ServiceUser] = relationship()
    staff_member: Mapped[StaffMember] = relationship()
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def current(self) -> bool:
        return self.removed_at is None
