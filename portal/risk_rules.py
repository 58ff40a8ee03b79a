"""The risk pathway's rules: plain functions of their inputs and a clock. No Flask, no database.

What is decided here (``portal/services/risk.py`` does the rest):
- the team's working hours: whether the team is open, when it next opens, and working time
  (out-of-hours time never counts towards a deadline);
- when an unacknowledged urgent flag is escalated: after ``acknowledge_within`` working hours to
  the duty worker and the team lead (stage 1); at the end of the next working day to the team
  lead again, and to the top of the team's caseload (stage 2);
- who a flag goes to: the key worker, unless there is none or they are away; then the duty
  worker; then a team lead;
- what the person is told: who will see it and when, truthfully.

All datetimes are timezone-aware; a naive one is refused.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

URGENT = "urgent"
ROUTINE = "routine"
TIERS = (URGENT, ROUTINE)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LONDON = ZoneInfo("Europe/London")
DEFAULT_ACKNOWLEDGE_WITHIN = timedelta(hours=4)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("The risk rules need timezone-aware datetimes")
    return moment


# Working hours ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkingHours:
    """When the team is open: the same hours on each working day, in local time. ``closed_dates``
    are working days the team is closed (bank holidays)."""

    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    timezone: ZoneInfo = LONDON
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(range(7)):
            raise ValueError("Working hours need at least one working day (mon … sun)")
        if not self.opens < self.closes:
            raise ValueError("The team must open before it closes on the same day")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.closed_dates

    def opening_of(self, day: date) -> datetime:
        return datetime.combine(day, self.opens, tzinfo=self.timezone).astimezone(UTC)

    def closing_of(self, day: date) -> datetime:
        return datetime.combine(day, self.closes, tzinfo=self.timezone).astimezone(UTC)

    def local_date(self, moment: datetime) -> date:
        return _aware(moment).astimezone(self.timezone).date()

    def is_open(self, moment: datetime) -> bool:
        day = self.local_date(moment)
        return self.is_working_day(day) and self.opening_of(day) <= moment < self.closing_of(day)

    def next_working_day(self, after: date) -> date:
        """The first working day after ``after`` (not ``after`` itself)."""
        day = after + timedelta(days=1)
        for _ in range(366 * 2):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("No working day in the next two years: check the closed dates")

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself (as UTC) if the team is open then, else when it next opens."""
        moment = _aware(moment).astimezone(UTC)
        if self.is_open(moment):
            return moment
        day = self.local_date(moment)
        if self.is_working_day(day) and moment < self.opening_of(day):
            return self.opening_of(day)
        return self.opening_of(self.next_working_day(day))

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of working time after ``start`` (time when closed does not count)."""
        cursor = self.next_opening(start)
        remaining = duration
        while True:
            day = self.local_date(cursor)
            left_today = self.closing_of(day) - cursor
            if remaining <= left_today:
                return cursor + remaining
            remaining -= left_today
            cursor = self.opening_of(self.next_working_day(day))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much working time passes from ``start`` to ``end`` (zero if end is not later)."""
        start, end = _aware(start).astimezone(UTC), _aware(end).astimezone(UTC)
        total = timedelta(0)
        cursor = self.next_opening(start)
        while cursor < end:
            day = self.local_date(cursor)
            total += min(self.closing_of(day), end) - cursor
            cursor = self.opening_of(self.next_working_day(day))
        return total


