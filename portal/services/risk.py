"""The risk pathway: worrying answers and carers' worries reach a member of staff who acts, in a
time the person was told truthfully, and the record shows what was done (issue 13).

- **Raise** (``raise_answer_flag``, ``raise_carer_flag``): a flag with its tier, in the caller's
  transaction, with ``flag.raised`` in the record outbox.
- **Route** (``route_for``): to the key worker; with none, or the key worker away, to the duty
  worker of the day the team will see it; else a team lead (rules: ``portal/risk_rules.py``).
- **Notify** (``send_due``): through the notifier port, with no clinical content ("Something needs
  your attention in the portal" and a sign-in link): urgent flags at once (in working hours),
  routine ones in a daily digest (``queue_digests``).
- **Escalate** (``escalate``): urgent flags not acknowledged in time go to the duty worker and team
  lead; still open at the end of the next working day, to the team lead again and to the top of
  the team's caseload. Each step is a compare-and-set on ``escalation_stage`` and each message a
  unique key, so two runs at once, or a run after a restart, tell each person once.
- **Acknowledge** (``acknowledge``): who, when and what was done, with ``flag.acknowledged``.
- **Tell the person the truth** (``support_notice``, ``carer_notice``): who will see it and when.

``flask --app portal risk run`` (``portal/risk_cli.py``) runs escalate, digests and sending.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from portal import caseload_tokens, risk_rules
from portal.extensions import db
from portal.forms.validators import is_uk_mobile, normalise_uk_phone
from portal.instruments import safety
from portal.models import (
    DutyShift,
    FlagOutcome,
    FlagSource,
    FlagTier,
    MeasureResponse,
    NotificationStatus,
    Role,
    SafetyFlag,
    ServiceUser,
    StaffMember,
    StaffNotification,
    StaffNotificationKind,
    Team,
    User,
)
from portal.models.base import utcnow
from portal.notify import rules as notify_rules
from portal.notify.messages import MessageKind
from portal.notify.port import Message, Notifier, PermanentFailure, TemporaryFailure
from portal.notify.rules import Channel
from portal.risk_rules import URGENT, Colleague, Route, Via, When
from portal.services import audit, notification_queue, outbox, people, settings
from portal.services.errors import NotAllowed, NotFound

log = logging.getLogger(__name__)

FLAG_RAISED = "flag.raised"
FLAG_ACKNOWLEDGED = "flag.acknowledged"
OUTCOME_NOTE_MAX = 2000
LEASE = timedelta(minutes=2)
ROTA_DAYS = 14


# Who is who -------------------------------------------------------------------------------------

def colleague(staff: StaffMember) -> Colleague:
    return Colleague(staff.id, staff.name, active=bool(staff.user and staff.user.active),
                     away_from=staff.away_from, away_until=staff.away_until)


def duty_worker_on(team_id: int, day: date) -> StaffMember | None:
    return db.session.scalar(
        select(StaffMember).join(DutyShift, DutyShift.staff_member_id == StaffMember.id)
        .where(DutyShift.team_id == team_id, DutyShift.duty_date == day)
    )


def team_leads_of(team_id: int) -> list[StaffMember]:
    return list(db.session.scalars(
        select(StaffMember).join(User, User.id == StaffMember.user_id)
        .where(StaffMember.team_id == team_id, User.role == Role.TEAM_LEAD, User.active.is_(True))
        .order_by(StaffMember.id)
    ))


def route_for(person: ServiceUser, now: datetime | None = None) -> Route:
    """Who a flag about this person raised now goes to."""
    now = now or utcnow()
    day = risk_rules.seen_on(now, settings.working_hours())
    key_worker = person.key_worker
    duty = duty_worker_on(person.team_id, day)
    return risk_rules.route(colleague(key_worker) if key_worker else None, colleague(duty) if duty else None,
                            [colleague(lead) for lead in team_leads_of(person.team_id)], day)


# What the person is told --------------------------------------------------------------------------

@dataclass(frozen=True)
class SupportNotice:
    """What to tell someone who has just said something worrying: "{who} will see your answer {when}."

    ``tier`` None: it reaches nobody (say nothing about anyone seeing it). ``out_of_hours``: the team
    is closed now; show the 24/7 options first."""

    tier: str | None
    who: str
    when: str
    out_of_hours: bool

    @property
    def who_capitalised(self) -> str:
        """``who`` to start a sentence ("The team's duty worker will see …"): only the first letter changes."""
        return self.who[:1].upper() + self.who[1:]


def support_notice(service_user_id: int, tier: str | None, now: datetime | None = None) -> SupportNotice:
    """For the service user's support page, about the flag just raised (or that would be)."""
    return _notice(service_user_id, tier, now, for_carer=False)


