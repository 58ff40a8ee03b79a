"""The reminder rules: plain functions of their inputs and a clock. No Flask, no database.

What is decided here:
- whether a task gets a reminder now (none once it is done, deferred or the record is closed;
  none before it is due for reminding; at most one per task every ``min_days_between`` days;
  at most ``max_per_task`` in all),
- which channels it goes by (the person's choice, and only where there is a usable number or address),
- when it may be sent (never in the person's quiet hours, in UK time, with summer time handled),
- how long to wait before trying a failed send again.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


class Choice(enum.StrEnum):
    """How a person chose to hear from us."""

    TEXT = "text"
    EMAIL = "email"
    BOTH = "both"
    NONE = "none"


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class TaskKind(enum.StrEnum):
    MEASURE = "measure"  # a questionnaire assigned or due
    GOAL_REVIEW = "goal_review"
    CARE_PLAN_TO_AGREE = "care_plan_to_agree"
    CARER_DETAILS = "carer_details"  # a carer's contact details are over 12 months old
    CARER_VIEWS = "carer_views"  # a carer is asked for their views before a care plan review
    INVITATION = "invitation"  # sent once, by the inviter's choice; not scheduled by these rules


class Skip(enum.StrEnum):
    """Why a task gets no reminder now."""

    DONE = "done"
    DEFERRED = "deferred"
    RECORD_CLOSED = "record_closed"
    NOT_CHOSEN = "not_chosen"  # no consent, or the person chose no reminders
    NO_CONTACT = "no_contact"  # nothing usable for the channel they chose
    NOT_YET = "not_yet"
    TOO_SOON = "too_soon"
    ENOUGH_SENT = "enough_sent"


@dataclass(frozen=True)
class QuietHours:
    """No messages from ``start`` until ``end`` (local time; may run past midnight). Equal: none."""

    start: time = time(20, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True)
class ReminderSettings:
    min_days_between: int = 3
    max_per_task: int = 3
    days_before_due: int = 7
    carer_views_days_before: int = 21
    quiet_hours: QuietHours = QuietHours()
    timezone: ZoneInfo = UK
    max_send_attempts: int = 8
    backoff_base_seconds: float = 60.0
    backoff_max_seconds: float = 3600.0


@dataclass(frozen=True)
class Recipient:
    choice: Choice
    consented: bool
    record_open: bool
    mobile: str | None  # a normalised UK mobile, or None
    email: str | None  # a valid email address, or None
    quiet_hours: QuietHours


@dataclass(frozen=True)
class Task:
    key: str  # unique per person, task and cycle, e.g. "su:12:measure:34"
    kind: TaskKind
    remind_from: datetime  # aware; no reminder before this
    done: bool = False
    deferred: bool = False


@dataclass(frozen=True)
class Send:
    number: int  # 1 for the first reminder of this task
    channels: tuple[Channel, ...]
    at: datetime  # aware UTC: now, or the end of the quiet hours


Decision = Send | Skip


CHANNELS_CHOSEN: dict[Choice, tuple[Channel, ...]] = {
    Choice.TEXT: (Channel.SMS,), Choice.EMAIL: (Channel.EMAIL,),
    Choice.BOTH: (Channel.SMS, Channel.EMAIL), Choice.NONE: (),
}


def channels_for(recipient: Recipient) -> tuple[Channel, ...]:
    """The channels the person chose that we can use: a text needs a UK mobile, an email an address."""
    wanted = CHANNELS_CHOSEN[recipient.choice]
    usable = {Channel.SMS: recipient.mobile, Channel.EMAIL: recipient.email}
    return tuple(channel for channel in wanted if usable[channel])


def decide(task: Task, recipient: Recipient, previous: Sequence[datetime], now: datetime,
           settings: ReminderSettings) -> Decision:
    """Should this task get a reminder now? ``previous``: when each earlier reminder for it was due."""
    _aware(now)
    if (why := _not_wanted(task, recipient)) is not None:
        return why
    channels = channels_for(recipient)
    if not channels:
        return Skip.NO_CONTACT
    if now < task.remind_from:
        return Skip.NOT_YET
    if len(previous) >= settings.max_per_task:
        return Skip.ENOUGH_SENT
    if previous and now < max(previous) + timedelta(days=settings.min_days_between):
        return Skip.TOO_SOON
    return Send(number=len(previous) + 1, channels=channels,
                at=next_allowed(now, recipient.quiet_hours, settings.timezone))


def still_wanted(task: Task | None, recipient: Recipient, channel: Channel) -> Skip | None:
    """Checked again just before sending: has anything changed since the reminder was queued?"""
    if task is None:
        return Skip.DONE  # no longer an open task
    if (why := _not_wanted(task, recipient)) is not None:
        return why
    if channel not in CHANNELS_CHOSEN[recipient.choice]:
        return Skip.NOT_CHOSEN
    if channel not in channels_for(recipient):
        return Skip.NO_CONTACT
    return None


def _not_wanted(task: Task, recipient: Recipient) -> Skip | None:
    """What stops any reminder for the task, whatever the channel and the time (in this order)."""
    if task.done:
        return Skip.DONE
    if not recipient.record_open:
        return Skip.RECORD_CLOSED
    if task.deferred:
        return Skip.DEFERRED
    if not recipient.consented or recipient.choice is Choice.NONE:
        return Skip.NOT_CHOSEN
    return None


def in_quiet_hours(moment: datetime, quiet: QuietHours, zone: ZoneInfo = UK) -> bool:
    return quiet.contains(_aware(moment).astimezone(zone).time().replace(tzinfo=None))


def next_allowed(moment: datetime, quiet: QuietHours, zone: ZoneInfo = UK) -> datetime:
    """``moment`` itself if it is outside the quiet hours, else when they end (as UTC).

    The quiet hours are in local time, so the same 08:00 is 08:00 UTC in winter and 07:00 UTC in
    summer. An end in the hour skipped when the clocks go forward is read with the winter offset,
    so it falls after the skipped hour, never inside the quiet hours.
    """
    moment = _aware(moment).astimezone(UTC)
    if not in_quiet_hours(moment, quiet, zone):
        return moment
    local = moment.astimezone(zone)
    end_day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:  # quiet hours run past midnight
        end_day += timedelta(days=1)
    end_utc = datetime.combine(end_day, quiet.end, tzinfo=zone).astimezone(UTC)
    return max(end_utc, moment)


def carer_views_wanted(scopes: frozenset[str], review_on: date, today: date) -> bool:
    """Ask a carer for their views before a review only while it is still ahead, and only if the
    service user's consent lets the carer know they are under the team (the message says a review
    is coming). ``scopes``: the consent in force, as codes."""
    return "involvement" in scopes and review_on >= today


def backoff_seconds(attempts: int, settings: ReminderSettings, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: between half and all of min(max, base * 2^(attempts-1))."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def start_of_day(day: object, zone: ZoneInfo = UK) -> datetime:
    """Midnight at the start of a local date, as UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)  # type: ignore[arg-type]


def parse_time(value: str) -> time:
    hours, _, minutes = value.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("The reminder rules need timezone-aware datetimes")
    return moment