def working_hours_from(setting: Mapping[str, Any]) -> WorkingHours:
    """``TEAM_HOURS``, e.g. ``{"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00",
    "closes": "17:00", "timezone": "Europe/London", "closed_dates": ["2026-12-25"]}``; every key
    optional. Raises ValueError with a plain message for anything wrong."""
    unknown = set(setting) - {"days", "opens", "closes", "timezone", "closed_dates"}
    if unknown:
        raise ValueError(f"TEAM_HOURS: unknown settings {sorted(unknown)}")
    defaults = WorkingHours()
    try:
        days = frozenset(DAY_NAMES.index(str(d).lower()[:3]) for d in setting["days"]) \
            if "days" in setting else defaults.days
    except (ValueError, TypeError) as error:
        raise ValueError(f"TEAM_HOURS days must be names like \"mon\", not {setting.get('days')!r}") from error
    try:
        zone = ZoneInfo(str(setting.get("timezone", "Europe/London")))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"TEAM_HOURS timezone {setting.get('timezone')!r} is not a time zone") from error
    try:
        closed = frozenset(date.fromisoformat(str(d)) for d in setting.get("closed_dates", []))
    except (ValueError, TypeError) as error:
        raise ValueError("TEAM_HOURS closed_dates must be dates like \"2026-12-25\"") from error
    return WorkingHours(days=days, opens=_time(setting.get("opens"), defaults.opens),
                        closes=_time(setting.get("closes"), defaults.closes), timezone=zone, closed_dates=closed)


def _time(value: object, default: time) -> time:
    if value is None:
        return default
    try:
        hours, _, minutes = str(value).strip().partition(":")
        return time(int(hours), int(minutes or 0))
    except ValueError as error:
        raise ValueError(f"TEAM_HOURS times must be like \"09:00\", not {value!r}") from error


# Escalation ------------------------------------------------------------------------------------

class Stage(enum.IntEnum):
    ASSIGNEE_TOLD = 0
    DUTY_AND_LEAD_TOLD = 1  # not acknowledged within ``acknowledge_within`` working hours
    LEAD_TOLD_AGAIN = 2  # still open at the end of the next working day: top of the team's caseload


@dataclass(frozen=True)
class EscalationTimes:
    stage_1: datetime
    stage_2: datetime


def escalation_times(raised_at: datetime, hours: WorkingHours,
                     acknowledge_within: timedelta = DEFAULT_ACKNOWLEDGE_WITHIN) -> EscalationTimes:
    """When an urgent flag still open is escalated. Stage 2 is the close of the first working day
    after the day it was raised, and never before stage 1."""
    stage_1 = hours.add_working_time(raised_at, acknowledge_within)
    stage_2 = hours.closing_of(hours.next_working_day(hours.local_date(raised_at)))
    return EscalationTimes(stage_1, max(stage_1, stage_2))


def due_stage(tier: str, current: int, raised_at: datetime, now: datetime, hours: WorkingHours,
              acknowledge_within: timedelta = DEFAULT_ACKNOWLEDGE_WITHIN,
              routine_within: timedelta | None = None) -> int:
    """The escalation stage an open flag should be at now (never lower than ``current``).

    Routine flags are seen before the next contact; as a safety net (the portal does not know when
    that is), one still open after ``routine_within`` working time goes to the duty worker and team
    lead (stage 1, never stage 2). ``None``: routine flags are never escalated."""
    now = _aware(now)
    if tier != URGENT:
        if routine_within is not None and now >= hours.add_working_time(raised_at, routine_within):
            return max(current, Stage.DUTY_AND_LEAD_TOLD)
        return current
    times = escalation_times(raised_at, hours, acknowledge_within)
    if now >= times.stage_2:
        return max(current, Stage.LEAD_TOLD_AGAIN)
    if now >= times.stage_1:
        return max(current, Stage.DUTY_AND_LEAD_TOLD)
    return current


def working_days(hours: WorkingHours, days: float) -> timedelta:
    """A number of working days as working time (a day is opening to closing)."""
    day = datetime.combine(date(2000, 1, 3), hours.closes) - datetime.combine(date(2000, 1, 3), hours.opens)
    return day * days


# Routing ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Colleague:
    """A member of staff as routing sees them."""

    id: int
    name: str
    active: bool = True  # has a working sign-in
    away_from: date | None = None
    away_until: date | None = None  # None with a start: away until they say they are back

    def available_on(self, day: date) -> bool:
        away = self.away_from is not None and self.away_from <= day and (
            self.away_until is None or day <= self.away_until)
        return self.active and not away