def carer_notice(service_user_id: int, tier: str | None, now: datetime | None = None) -> SupportNotice:
    """For a carer who has just told the team a worry about the person they care for."""
    return _notice(service_user_id, tier, now, for_carer=True)


def _notice(service_user_id: int, tier: str | None, now: datetime | None, *, for_carer: bool) -> SupportNotice:
    now = now or utcnow()
    person = db.session.get(ServiceUser, service_user_id)
    if person is None:
        raise NotFound
    hours = settings.working_hours()
    out_of_hours = not hours.is_open(now)
    if tier is None:
        return SupportNotice(None, "", "", out_of_hours)
    chosen = _route_of_latest_flag(person, now) or route_for(person, now)
    timing = risk_rules.timing(tier, now, hours, settings.acknowledge_within())
    return SupportNotice(tier, _who(chosen, person, for_carer), _when(timing, hours, now, person, for_carer),
                         out_of_hours)


def _route_of_latest_flag(person: ServiceUser, now: datetime) -> Route | None:
    """The flag just raised was routed when it was raised: say who it went to, not who it would go to."""
    flag = db.session.scalar(
        select(SafetyFlag).where(SafetyFlag.service_user_id == person.id, SafetyFlag.acknowledged_at.is_(None),
                                 SafetyFlag.raised_at >= now - timedelta(hours=1))
        .order_by(SafetyFlag.raised_at.desc(), SafetyFlag.id.desc())
    )
    if flag is None or not flag.routed_via:
        return None
    assignee = db.session.get(StaffMember, flag.assignee_id) if flag.assignee_id else None
    return Route(Via(flag.routed_via), colleague(assignee) if assignee else None)


def _who(chosen: Route, person: ServiceUser, for_carer: bool) -> str:
    name = chosen.assignee.name if chosen.assignee else ""
    if chosen.via is Via.KEY_WORKER:
        if for_carer:
            return _("%(name)s (%(person)s's key worker)", name=name, person=person.first_name)
        return _("%(name)s (your key worker)", name=name)
    if chosen.via is Via.DUTY_WORKER:
        return _("the team's duty worker")
    if chosen.via is Via.TEAM_LEAD:
        return _("%(name)s (the team lead)", name=name)
    return _("the team")


def _when(timing: risk_rules.Timing, hours: risk_rules.WorkingHours, now: datetime, person: ServiceUser,
          for_carer: bool) -> str:
    if timing.when is When.TODAY:
        return _("today")
    if timing.when is When.NEXT_WORKING_DAY:
        return _("by the end of the next working day")
    if timing.when is When.NEXT_CONTACT:
        if for_carer:
            return _("before %(name)s's next appointment", name=person.first_name)
        return _("before your next appointment")
    assert timing.opens_at is not None
    opens_on = hours.local_date(timing.opens_at)
    at = time_text(timing.opens_at.astimezone(hours.timezone).time())
    today = hours.local_date(now)
    if opens_on == today:
        return _("when the team opens today at %(time)s", time=at)
    if opens_on == today + timedelta(days=1):
        return _("when the team opens tomorrow at %(time)s", time=at)
    if opens_on < today + timedelta(days=7):
        return _("when the team opens on %(day)s at %(time)s", day=format_date(opens_on, "EEEE"), time=at)
    return _("when the team opens on %(day)s at %(time)s", day=format_date(opens_on, "EEEE d MMMM"), time=at)


def time_text(moment: time) -> str:
    """NHS style: 9am, 5:30pm, midday."""
    if moment == time(12, 0):
        return _("midday")
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment.minute:02d}" if moment.minute else f"{hour}"
    return _("%(clock)sam", clock=clock) if moment.hour < 12 else _("%(clock)spm", clock=clock)


# Raising -----------------------------------------------------------------------------------------

