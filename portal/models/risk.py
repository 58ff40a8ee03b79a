"""The risk pathway's own tables: the duty rota and the messages that tell staff a flag needs them.

``StaffNotification`` is an outbox of its own, like ``ReminderNotification``: one row per event
and member of staff (a unique key), so two schedulers running at once tell each person once.
The message says only that something needs their attention in the portal: no clinical content.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.people import StaffMember
from portal.models.reminders import NotificationStatus
from portal.notify.rules import Channel


def _enum(cls: type[enum.Enum], name: str, length: int) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class DutyShift(Base):
    """Who is the team's duty worker on a day, as the team lead set it."""

    __tablename__ = "duty_shift"
    __table_args__ = (UniqueConstraint("team_id", "duty_date", name="uq_duty_shift_team_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    duty_date: Mapped[date]
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff_member: Mapped[StaffMember] = relationship()


class StaffNotificationKind(enum.StrEnum):
    FLAG_URGENT = "flag_urgent"  # an urgent flag assigned to them
    FLAG_ESCALATED = "flag_escalated"  # stage 1: not acknowledged in time (duty worker, team lead)
    FLAG_OVERDUE = "flag_overdue"  # stage 2: still open at the end of the next working day (team lead)
    ROUTINE_DIGEST = "routine_digest"  # once a working day: routine flags assigned to them are open


class StaffNotification(Base):
    __tablename__ = "staff_notification"
    __table_args__ = (
        UniqueConstraint("event_key", "staff_member_id", name="uq_staff_notification_once"),
        Index("ix_staff_notification_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    # "flag:12:urgent", "flag:12:stage1", "flag:12:stage2", "digest:2026-05-04": never personal data.
    event_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[StaffNotificationKind] = mapped_column(_enum(StaffNotificationKind, "staff_notification_kind", 20))
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("safety_flag.id"), index=True)
    channel: Mapped[Channel | None] = mapped_column(_enum(Channel, "staff_notification_channel", 10))
    status: Mapped[NotificationStatus] = mapped_column(_enum(NotificationStatus, "staff_notification_status", 12),
                                                       default=NotificationStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_after: Mapped[datetime]  # the team's working hours
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    status_at: Mapped[datetime | None]
    provider: Mapped[str] = mapped_column(String(20), default="")
    provider_id: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")  # codes, never personal data
    destination_hint: Mapped[str] = mapped_column(String(80), default="")

    staff_member: Mapped[StaffMember] = relationship()
