"""Team leads who lead more than one team (issue 16: service managers across teams)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class TeamLeadership(Base):
    """A team lead (or service manager) also leads this team, besides their own (StaffMember.team_id):
    they see its dashboard. An administrator adds and removes these; both are audited."""

    __tablename__ = "team_leadership"
    __table_args__ = (UniqueConstraint("staff_member_id", "team_id", name="uq_team_leadership_staff_team"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