def raise_answer_flag(user: User, response: MeasureResponse, reason: str, tier: str,
                      now: datetime | None = None) -> SafetyFlag:
    """A worrying answer (the caller commits). One flag per response and signal: an answer changed
    to a more urgent one makes the open flag urgent (it is never made less urgent)."""
    now = now or utcnow()
    existing = db.session.scalar(
        select(SafetyFlag).where(SafetyFlag.response_id == response.id, SafetyFlag.reason == reason)
    )
    if existing is not None:
        if existing.acknowledged_at is None and existing.tier is FlagTier.ROUTINE and tier == URGENT:
            _make_urgent(user, existing, now)
        return existing
    person = db.session.get_one(ServiceUser, response.service_user_id)
    return _raise(user, person, reason=reason, tier=tier, source=FlagSource.ANSWER, now=now,
                  response_id=response.id)


def raise_carer_flag(user: User, person: ServiceUser, contribution_id: int, tier: str,
                     now: datetime | None = None) -> SafetyFlag:
    """A carer's worry (the caller commits). It reaches staff whatever the person has chosen to
    share with the carer: sharing governs what the carer sees, not what they may tell the team."""
    return _raise(user, person, reason=safety.CARER_REASON, tier=tier, source=FlagSource.CARER,
                  now=now or utcnow(), carer_contribution_id=contribution_id)


def _raise(user: User | None, person: ServiceUser, *, reason: str, tier: str, source: FlagSource, now: datetime,
           response_id: int | None = None, carer_contribution_id: int | None = None) -> SafetyFlag:
    if tier not in risk_rules.TIERS:
        raise ValueError(f"Unknown tier {tier!r}")
    chosen = route_for(person, now)
    flag = SafetyFlag(
        service_user_id=person.id, response_id=response_id, carer_contribution_id=carer_contribution_id,
        reason=reason, tier=FlagTier(tier), source=source, raised_at=now,
        assignee_id=chosen.assignee.id if chosen.assignee else None, routed_via=chosen.via.value,
    )
    db.session.add(flag)
    db.session.flush()
    outbox.enqueue(person.id, FLAG_RAISED, _raised_message(flag, person))
    audit.record(user.id if user else None, "safety_flag_raised", "safety_flag", flag.id)
    if flag.tier is FlagTier.URGENT and flag.assignee_id is not None:
        _queue(flag.assignee_id, f"flag:{flag.id}:urgent", StaffNotificationKind.FLAG_URGENT, now, flag.id)
    return flag


def _make_urgent(user: User, flag: SafetyFlag, now: datetime) -> None:
    flag.tier = FlagTier.URGENT
    # Deadlines run from now: it was routine until now.
    flag.raised_at = now
    person = db.session.get_one(ServiceUser, flag.service_user_id)
    outbox.enqueue(person.id, FLAG_RAISED, _raised_message(flag, person))
    audit.record(user.id, "safety_flag_made_urgent", "safety_flag", flag.id)
    if flag.assignee_id is not None:
        _queue(flag.assignee_id, f"flag:{flag.id}:urgent", StaffNotificationKind.FLAG_URGENT, now, flag.id)


def _raised_message(flag: SafetyFlag, person: ServiceUser) -> dict[str, Any]:
    return {"flag_id": flag.id, "nhs_number": person.nhs_number, "reason": flag.reason,
            "tier": flag.tier.value, "raised_at": flag.raised_at.isoformat()}


def _queue(staff_member_id: int, event_key: str, kind: StaffNotificationKind, now: datetime,
           flag_id: int | None = None) -> int:
    """Queue one message to one member of staff unless it is already there (a unique key); sent
    in the team's working hours. Returns 1 if queued."""
    send_after = settings.working_hours().next_opening(now)
    values = {
        "staff_member_id": staff_member_id, "event_key": event_key, "kind": kind.value, "flag_id": flag_id,
        "channel": None, "status": NotificationStatus.QUEUED.value, "created_at": now, "send_after": send_after,
        "next_attempt_at": send_after, "attempts": 0, "provider": "", "provider_id": "", "reason": "",
        "destination_hint": "",
    }
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = StaffNotification.__table__
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing(
        index_elements=["event_key", "staff_member_id"]
    ).returning(table.c.id)
    return 0 if db.session.execute(statement).scalar() is None else 1


# Escalation and digests -----------------------------------------------------------------------------

@dataclass
class EscalationResult:
    escalated: int = 0  # stage 1: duty worker and team lead told
    overdue: int = 0  # stage 2: team lead told again
    queued: int = 0  # messages queued