class Via(enum.StrEnum):
    KEY_WORKER = "key_worker"
    DUTY_WORKER = "duty_worker"
    TEAM_LEAD = "team_lead"
    NOBODY = "nobody"  # the duty page still shows it


@dataclass(frozen=True)
class Route:
    via: Via
    assignee: Colleague | None


def route(key_worker: Colleague | None, duty_worker: Colleague | None, team_leads: Sequence[Colleague],
          day: date) -> Route:
    """Who a flag goes to, for the day the team will see it: the key worker if they are there that
    day; else the day's duty worker; else a team lead who is there (else any team lead)."""
    if key_worker is not None and key_worker.available_on(day):
        return Route(Via.KEY_WORKER, key_worker)
    if duty_worker is not None and duty_worker.available_on(day):
        return Route(Via.DUTY_WORKER, duty_worker)
    leads = [lead for lead in team_leads if lead.active]
    lead = next((lead for lead in leads if lead.available_on(day)), leads[0] if leads else None)
    if lead is not None:
        return Route(Via.TEAM_LEAD, lead)
    return Route(Via.NOBODY, None)


def seen_on(now: datetime, hours: WorkingHours) -> date:
    """The working day on which the team will see something raised now."""
    return hours.local_date(hours.next_opening(now))


# What the person is told -------------------------------------------------------------------------

class When(enum.StrEnum):
    TODAY = "today"  # urgent, the team is open and the deadline is today
    NEXT_WORKING_DAY = "next_working_day"  # urgent, raised too late in the day to promise today
    WHEN_OPEN = "when_open"  # urgent, out of hours: when the team next opens
    NEXT_CONTACT = "next_contact"  # routine


@dataclass(frozen=True)
class Timing:
    when: When
    out_of_hours: bool
    opens_at: datetime | None  # when the team next opens, if it is closed now


def timing(tier: str, now: datetime, hours: WorkingHours,
           acknowledge_within: timedelta = DEFAULT_ACKNOWLEDGE_WITHIN) -> Timing:
    """When a flag of this tier raised now will be seen, in the words' terms (see ``When``)."""
    now = _aware(now).astimezone(UTC)
    open_now = hours.is_open(now)
    opens_at = None if open_now else hours.next_opening(now)
    if tier != URGENT:
        return Timing(When.NEXT_CONTACT, not open_now, opens_at)
    if not open_now:
        return Timing(When.WHEN_OPEN, True, opens_at)
    deadline = escalation_times(now, hours, acknowledge_within).stage_1
    if hours.local_date(deadline) == hours.local_date(now):
        return Timing(When.TODAY, False, None)
    return Timing(When.NEXT_WORKING_DAY, False, None)


# Tiers -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CarerUrgency:
    """A carer's answer to "How urgent does it feel?" and the tier it gives."""

    code: str
    tier: str


CARER_URGENCIES = (CarerUrgency("now", URGENT), CarerUrgency("next_appointment", ROUTINE))


def carer_tier(code: str) -> str:
    for urgency in CARER_URGENCIES:
        if urgency.code == code:
            return urgency.tier
    raise ValueError(f"Unknown carer urgency {code!r}")


def more_urgent(*tiers: str | None) -> str | None:
    """The most urgent of some tiers (a flag is never made less urgent)."""
    present = [t for t in tiers if t]
    if URGENT in present:
        return URGENT
    return ROUTINE if present else None


def flag_order(stage: int, tier: str, raised_at: datetime, flag_id: int = 0) -> tuple[int, int, datetime, int]:
    """Sort key for a team's open flags: those at the last escalation stage first, then urgent
    before routine, then the oldest."""
    return (-stage, 0 if tier == URGENT else 1, raised_at, flag_id)
