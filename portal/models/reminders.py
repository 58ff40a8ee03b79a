"""Reminders: how each person wants to hear from us, and every reminder queued or sent.

``ReminderNotification`` is a transactional outbox of its own (the record outbox delivers in order
per patient and would hold reminders behind a failing record write). One row per task, reminder
number and channel: the unique key means two schedulers running at once can never queue the same
reminder twice.
"""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.notify.rules import Channel, Choice

if TYPE_CHECKING:
    from portal.models.people import User


def _enum(cls: type[enum.Enum], name: str, length: int) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class ConsentSource(enum.StrEnum):
    SELF = "self"  # the person, signed in
    STOP_LINK = "stop_link"  # the link in a message
    IN_PERSON = "in_person"  # told to their key worker, who recorded it
    DEMO = "demo"


class ContactPreference(Base):
    """A service user's or carer's choice of reminders. No row: no reminders (we ask first)."""

    __tablename__ = "contact_preference"
    __table_args__ = (
        CheckConstraint("(service_user_id IS NULL) <> (carer_id IS NULL)", name="one_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int | None] = mapped_column(ForeignKey("service_user.id"), unique=True)
    carer_id: Mapped[int | None] = mapped_column(ForeignKey("carer.id"), unique=True)
    choice: Mapped[Choice] = mapped_column(_enum(Choice, "reminder_choice", 10), default=Choice.NONE)
    quiet_from: Mapped[time] = mapped_column(Time, default=time(20, 0))
    quiet_until: Mapped[time] = mapped_column(Time, default=time(8, 0))
    # Consent: when and how the current choice was made, and by which account.
    consent_recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    consent_source: Mapped[ConsentSource] = mapped_column(_enum(ConsentSource, "consent_source", 12))

    consent_recorded_by: Mapped[User | None] = relationship()


class NotificationStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting to be sent (perhaps until quiet hours end, or to retry)
    SENT = "sent"  # the provider took it
    DELIVERED = "delivered"  # the provider says it arrived
    FAILED = "failed"  # the provider took it but could not deliver it
    DEAD = "dead"  # never sent: a permanent problem (invalid number, gave up retrying)
    CANCELLED = "cancelled"  # no longer needed: done, deferred, or the person stopped reminders


class ReminderNotification(Base):
    __tablename__ = "reminder_notification"
    __table_args__ = (
        UniqueConstraint("task_key", "reminder_number", "channel", name="uq_reminder_notification_once"),
        Index("ix_reminder_notification_due", "status", "next_attempt_at"),
        CheckConstraint("(service_user_id IS NULL) <> (carer_id IS NULL)", name="one_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int | None] = mapped_column(ForeignKey("service_user.id"), index=True)
    carer_id: Mapped[int | None] = mapped_column(ForeignKey("carer.id"), index=True)
    task_key: Mapped[str] = mapped_column(String(120))
    task_kind: Mapped[str] = mapped_column(String(30))
    task_path: Mapped[str] = mapped_column(String(200))  # where the sign-in page sends them
    reminder_number: Mapped[int]
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "reminder_channel", 10))
    status: Mapped[NotificationStatus] = mapped_column(_enum(NotificationStatus, "notification_status", 12),
                                                       default=NotificationStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_after: Mapped[datetime]  # never in the person's quiet hours
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    status_at: Mapped[datetime | None]
    provider: Mapped[str] = mapped_column(String(20), default="")
    provider_id: Mapped[str] = mapped_column(String(64), default="")
    # "invalid_number", "opted_out", "rate_limited 429 RateLimitError"…: codes, never personal data.
    reason: Mapped[str] = mapped_column(String(200), default="")
    # The last digits of the number or the address's domain, so staff can check them.
    destination_hint: Mapped[str] = mapped_column(String(80), default="")


class LocalMessage(Base):
    """A message the local notifier recorded instead of sending (development and the demo)."""

    __tablename__ = "local_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column(String(254))
    reference: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