def escalate(now: datetime | None = None) -> EscalationResult:
    """Move every open flag to the stage it should be at now, telling who that stage tells (urgent
    flags: stages 1 and 2; routine ones: stage 1 after ``RISK_ROUTINE_ACKNOWLEDGE_WITHIN_DAYS``).
    Safe to run twice at once: each stage is a compare-and-set, each message a unique key."""
    now = now or utcnow()
    hours, within, routine_within = (settings.working_hours(), settings.acknowledge_within(),
                                     settings.routine_acknowledge_within())
    result = EscalationResult()
    at_stage = SafetyFlag.escalation_stage
    urgent = and_(SafetyFlag.tier == FlagTier.URGENT, at_stage < risk_rules.Stage.LEAD_TOLD_AGAIN)
    routine = and_(SafetyFlag.tier == FlagTier.ROUTINE, at_stage < risk_rules.Stage.DUTY_AND_LEAD_TOLD)
    waiting = urgent if routine_within is None else or_(urgent, routine)
    candidates = db.session.execute(
        select(SafetyFlag.id, SafetyFlag.tier, SafetyFlag.escalation_stage, SafetyFlag.raised_at)
        .where(SafetyFlag.acknowledged_at.is_(None), waiting)
        .order_by(SafetyFlag.raised_at, SafetyFlag.id)
    ).all()
    for flag_id, tier, stage, raised_at in candidates:
        target = risk_rules.due_stage(tier.value, stage, raised_at, now, hours, within, routine_within)
        for next_stage in range(stage + 1, target + 1):
            if not _advance(flag_id, next_stage, now, result):
                break
    return result


def _advance(flag_id: int, stage: int, now: datetime, result: EscalationResult) -> bool:
    stamp = {"escalated_at": now} if stage == risk_rules.Stage.DUTY_AND_LEAD_TOLD else {"overdue_at": now}
    won = db.session.execute(
        update(SafetyFlag)
        .where(SafetyFlag.id == flag_id, SafetyFlag.escalation_stage == stage - 1, SafetyFlag.acknowledged_at.is_(None))
        .values(escalation_stage=stage, **stamp)
    ).rowcount  # type: ignore[attr-defined]
    if won != 1:
        db.session.rollback()
        return False
    flag = db.session.get_one(SafetyFlag, flag_id)
    caseload_tokens.people_changed([flag.service_user_id])  # an escalated flag goes to the top of the caseload
    person = db.session.get_one(ServiceUser, flag.service_user_id)
    leads = team_leads_of(person.team_id)
    if stage == risk_rules.Stage.DUTY_AND_LEAD_TOLD:
        duty = duty_worker_on(person.team_id, risk_rules.seen_on(now, settings.working_hours()))
        told = [s.id for s in ([duty] if duty else []) + leads]
        kind, result.escalated = StaffNotificationKind.FLAG_ESCALATED, result.escalated + 1
    else:
        told = [lead.id for lead in leads]
        kind, result.overdue = StaffNotificationKind.FLAG_OVERDUE, result.overdue + 1
    for staff_id in dict.fromkeys(told):
        result.queued += _queue(staff_id, f"flag:{flag_id}:stage{stage}", kind, now, flag_id)
    audit.record(None, "safety_flag_escalated" if stage == 1 else "safety_flag_overdue", "safety_flag", flag_id)
    db.session.commit()
    return True


def queue_digests(now: datetime | None = None) -> int:
    """Once a working day, in working hours: one message to each member of staff who has routine
    flags they have not been told about yet."""
    now = now or utcnow()
    hours = settings.working_hours()
    if not hours.is_open(now):
        return 0
    day = hours.local_date(now)
    assignees = db.session.scalars(
        select(SafetyFlag.assignee_id).where(
            SafetyFlag.acknowledged_at.is_(None), SafetyFlag.tier == FlagTier.ROUTINE,
            SafetyFlag.notified_at.is_(None), SafetyFlag.assignee_id.is_not(None),
        ).distinct()
    ).all()
    queued = sum(_queue(staff_id, f"digest:{day.isoformat()}", StaffNotificationKind.ROUTINE_DIGEST, now)
                 for staff_id in assignees if staff_id is not None)
    db.session.commit()
    return queued


# Sending ------------------------------------------------------------------------------------------

@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    cancelled: int = 0


def send_due(notifier: Notifier, now: datetime | None = None, batch_size: int = 50) -> SendResult:
    """Send every staff message that is due. Each row is claimed (compare-and-set on ``attempts``,
    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) before it is sent, so two workers never both send it."""
    result = SendResult()
    due_by = now or utcnow()
    while claimed := _claim(due_by, batch_size):
        for notification_id, attempts in claimed:
            outcome = _deliver(notifier, notification_id, attempts, now or utcnow())
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _claim(due_by: datetime, batch_size: int) -> list[tuple[int, int]]:
    return notification_queue.claim_due(StaffNotification, due_by, batch_size, LEASE)


def _deliver(notifier: Notifier, notification_id: int, attempts: int, now: datetime) -> str:
    row = db.session.get_one(StaffNotification, notification_id)
    staff = row.staff_member
    flag = db.session.get(SafetyFlag, row.flag_id) if row.flag_id else None
    values: dict[str, Any]
    if staff.user is None or not staff.user.active:
        outcome, values = "cancelled", {"status": NotificationStatus.CANCELLED, "reason": "no_account",
                                        "status_at": now}
    elif flag is not None and flag.acknowledged_at is not None:
        outcome, values = "cancelled", {"status": NotificationStatus.CANCELLED, "reason": "done", "status_at": now}
    else:
        channel, to = destination(staff)
        outcome, values = _send(notifier, row, channel, to, attempts, now)
    won = db.session.execute(
        update(StaffNotification)
        .where(StaffNotification.id == notification_id, StaffNotification.attempts == attempts,
               StaffNotification.status == NotificationStatus.QUEUED)
        .values(**values)
    ).rowcount == 1  # type: ignore[attr-defined]
    if not won:
        db.session.rollback()
        log.warning("staff notification %s was claimed by another worker before this one finished", notification_id)
        return outcome
    if outcome == "sent":
        _mark_told(row, now)
    db.session.commit()
    return outcome


def destination(staff: StaffMember) -> tuple[Channel, str]:
    """Their choice: a text to their mobile (if it is a UK mobile), else an email to their sign-in address."""
    if staff.notify_by is Channel.SMS and staff.mobile and is_uk_mobile(staff.mobile):
        return Channel.SMS, normalise_uk_phone(staff.mobile) or staff.mobile
    assert staff.user is not None
    return Channel.EMAIL, staff.user.email


def _link(row: StaffNotification) -> str:
    target = (_path("staff.flag", flag_id=row.flag_id) if row.flag_id else _path("staff.duty"))
    return f"{current_app.config['PUBLIC_BASE_URL']}{_path('auth.login')}?{urlencode({'next': target})}"


def _path(endpoint: str, **values: Any) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _send(notifier: Notifier, row: StaffNotification, channel: Channel, to: str, attempts: int,
          now: datetime) -> tuple[str, dict[str, Any]]:
    account = row.staff_member.user
    message = Message(channel=channel, to=to, personalisation={"link": _link(row)},
                      reference=f"staff-{row.id}", unsubscribe_url="", kind=MessageKind.STAFF_ATTENTION,
                      locale=account.locale if account is not None else "en")
    reminder_settings = _reminder_settings()
    try:
        accepted = notifier.send(message)
    except TemporaryFailure as error:
        if attempts >= reminder_settings.max_send_attempts:
            return "dead", {"status": NotificationStatus.DEAD, "reason": f"gave_up {error.reason}"[:200],
                            "status_at": now, "channel": channel}
        delay = max(notify_rules.backoff_seconds(attempts, reminder_settings), error.retry_after or 0.0)
        retry_at = settings.working_hours().next_opening(now + timedelta(seconds=delay))
        return "retried", {"next_attempt_at": retry_at, "reason": error.reason[:200], "channel": channel}
    except PermanentFailure as error:
        return "dead", {"status": NotificationStatus.DEAD, "reason": error.reason[:200], "status_at": now,
                        "channel": channel, "destination_hint": _hint(channel, to)}
    except Exception as error:  # a bug, not the provider: keep the row, say what broke
        db.session.rollback()
        log.exception("staff notification %s failed unexpectedly", row.id)
        return "dead", {"status": NotificationStatus.DEAD, "reason": f"portal_error {type(error).__name__}",
                        "status_at": now}
    status = NotificationStatus.DELIVERED if accepted.status == "delivered" else NotificationStatus.SENT
    return "sent", {"status": status, "sent_at": now, "status_at": now, "provider": notifier.name,
                    "provider_id": accepted.provider_id[:64], "reason": "", "channel": channel,
                    "destination_hint": _hint(channel, to)}


def _reminder_settings() -> notify_rules.ReminderSettings:
    from portal.services import reminders

    return reminders.current_settings()


def _hint(channel: Channel, to: str) -> str:
    return f"ending {to[-3:]}" if channel is Channel.SMS else f"at {to.rpartition('@')[2]}"


def _mark_told(row: StaffNotification, now: datetime) -> None:
    """The assignee has been told: of this urgent flag, or of the routine flags in their digest."""
    if row.kind is StaffNotificationKind.FLAG_URGENT and row.flag_id is not None:
        db.session.execute(update(SafetyFlag).where(SafetyFlag.id == row.flag_id, SafetyFlag.notified_at.is_(None))
                           .values(notified_at=now))
    elif row.kind is StaffNotificationKind.ROUTINE_DIGEST:
        db.session.execute(update(SafetyFlag).where(
            SafetyFlag.assignee_id == row.staff_member_id, SafetyFlag.tier == FlagTier.ROUTINE,
            SafetyFlag.notified_at.is_(None), SafetyFlag.acknowledged_at.is_(None),
            SafetyFlag.raised_at <= row.created_at,
        ).values(notified_at=now))


def queue_counts() -> dict[str, int]:
    counts = dict(db.session.execute(
        select(StaffNotification.status, func.count()).group_by(StaffNotification.status)).all())
    return {status.value: int(counts.get(status, 0)) for status in NotificationStatus}


# Staff: the team's flags, one flag, acknowledging ---------------------------------------------------

def _team_of(user: User) -> StaffMember:
    return people.staff_member_of(user)


@dataclass(frozen=True)
class TeamFlag:
    """One open flag as the duty page and the team's lists show it."""

    id: int
    service_user_id: int
    display_name: str
    reason: str
    tier: str
    source: str
    raised_at: datetime
    stage: int
    assignee_name: str
    routed_via: str
    is_mine: bool = False


def team_open_flags(user: User, service_user_ids: list[int] | None = None) -> list[TeamFlag]:
    """Open flags about anyone in this member of staff's team (everyone in the team may be on duty):
    the most escalated first, then urgent before routine, then oldest."""
    staff = _team_of(user)
    query = (
        select(SafetyFlag, ServiceUser, StaffMember.name)
        .join(ServiceUser, ServiceUser.id == SafetyFlag.service_user_id)
        .outerjoin(StaffMember, StaffMember.id == SafetyFlag.assignee_id)
        .where(ServiceUser.team_id == staff.team_id, SafetyFlag.acknowledged_at.is_(None))
    )
    if service_user_ids is not None:
        query = query.where(SafetyFlag.service_user_id.in_(service_user_ids))
    rows = [
        TeamFlag(flag.id, person.id, person.display_name, flag.reason, flag.tier.value, flag.source.value,
                 flag.raised_at, flag.escalation_stage, assignee or "", flag.routed_via,
                 is_mine=flag.assignee_id == staff.id)
        for flag, person, assignee in db.session.execute(query)
    ]
    return sorted(rows, key=lambda f: risk_rules.flag_order(f.stage, f.tier, f.raised_at, f.id))


def open_flags(service_user_ids: list[int]) -> list[SafetyFlag]:
    """Open flags about these people (already scoped by the caller), oldest first."""
    if not service_user_ids:
        return []
    return list(db.session.scalars(
        select(SafetyFlag).where(SafetyFlag.service_user_id.in_(service_user_ids),
                                 SafetyFlag.acknowledged_at.is_(None)).order_by(SafetyFlag.raised_at, SafetyFlag.id)
    ))


def flag_for_staff(user: User, flag_id: int, *, audit_view: bool = True) -> SafetyFlag:
    """A flag about someone in this member of staff's team (NotFound otherwise), audited as viewed."""
    staff = _team_of(user)
    flag = db.session.scalar(
        select(SafetyFlag).join(ServiceUser, ServiceUser.id == SafetyFlag.service_user_id)
        .where(SafetyFlag.id == flag_id, ServiceUser.team_id == staff.team_id)
    )
    if flag is None:
        raise NotFound
    if audit_view:
        audit.record_now(user.id, "safety_flag_viewed", "safety_flag", flag.id)
    return flag


class OutcomeNoteNeeded(ValueError):
    """"Reviewed, no action needed" needs a reason."""


def acknowledge(user: User, flag: SafetyFlag, outcome: FlagOutcome | str, note: str = "",
                now: datetime | None = None) -> None:
    """Close a flag with what was done: who, when, the outcome (and a reason when no action was
    needed). The Flag in the record stays active until ``flag.acknowledged`` reaches it. Commits."""
    flag_for_staff(user, flag.id, audit_view=False)
    outcome = FlagOutcome(outcome)
    note = (note or "").strip()
    if flag.acknowledged_at is not None:
        raise NotAllowed("This flag is already closed")
    if outcome is FlagOutcome.NO_ACTION_NEEDED and not note:
        raise OutcomeNoteNeeded("A reason is needed when no action was needed")
    if len(note) > OUTCOME_NOTE_MAX:
        raise ValueError("The note is too long")
    now = now or utcnow()
    flag.acknowledged_by_id, flag.acknowledged_at = user.id, now
    flag.outcome, flag.outcome_note = outcome, note
    person = db.session.get_one(ServiceUser, flag.service_user_id)
    message: dict[str, Any] = {"flag_id": flag.id, "nhs_number": person.nhs_number, "outcome": outcome.value,
                               "closed_by_name": user.display_name, "closed_at": now.isoformat()}
    if note:
        message["outcome_note"] = note
    outbox.enqueue(person.id, FLAG_ACKNOWLEDGED, message)
    db.session.execute(
        update(StaffNotification)
        .where(StaffNotification.flag_id == flag.id, StaffNotification.status == NotificationStatus.QUEUED)
        .values(status=NotificationStatus.CANCELLED, reason="done", status_at=now)
    )
    audit.record(user.id, "safety_flag_acknowledged", "safety_flag", flag.id)
    db.session.commit()


@dataclass(frozen=True)
class FlagDetail:
    flag: SafetyFlag
    person: ServiceUser
    assignee: StaffMember | None
    acknowledged_by: User | None
    escalation: risk_rules.EscalationTimes | None
    carer_name: str = ""
    carer_worry: str = ""
    notifications: list[StaffNotification] = field(default_factory=list)


def flag_detail(user: User, flag_id: int) -> FlagDetail:
    """Everything the flag page shows, for staff of the person's team (audited as viewed)."""
    from portal.models import CarerContribution

    flag = flag_for_staff(user, flag_id)
    person = db.session.get_one(ServiceUser, flag.service_user_id)
    assignee = db.session.get(StaffMember, flag.assignee_id) if flag.assignee_id else None
    by = db.session.get(User, flag.acknowledged_by_id) if flag.acknowledged_by_id else None
    hours = settings.working_hours()
    escalation = None
    if flag.tier is FlagTier.URGENT:
        escalation = risk_rules.escalation_times(flag.raised_at, hours, settings.acknowledge_within())
    elif (routine_within := settings.routine_acknowledge_within()) is not None:
        routine_at = hours.add_working_time(flag.raised_at, routine_within)
        escalation = risk_rules.EscalationTimes(routine_at, routine_at)
    carer_name = worry = ""
    if flag.carer_contribution_id:
        contribution = db.session.get_one(CarerContribution, flag.carer_contribution_id)
        carer_name, worry = contribution.carer.name, contribution.worries
    notifications = list(db.session.scalars(
        select(StaffNotification).where(StaffNotification.flag_id == flag.id)
        .options(joinedload(StaffNotification.staff_member)).order_by(StaffNotification.created_at,
                                                                      StaffNotification.id)))
    return FlagDetail(flag, person, assignee, by, escalation, carer_name, worry, notifications)


# The duty rota --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RotaDay:
    day: date
    working_day: bool
    staff_member_id: int | None


def duty_today(user: User, now: datetime | None = None) -> StaffMember | None:
    staff = _team_of(user)
    return duty_worker_on(staff.team_id, risk_rules.seen_on(now or utcnow(), settings.working_hours()))


def team_staff(user: User) -> list[StaffMember]:
    """The members of staff of the team who can sign in (who can be on duty)."""
    staff = _team_of(user)
    return list(db.session.scalars(
        select(StaffMember).join(User, User.id == StaffMember.user_id)
        .where(StaffMember.team_id == staff.team_id, User.active.is_(True),
               User.role.in_((Role.KEY_WORKER, Role.TEAM_LEAD)))
        .order_by(StaffMember.name, StaffMember.id)
    ))


def rota(user: User, start: date, days: int = ROTA_DAYS) -> list[RotaDay]:
    staff = _team_of(user)
    hours = settings.working_hours()
    end = start + timedelta(days=days - 1)
    chosen = dict(db.session.execute(
        select(DutyShift.duty_date, DutyShift.staff_member_id)
        .where(DutyShift.team_id == staff.team_id, DutyShift.duty_date >= start, DutyShift.duty_date <= end)
    ).all())
    return [RotaDay(day, hours.is_working_day(day), chosen.get(day))
            for day in (start + timedelta(days=n) for n in range(days))]


def _team_lead(user: User) -> StaffMember:
    staff = _team_of(user)
    if user.role is not Role.TEAM_LEAD:
        raise NotAllowed("Only a team lead keeps the duty rota")
    return staff


def set_rota(user: User, chosen: Mapping[date, int | None]) -> int:
    """The team lead says who is on duty on each day (None: nobody). Audited; commits. Returns how
    many days changed."""
    lead = _team_lead(user)
    allowed = {s.id for s in team_staff(user)}
    changed = 0
    for day, staff_id in chosen.items():
        if staff_id is not None and staff_id not in allowed:
            raise NotFound
        shift = db.session.scalar(select(DutyShift).where(DutyShift.team_id == lead.team_id,
                                                          DutyShift.duty_date == day))
        if shift is not None and shift.staff_member_id == staff_id:
            continue
        if shift is None and staff_id is None:
            continue
        if staff_id is None:
            assert shift is not None
            db.session.delete(shift)
        elif shift is None:
            shift = DutyShift(team_id=lead.team_id, duty_date=day, staff_member_id=staff_id, recorded_by_id=user.id)
            db.session.add(shift)
        else:
            shift.staff_member_id, shift.recorded_by_id, shift.recorded_at = staff_id, user.id, utcnow()
        changed += 1
    if changed:
        db.session.flush()
        audit.record(user.id, "duty_rota_changed", "team", lead.team_id)
    db.session.commit()
    return changed


# How staff are told, and when they are away -----------------------------------------------------------

def save_notification_choice(user: User, notify_by: Channel, mobile: str, *, away_from: date | None = None,
                             away_until: date | None = None) -> None:
    """A member of staff's own choice of how they are told (a text needs a UK mobile), and when they
    are away. Audited; commits."""
    staff = _team_of(user)
    mobile = mobile.strip()
    if (notify_by is Channel.SMS or mobile) and not is_uk_mobile(mobile):
        raise ValueError("A text message needs a UK mobile number")
    staff.notify_by, staff.mobile = notify_by, normalise_uk_phone(mobile) or ""
    audit.record(user.id, "staff_notification_choice_changed", "staff_member", staff.id)
    _set_away(user, staff, away_from, away_until)
    db.session.commit()


def staff_for_away(user: User, staff_member_id: int) -> StaffMember:
    """Whose away dates this person may change: their own; a team lead's, anyone in their team."""
    own = _team_of(user)
    if staff_member_id == own.id:
        return own
    if user.role is not Role.TEAM_LEAD:
        raise NotFound
    other = db.session.get(StaffMember, staff_member_id)
    if other is None or other.team_id != own.team_id:
        raise NotFound
    return other


def set_away(user: User, staff_member_id: int, away_from: date | None, away_until: date | None) -> StaffMember:
    """Away from a day until a day (both included; no end: until cleared), or back (both None). Flags
    raised while they are away go to the duty worker. Audited; commits."""
    staff = staff_for_away(user, staff_member_id)
    _set_away(user, staff, away_from, away_until)
    db.session.commit()
    return staff


def _set_away(user: User, staff: StaffMember, away_from: date | None, away_until: date | None) -> None:
    if away_from is None and away_until is not None:
        raise ValueError("An end date needs a start date")
    if away_from is not None and away_until is not None and away_until < away_from:
        raise ValueError("The end date is before the start date")
    if (staff.away_from, staff.away_until) != (away_from, away_until):
        staff.away_from, staff.away_until = away_from, away_until
        audit.record(user.id, "staff_away_changed", "staff_member", staff.id)


def team_of(user: User) -> Team:
    return _team_of(user).team


def local_today(now: datetime | None = None) -> date:
    return settings.working_hours().local_date(now or datetime.now(UTC))

