"""Reminders: preferences, the scheduler that queues them and the worker that sends them.

Scheduler (``schedule``): finds every open task of everyone who chose reminders, asks the rules
(``portal/notify/rules.py``) whether it gets one now, and queues one row per channel with
``INSERT … ON CONFLICT DO NOTHING`` on (task, reminder number, channel): two schedulers running
at once queue each reminder once.

Worker (``send_due``): claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a
compare-and-set on ``attempts`` everywhere), checks again that the reminder is still wanted (the
task may be done, the person may have stopped reminders), sends it, and records what happened:
sent, retry later (temporary failures, with backoff, never into quiet hours), dead (permanent
failures such as an invalid number; or after too many attempts) or cancelled.

``refresh_statuses`` asks the provider what happened to sent messages (delivered or failed), so
a key worker can check "I never got a message".
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.forms.validators import is_email, is_uk_mobile, normalise_uk_phone
from portal.models import (
    CarePlan,
    CarePlanEntry,
    CarePlanVersion,
    Carer,
    CarerConsent,
    CarerContribution,
    CarerLink,
    ConsentSource,
    ContactPreference,
    Goal,
    GoalStatus,
    Invitation,
    LocalMessage,
    MeasureAssignment,
    MeasureDeferral,
    NotificationStatus,
    ReminderNotification,
    Role,
    ServiceUser,
    User,
)
from portal.models.base import utcnow
from portal.notify import rules
from portal.notify.messages import MessageKind
from portal.notify.port import DeliveryStatus, Message, Notifier, PermanentFailure, TemporaryFailure
from portal.notify.rules import Channel, Choice, QuietHours, ReminderSettings, Skip, TaskKind
from portal.notify.tokens import InvalidStopToken, make_stop_token, read_stop_token
from portal.services import audit, carers, consent, measures, notification_queue, people

log = logging.getLogger(__name__)

SERVICE_USER = "service_user"
CARER = "carer"
LEASE = timedelta(minutes=2)
STATUS_CHECK_AFTER = timedelta(minutes=1)
STATUS_CHECK_FOR = timedelta(days=7)
CONTACT_PROBLEMS = frozenset({"invalid_number", "invalid_email", "no_contact", "not_delivered"})
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
CHUNK = 500  # ids per IN (…) list


def _chunks(ids: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def settings_from(config: Mapping[str, Any]) -> ReminderSettings:
    return ReminderSettings(
        min_days_between=int(config["REMINDER_MIN_DAYS_BETWEEN"]), max_per_task=int(config["REMINDER_MAX_PER_TASK"]),
        days_before_due=int(config["REMINDER_DAYS_BEFORE_DUE"]),
        carer_views_days_before=int(config.get("REMINDER_CARER_VIEWS_DAYS_BEFORE", 21)),
        quiet_hours=QuietHours(rules.parse_time(config["REMINDER_QUIET_FROM"]),
                               rules.parse_time(config["REMINDER_QUIET_UNTIL"])),
        timezone=ZoneInfo(config["REMINDER_TIMEZONE"]),
        max_send_attempts=int(config["REMINDER_SEND_MAX_ATTEMPTS"]),
        backoff_base_seconds=float(config["REMINDER_BACKOFF_BASE_SECONDS"]),
        backoff_max_seconds=float(config["REMINDER_BACKOFF_MAX_SECONDS"]),
    )


def current_settings() -> ReminderSettings:
    return settings_from(current_app.config)


# Preferences and consent ---------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """Who a reminder is for: a service user or a carer."""

    kind: str  # SERVICE_USER or CARER
    id: int

    @classmethod
    def of(cls, person: ServiceUser | Carer) -> Person:
        return cls(SERVICE_USER if isinstance(person, ServiceUser) else CARER, person.id)

    @classmethod
    def of_row(cls, row: ReminderNotification) -> Person:
        return cls(SERVICE_USER, row.service_user_id) if row.service_user_id else cls(CARER, row.carer_id or 0)

    def where(self, model: Any) -> Any:
        column = model.service_user_id if self.kind == SERVICE_USER else model.carer_id
        return column == self.id

    def columns(self) -> dict[str, int | None]:
        """``service_user_id`` and ``carer_id`` for a row about this person (one of them is None)."""
        return {"service_user_id": self.id if self.kind == SERVICE_USER else None,
                "carer_id": self.id if self.kind == CARER else None}

    def load(self) -> ServiceUser | Carer | None:
        if self.kind == SERVICE_USER:
            return db.session.get(ServiceUser, self.id)
        return db.session.get(Carer, self.id)


def preference(person: ServiceUser | Carer) -> ContactPreference | None:
    return db.session.scalar(select(ContactPreference).where(Person.of(person).where(ContactPreference)))


@dataclass(frozen=True)
class Contacts:
    mobile: str | None  # normalised UK mobile
    email: str | None

    @property
    def mobile_display(self) -> str:
        return f"{self.mobile[:5]} {self.mobile[5:8]} {self.mobile[8:]}" if self.mobile else ""


def contacts_of(person: ServiceUser | Carer) -> Contacts:
    """What we can use: a UK mobile for texts (a carer's mobile, else their phone if it is one)."""
    numbers = [person.mobile, person.phone] if isinstance(person, Carer) else [person.phone]
    mobile = next((normalise_uk_phone(n) for n in numbers if n and is_uk_mobile(n)), None)
    email = person.email.strip() if person.email and is_email(person.email) else None
    return Contacts(mobile, email)


def default_quiet_hours() -> QuietHours:
    return current_settings().quiet_hours


def save_preference(user: User | None, person: ServiceUser | Carer, choice: Choice, quiet: QuietHours | None = None,
                    source: ConsentSource = ConsentSource.SELF, now: datetime | None = None) -> ContactPreference:
    """Record the person's choice (their consent, or its withdrawal), audited. The caller does not commit."""
    now = now or utcnow()
    quiet = quiet or default_quiet_hours()
    pref = preference(person)
    if pref is None:
        pref = ContactPreference(**Person.of(person).columns())
        db.session.add(pref)
    pref.choice, pref.quiet_from, pref.quiet_until = choice, quiet.start, quiet.end
    pref.consent_recorded_at, pref.consent_source = now, source
    pref.consent_recorded_by_id = user.id if user else None
    db.session.flush()
    audit.record(user.id if user else None,
                 "reminders_stopped" if choice is Choice.NONE else "reminder_preferences_changed",
                 "contact_preference", pref.id)
    if choice is not Choice.BOTH:
        dropped = [c for c in Channel if c not in rules.CHANNELS_CHOSEN[choice]]
        _cancel_queued(Person.of(person), now, Skip.NOT_CHOSEN, dropped)
    return pref


def change_preference(user: User, person: ServiceUser | Carer, choice: Choice, quiet: QuietHours) -> None:
    """The person's own change, from their reminders page."""
    if not _is_own(user, person):
        raise PermissionError("Only the person themselves changes their reminders")
    save_preference(user, person, choice, quiet, ConsentSource.SELF)
    db.session.commit()


def record_choice_given_in_person(user: User, person: ServiceUser, choice: Choice, quiet: QuietHours) -> None:
    """A service user tells a member of staff who may see their record how they want reminders
    (perhaps in a session); it is recorded as given in person, by whom, and audited."""
    people.service_user_for_staff(user, person.id, audit_view=False)  # NotFound if not theirs to see
    save_preference(user, person, choice, quiet, ConsentSource.IN_PERSON)
    db.session.commit()


def _is_own(user: User, person: ServiceUser | Carer) -> bool:
    own = user.service_user if isinstance(person, ServiceUser) else user.carer
    return own is not None and own.id == person.id


def language_of(person: Person) -> str:
    """The language a person's messages are written in: their account's choice, else English (a
    person invited but not yet signed up has no account, so no choice yet)."""
    row = person.load()
    account = db.session.get(User, row.user_id) if row is not None and row.user_id else None
    return account.locale if account is not None and account.locale else "en"


def stop_link(person: Person) -> str:
    token = make_stop_token(current_app.config["SECRET_KEY"], person.kind, person.id)
    return f"{current_app.config['PUBLIC_BASE_URL']}{_path('public.stop_reminders', token=token)}"


def person_for_stop_token(token: str) -> ServiceUser | Carer | None:
    """The person a stop link is for, or None when the link is not valid (or they no longer exist)."""
    try:
        kind, person_id = read_stop_token(current_app.config["SECRET_KEY"], token,
                                          int(current_app.config["REMINDER_UNSUBSCRIBE_LINK_DAYS"]))
    except InvalidStopToken:
        return None
    return Person(kind, person_id).load()


def stop_by_link(person: ServiceUser | Carer) -> None:
    """Stop every reminder, from the link in a message (no sign-in). Safe to do twice."""
    pref = preference(person)
    if pref is not None and pref.choice is Choice.NONE:
        return
    save_preference(None, person, Choice.NONE, quiet_hours_of(pref), ConsentSource.STOP_LINK)
    db.session.commit()


def _cancel_queued(person: Person, now: datetime, reason: Skip, channels: Iterable[Channel] = tuple(Channel)) -> None:
    db.session.execute(
        update(ReminderNotification)
        .where(person.where(ReminderNotification), ReminderNotification.status == NotificationStatus.QUEUED,
               ReminderNotification.channel.in_(list(channels)))
        .values(status=NotificationStatus.CANCELLED, reason=reason.value, status_at=now)
    )


# Tasks: what each person has to do ------------------------------------------------------------

@dataclass(frozen=True)
class OpenTask:
    person: Person
    task: rules.Task
    path: str


def _path(endpoint: str, **values: Any) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _local_today(now: datetime, settings: ReminderSettings) -> date:
    return now.astimezone(settings.timezone).date()


def open_tasks(now: datetime, settings: ReminderSettings, only: Person | None = None) -> list[OpenTask]:
    """Every open task of everyone who chose reminders (or of one person), set-based: a few queries."""
    tasks: list[OpenTask] = []
    if only is None or only.kind == SERVICE_USER:
        tasks += _service_user_tasks(now, settings, only.id if only else None)
    if only is None or only.kind == CARER:
        tasks += _carer_tasks(now, settings, only.id if only else None)
    return tasks


def _chose_reminders(person_column: Any, person_id: int | None, *, carer: bool = False) -> list[Any]:
    """Conditions: the person chose reminders (and, for the worker, is this one person)."""
    pref_column = ContactPreference.carer_id if carer else ContactPreference.service_user_id
    conditions = [exists().where(pref_column == person_column, ContactPreference.choice != Choice.NONE)]
    if person_id is not None:
        conditions.append(person_column == person_id)
    return conditions


def _service_user_tasks(now: datetime, settings: ReminderSettings, person_id: int | None) -> list[OpenTask]:
    today = _local_today(now, settings)
    tasks: list[OpenTask] = []
    measures_path = _path("me.measures_list")
    deferred = {
        (row.service_user_id, row.instrument_id)
        for row in db.session.execute(
            select(MeasureDeferral.service_user_id, MeasureDeferral.instrument_id)
            .where(MeasureDeferral.until > today, *_chose_reminders(MeasureDeferral.service_user_id, person_id))
        )
    }
    for assignment in db.session.scalars(
        select(MeasureAssignment).where(
            MeasureAssignment.completed_at.is_(None),
            MeasureAssignment.instrument_id.in_(measures.available_instruments()),
            *_chose_reminders(MeasureAssignment.service_user_id, person_id),
        )
    ):
        remind_from = max(assignment.assigned_at,
                          rules.start_of_day(assignment.due_on - timedelta(days=settings.days_before_due),
                                             settings.timezone))
        tasks.append(OpenTask(
            Person(SERVICE_USER, assignment.service_user_id),
            rules.Task(f"su:{assignment.service_user_id}:measure:{assignment.id}", TaskKind.MEASURE, remind_from,
                       deferred=(assignment.service_user_id, assignment.instrument_id) in deferred),
            measures_path,
        ))
    goals_path = _path("me.goals_page")
    for goal in db.session.scalars(
        select(Goal).where(Goal.status == GoalStatus.ACTIVE, Goal.next_review_on.is_not(None),
                           *_chose_reminders(Goal.service_user_id, person_id))
    ):
        assert goal.next_review_on is not None
        remind_from = rules.start_of_day(goal.next_review_on - timedelta(days=settings.days_before_due),
                                         settings.timezone)
        tasks.append(OpenTask(
            Person(SERVICE_USER, goal.service_user_id),
            rules.Task(f"su:{goal.service_user_id}:goal_review:{goal.id}:{goal.next_review_on.isoformat()}",
                       TaskKind.GOAL_REVIEW, remind_from),
            goals_path,
        ))
    care_plan_path = _path("me.care_plan")
    versions = (select(func.count(CarePlanVersion.id)).where(CarePlanVersion.care_plan_id == CarePlan.id)
                .correlate(CarePlan).scalar_subquery())
    for plan, agreed_versions in db.session.execute(
        select(CarePlan, versions).where(
            CarePlan.changed_since_agreed.is_(True),
            exists().where(CarePlanEntry.care_plan_id == CarePlan.id),
            *_chose_reminders(CarePlan.service_user_id, person_id),
        )
    ):
        # A day after the last change, so a plan being written in a session is not "ready" yet.
        tasks.append(OpenTask(
            Person(SERVICE_USER, plan.service_user_id),
            rules.Task(f"su:{plan.service_user_id}:care_plan:{plan.id}:v{agreed_versions + 1}",
                       TaskKind.CARE_PLAN_TO_AGREE, plan.updated_at + timedelta(days=1)),
            care_plan_path,
        ))
    return tasks


def _carer_tasks(now: datetime, settings: ReminderSettings, carer_id: int | None) -> list[OpenTask]:
    today = _local_today(now, settings)
    details_path = _path("carer.details")
    tasks = []
    for carer in db.session.scalars(select(Carer).where(*_chose_reminders(Carer.id, carer_id, carer=True))):
        if carers.details_stale(carer, today):
            confirmed = carer.details_confirmed_on.isoformat() if carer.details_confirmed_on else "never"
            tasks.append(OpenTask(Person(CARER, carer.id),
                                  rules.Task(f"carer:{carer.id}:details:{confirmed}", TaskKind.CARER_DETAILS, EPOCH),
                                  details_path))
    return tasks + _carer_views_tasks(today, settings, carer_id)


def _carer_views_tasks(today: date, settings: ReminderSettings, carer_id: int | None) -> list[OpenTask]:
    """Carers who chose reminders are asked for their views before the review of the latest agreed
    care plan of each person they care for, only while that person's consent in force lets the carer
    know they are under the team (read afresh each time, so a withdrawal stops the next message and
    any queued one). Done once the carer has sent their views since the reminders began."""
    latest = (select(CarePlanVersion.care_plan_id, func.max(CarePlanVersion.number).label("number"))
              .group_by(CarePlanVersion.care_plan_id).subquery())
    rows = db.session.execute(
        select(CarerLink.id, CarerLink.carer_id, CarerLink.service_user_id, CarePlanVersion.next_review_on)
        .join(ServiceUser, (ServiceUser.id == CarerLink.service_user_id) & ServiceUser.discharged_on.is_(None))
        .join(CarePlan, CarePlan.service_user_id == CarerLink.service_user_id)
        .join(latest, latest.c.care_plan_id == CarePlan.id)
        .join(CarePlanVersion, (CarePlanVersion.care_plan_id == CarePlan.id)
              & (CarePlanVersion.number == latest.c.number))
        .where(CarePlanVersion.next_review_on >= today,
               *_chose_reminders(CarerLink.carer_id, carer_id, carer=True))
    ).all()
    scopes = _current_scopes([row.id for row in rows])
    last_given = _last_contributions(carer_id)
    tasks = []
    for link_id, link_carer_id, service_user_id, review_on in rows:
        if not rules.carer_views_wanted(scopes.get(link_id, frozenset()), review_on, today):
            continue
        remind_from = rules.start_of_day(review_on - timedelta(days=settings.carer_views_days_before),
                                         settings.timezone)
        given = last_given.get((link_carer_id, service_user_id))
        tasks.append(OpenTask(
            Person(CARER, link_carer_id),
            rules.Task(f"carer:{link_carer_id}:views:{service_user_id}:{review_on.isoformat()}", TaskKind.CARER_VIEWS,
                       remind_from, done=given is not None and given >= remind_from),
            _path("carer.contribute", service_user_id=service_user_id),
        ))
    return tasks


def _last_contributions(carer_id: int | None) -> dict[tuple[int, int], datetime]:
    """When each carer who chose reminders last sent their views about each person, in one query."""
    return {
        (row.carer_id, row.service_user_id): row.submitted_at
        for row in db.session.execute(
            select(CarerContribution.carer_id, CarerContribution.service_user_id,
                   func.max(CarerContribution.submitted_at).label("submitted_at"))
            .where(*_chose_reminders(CarerContribution.carer_id, carer_id, carer=True))
            .group_by(CarerContribution.carer_id, CarerContribution.service_user_id)
        )
    }


def _current_scopes(link_ids: list[int]) -> dict[int, frozenset[str]]:
    """The consent in force for each carer link (its latest decision), as scope codes."""
    found: dict[int, frozenset[str]] = {}
    for chunk in _chunks(link_ids):
        for decision in db.session.scalars(
            select(CarerConsent).where(CarerConsent.carer_link_id.in_(chunk))
            .order_by(CarerConsent.changed_at.desc(), CarerConsent.id.desc())
        ):
            found.setdefault(decision.carer_link_id, frozenset(scope.value for scope in consent.scopes_of(decision)))
    return found


def _recipients(recipients: Iterable[Person]) -> dict[Person, tuple[rules.Recipient, Contacts]]:
    """What the rules need to know about each person, in a few queries."""
    wanted = set(recipients)
    result: dict[Person, tuple[rules.Recipient, Contacts]] = {}
    models: tuple[tuple[str, type[ServiceUser] | type[Carer], Any], ...] = (
        (SERVICE_USER, ServiceUser, ContactPreference.service_user_id), (CARER, Carer, ContactPreference.carer_id))
    for kind, model, pref_column in models:
        for chunk in _chunks([p.id for p in wanted if p.kind == kind]):
            prefs = {getattr(pref, pref_column.key): pref
                     for pref in db.session.scalars(select(ContactPreference).where(pref_column.in_(chunk)))}
            caring = _caring_for_someone_under_the_team(chunk) if kind == CARER else set()
            for row, account_active in db.session.execute(
                select(model, User.active).outerjoin(User, User.id == model.user_id).where(model.id.in_(chunk))
            ):
                person = cast(ServiceUser | Carer, row)
                under_care = person.id in caring if isinstance(person, Carer) else not person.discharged
                result[Person(kind, person.id)] = _recipient(person, prefs.get(person.id),
                                                             bool(account_active) and under_care)
    return result


def _caring_for_someone_under_the_team(carer_ids: list[int]) -> set[int]:
    """The carers who care for at least one person not discharged."""
    return set(db.session.scalars(
        select(CarerLink.carer_id).distinct().join(ServiceUser, ServiceUser.id == CarerLink.service_user_id)
        .where(CarerLink.carer_id.in_(carer_ids), ServiceUser.discharged_on.is_(None))
    ))


def _recipient(person: ServiceUser | Carer, pref: ContactPreference | None,
               record_open: bool) -> tuple[rules.Recipient, Contacts]:
    contacts = contacts_of(person)
    return rules.Recipient(
        choice=pref.choice if pref else Choice.NONE, consented=pref is not None,
        # No portal account or the account is closed, or discharged (a carer: everyone they care
        # for is): a reminder to sign in makes no sense.
        record_open=record_open,
        mobile=contacts.mobile, email=contacts.email,
        quiet_hours=QuietHours(pref.quiet_from, pref.quiet_until) if pref else QuietHours(),
    ), contacts


# Invitations by message -------------------------------------------------------------------------
#
# The inviter may also send an invitation by text or email (their explicit choice, audited). The
# person has no preferences yet, so the default quiet hours apply. The message has a link to set up
# the account but NOT the invitation code: the code is shown once to the inviter, who gives it to
# the person. Anyone who picks up a phone or reads a shared inbox could otherwise use it (it is tied
# to an email address that is rarely a secret to them), GOV.UK Notify keeps message content for
# days, and the code would have to be kept in clear until the message went.

class InvitationNotSent(Exception):
    """There is nothing to send it to (``reason``: a short code)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_channels(config: Mapping[str, Any] | None = None) -> tuple[Channel, ...]:
    """The channels an invitation can go by: both with the local notifier; with GOV.UK Notify, those
    whose invitation template is configured."""
    config = config or current_app.config
    if config.get("NOTIFIER", "local") != "govuk_notify":
        return (Channel.SMS, Channel.EMAIL)
    ids = {Channel.SMS: config.get("NOTIFY_INVITATION_SMS_TEMPLATE_ID"),
           Channel.EMAIL: config.get("NOTIFY_INVITATION_EMAIL_TEMPLATE_ID")}
    return tuple(channel for channel in Channel if ids[channel])


def invitee(invitation: Invitation) -> ServiceUser | Carer:
    person: ServiceUser | Carer | None
    if invitation.role is Role.CARER:
        person = db.session.get(Carer, invitation.carer_id) if invitation.carer_id else None
    else:
        person = db.session.get(ServiceUser, invitation.service_user_id) if invitation.service_user_id else None
    if person is None:
        raise InvitationNotSent("no_person")
    return person


def can_text(person: ServiceUser | Carer) -> bool:
    return contacts_of(person).mobile is not None


def send_invitation(user: User, invitation: Invitation, channel: Channel, *, mobile: str | None = None,
                    now: datetime | None = None) -> ReminderNotification:
    """Queue the invitation by text or email, as its inviter chose. A text goes to the mobile on the
    person's record (a new carer's mobile, typed by the inviter, is recorded first); an email goes only
    to the address the invitation is tied to. Audited; commits."""
    if invitation.created_by_id != user.id:
        raise PermissionError("Only the person who created an invitation sends it")
    if channel not in invitation_channels():
        raise InvitationNotSent("not_available")
    now = now or utcnow()
    settings = current_settings()
    person = invitee(invitation)
    if mobile and isinstance(person, Carer) and not can_text(person) and is_uk_mobile(mobile):
        person.mobile = normalise_uk_phone(mobile) or ""
        audit.record(user.id, "carer_mobile_added_by_inviter", "carer", person.id)
    if channel is Channel.SMS and not can_text(person):
        raise InvitationNotSent("no_mobile")
    at = rules.next_allowed(now, quiet_hours_of(preference(person), settings), settings.timezone)
    row = ReminderNotification(
        **Person.of(person).columns(),
        task_key=f"invitation:{invitation.id}", task_kind=TaskKind.INVITATION.value,
        task_path=_invitation_path(invitation), reminder_number=1, channel=channel,
        status=NotificationStatus.QUEUED, created_at=now, send_after=at, next_attempt_at=at,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(user.id, f"invitation_queued_{channel.value}", "invitation", invitation.id)
    db.session.commit()
    return row


def send_invitation_if_chosen(user: User, invitation: Invitation, channel: Channel | None, *,
                              mobile: str | None = None) -> ReminderNotification | None:
    """For the invitation pages: queue it if the inviter chose a channel; None if not, or if it cannot go."""
    if channel is None:
        return None
    try:
        return send_invitation(user, invitation, channel, mobile=mobile)
    except InvitationNotSent:
        return None


def _invitation_path(invitation: Invitation) -> str:
    """Where the link goes: setting up an account, or (a carer who has one) signing in to add the person."""
    if invitation.role is Role.CARER and invitation.service_user_id is not None:
        return f"{_path('auth.login')}?{urlencode({'next': _path('carer.add_person')})}"
    return _path("auth.accept_invitation")


def _invitation_delivery(row: ReminderNotification, person: Person, now: datetime,
                         settings: ReminderSettings) -> tuple[Skip | None, QuietHours, str | None]:
    """Checked just before sending an invitation: still unused and in date, the person has not
    stopped messages, and there is somewhere to send it."""
    invitation = db.session.get(Invitation, int(row.task_key.rpartition(":")[2]))
    someone = person.load()
    pref = preference(someone) if someone is not None else None
    quiet = quiet_hours_of(pref, settings)
    if invitation is None or someone is None or invitation.used_at is not None or invitation.expires_at <= now:
        return Skip.DONE, quiet, None
    if pref is not None and pref.choice is Choice.NONE:
        return Skip.NOT_CHOSEN, quiet, None
    to = contacts_of(someone).mobile if row.channel is Channel.SMS else invitation.email
    if not to:
        return Skip.NO_CONTACT, quiet, None
    return None, quiet, to


# The scheduler ---------------------------------------------------------------------------------

@dataclass
class ScheduleResult:
    queued: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def schedule(now: datetime | None = None, settings: ReminderSettings | None = None) -> ScheduleResult:
    """Queue the reminders due now. Safe to run often, and twice at once."""
    now = now or utcnow()
    settings = settings or current_settings()
    result = ScheduleResult()
    tasks = open_tasks(now, settings)
    recipients = _recipients({t.person for t in tasks})
    previous = _previous_reminders([t.task.key for t in tasks])
    for open_task in tasks:
        recipient, _ = recipients.get(open_task.person, (None, None))
        if recipient is None:
            continue
        decision = rules.decide(open_task.task, recipient, previous.get(open_task.task.key, []), now, settings)
        if isinstance(decision, Skip):
            result.skipped[decision.value] += 1
            continue
        for channel in decision.channels:
            result.queued += _enqueue(open_task, decision, channel)
    db.session.commit()
    return result


def _previous_reminders(keys: list[str]) -> dict[str, list[datetime]]:
    found: dict[str, dict[int, datetime]] = defaultdict(dict)
    for chunk in _chunks(keys):
        for key, number, send_after in db.session.execute(
            select(ReminderNotification.task_key, ReminderNotification.reminder_number,
                   func.min(ReminderNotification.send_after))
            .where(ReminderNotification.task_key.in_(chunk))
            .group_by(ReminderNotification.task_key, ReminderNotification.reminder_number)
        ):
            found[key][number] = send_after  # aware: min() keeps the column's UTCDateTime type
    return {key: list(numbers.values()) for key, numbers in found.items()}


def _enqueue(open_task: OpenTask, decision: rules.Send, channel: Channel) -> int:
    """Insert one reminder unless it is already there (another scheduler got there first)."""
    values = {
        **open_task.person.columns(),
        "task_key": open_task.task.key, "task_kind": open_task.task.kind.value, "task_path": open_task.path,
        "reminder_number": decision.number, "channel": channel.value, "status": NotificationStatus.QUEUED.value,
        "created_at": utcnow(), "send_after": decision.at, "next_attempt_at": decision.at, "attempts": 0,
        "provider": "", "provider_id": "", "reason": "", "destination_hint": "",
    }
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = ReminderNotification.__table__
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing(
        index_elements=["task_key", "reminder_number", "channel"]
    ).returning(table.c.id)
    inserted_id = db.session.execute(statement).scalar()
    if inserted_id is None:
        return 0
    audit.record(None, "reminder_queued", open_task.person.kind, open_task.person.id)
    return 1


# The worker ------------------------------------------------------------------------------------

@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    cancelled: int = 0
    deferred: int = 0  # put back until quiet hours end


def send_due(notifier: Notifier, now: datetime | None = None, settings: ReminderSettings | None = None,
             batch_size: int = 50) -> SendResult:
    """Send every reminder that is due, in batches; each row is claimed before it is sent."""
    settings = settings or current_settings()
    result = SendResult()
    due_by = now or utcnow()
    while claimed := _claim(due_by, batch_size):
        for notification_id, attempts in claimed:
            outcome = _deliver(notifier, notification_id, attempts, now or utcnow(), settings)
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _claim(due_by: datetime, batch_size: int) -> list[tuple[int, int]]:
    return notification_queue.claim_due(ReminderNotification, due_by, batch_size, LEASE)


def _deliver(notifier: Notifier, notification_id: int, attempts: int, now: datetime,
             settings: ReminderSettings) -> str:
    row = db.session.get_one(ReminderNotification, notification_id)
    person = Person.of_row(row)
    values: dict[str, Any]
    why: Skip | None
    quiet: QuietHours | None
    if row.task_kind == TaskKind.INVITATION.value:
        why, quiet, to = _invitation_delivery(row, person, now, settings)
        kind, link = MessageKind.INVITATION, f"{current_app.config['PUBLIC_BASE_URL']}{row.task_path}"
    else:
        recipient, contacts = _recipients([person]).get(person, (None, None))
        task = next((t.task for t in open_tasks(now, settings, only=person) if t.task.key == row.task_key), None)
        if recipient is None or contacts is None:
            why, quiet, to = Skip.RECORD_CLOSED, None, None
        else:
            why, quiet = rules.still_wanted(task, recipient, row.channel), recipient.quiet_hours
            to = contacts.mobile if row.channel is Channel.SMS else contacts.email
        kind = MessageKind.REMINDER
        link = f"{current_app.config['PUBLIC_BASE_URL']}{_path('auth.login')}?{urlencode({'next': row.task_path})}"
    if why is Skip.NO_CONTACT:
        outcome, values = "dead", {"status": NotificationStatus.DEAD, "reason": why.value, "status_at": now}
    elif why is not None:
        outcome, values = "cancelled", {"status": NotificationStatus.CANCELLED, "reason": why.value, "status_at": now}
    elif quiet is not None and rules.in_quiet_hours(now, quiet, settings.timezone):
        # Queued before the person changed their quiet hours, or a retry that fell into them.
        outcome, values = "deferred", {"attempts": attempts - 1,
                                       "next_attempt_at": rules.next_allowed(now, quiet, settings.timezone)}
    else:
        assert quiet is not None and to
        outcome, values = _send(notifier, row, person, to, kind, link, attempts, now, settings, quiet)
    if _finish(notification_id, attempts, values):
        db.session.commit()
    else:
        db.session.rollback()
        log.warning("reminder %s was claimed by another worker before this one finished", notification_id)
    return outcome


def _send(notifier: Notifier, row: ReminderNotification, person: Person, to: str, kind: MessageKind, link: str,
          attempts: int, now: datetime, settings: ReminderSettings, quiet: QuietHours) -> tuple[str, dict[str, Any]]:
    stop = stop_link(person)
    message = Message(channel=row.channel, to=to, personalisation={"link": link, "stop_link": stop},
                      reference=f"reminder-{row.id}", unsubscribe_url=stop, kind=kind, locale=language_of(person))
    try:
        accepted = notifier.send(message)
    except TemporaryFailure as error:
        if attempts >= settings.max_send_attempts:
            return "dead", {"status": NotificationStatus.DEAD, "reason": _short(f"gave_up {_reason(error)}"),
                            "status_at": now}
        delay = max(rules.backoff_seconds(attempts, settings), error.retry_after or 0.0)
        retry_at = rules.next_allowed(now + timedelta(seconds=delay), quiet, settings.timezone)
        return "retried", {"next_attempt_at": retry_at, "reason": _short(_reason(error))}
    except PermanentFailure as error:
        return "dead", {"status": NotificationStatus.DEAD, "reason": _short(_reason(error)), "status_at": now,
                        "destination_hint": _hint(row.channel, to)}
    except Exception as error:  # a bug, not the provider: keep the row, say what broke
        db.session.rollback()
        log.exception("reminder %s failed unexpectedly", row.id)
        return "dead", {"status": NotificationStatus.DEAD, "reason": f"portal_error {type(error).__name__}",
                        "status_at": now}
    status = NotificationStatus.DELIVERED if accepted.status == "delivered" else NotificationStatus.SENT
    return "sent", {"status": status, "sent_at": now, "status_at": now, "provider": notifier.name,
                    "provider_id": accepted.provider_id[:64], "reason": "", "destination_hint": _hint(row.channel, to)}


def _finish(notification_id: int, attempts: int, values: dict[str, Any]) -> bool:
    """Record the outcome, unless another worker claimed the row since (our lease ran out)."""
    return db.session.execute(
        update(ReminderNotification)
        .where(ReminderNotification.id == notification_id, ReminderNotification.attempts == attempts,
               ReminderNotification.status == NotificationStatus.QUEUED)
        .values(**values)
    ).rowcount == 1  # type: ignore[attr-defined]


def _hint(channel: Channel, to: str) -> str:
    """Enough for a key worker to check the details: a number's last 3 digits, an address's domain."""
    return f"ending {to[-3:]}" if channel is Channel.SMS else f"at {to.rpartition('@')[2]}"


def _short(text: str) -> str:
    return text[:200]


def _reason(error: TemporaryFailure | PermanentFailure) -> str:
    """"invalid_number (400 ValidationError)": the code first, so ``reason_code`` can read it."""
    return f"{error.reason} ({error.detail})" if error.detail else error.reason


def reason_code(reason: str) -> str:
    return reason.split(" ", 1)[0]


def refresh_statuses(notifier: Notifier, now: datetime | None = None, limit: int = 100) -> int:
    """Ask the provider what happened to recently sent messages; return how many changed."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(ReminderNotification).where(
            ReminderNotification.status == NotificationStatus.SENT, ReminderNotification.provider == notifier.name,
            ReminderNotification.sent_at <= now - STATUS_CHECK_AFTER,
            ReminderNotification.sent_at >= now - STATUS_CHECK_FOR,
        ).order_by(ReminderNotification.status_at, ReminderNotification.id).limit(limit)
    ).all()
    changed = 0
    for row in rows:
        try:
            status = notifier.delivery_status(row.provider_id)
        except (TemporaryFailure, PermanentFailure) as error:
            log.warning("could not check reminder %s: %s", row.id, error.reason)
            continue
        changed += _apply_status(row, status, now)
    db.session.commit()
    return changed


def record_delivery_receipt(provider: str, provider_id: str, status: DeliveryStatus,
                            now: datetime | None = None) -> bool:
    """The provider tells us (a callback) what happened to a message it accepted; commits. Returns
    whether it was one of ours, still waiting for news."""
    row = db.session.scalar(select(ReminderNotification).where(
        ReminderNotification.provider == provider, ReminderNotification.provider_id == provider_id,
        ReminderNotification.status == NotificationStatus.SENT))
    if row is None:
        return False
    _apply_status(row, status, now or utcnow())
    db.session.commit()
    return True


def _apply_status(row: ReminderNotification, status: DeliveryStatus, now: datetime) -> bool:
    row.status_at = now
    if status == DeliveryStatus.DELIVERED:
        row.status = NotificationStatus.DELIVERED
        return True
    if status == DeliveryStatus.FAILED:
        row.status, row.reason = NotificationStatus.FAILED, "not_delivered"
        return True
    return False


# What staff and admins see -------------------------------------------------------------------

@dataclass(frozen=True)
class ReminderHistory:
    preference: ContactPreference | None
    contacts: Contacts
    notifications: list[ReminderNotification]
    contact_problem: bool  # a recent failure that suggests the number or address is wrong


def history_for(person: ServiceUser | Carer, limit: int = 50, now: datetime | None = None) -> ReminderHistory:
    now = now or utcnow()
    rows = list(db.session.scalars(
        select(ReminderNotification).where(Person.of(person).where(ReminderNotification))
        .order_by(ReminderNotification.created_at.desc(), ReminderNotification.id.desc()).limit(limit)
    ))
    problem = any(
        row.status in (NotificationStatus.FAILED, NotificationStatus.DEAD)
        and reason_code(row.reason) in CONTACT_PROBLEMS
        and (row.status_at or row.created_at) >= now - timedelta(days=30)
        for row in rows
    )
    return ReminderHistory(preference(person), contacts_of(person), rows, problem)


def local_messages(limit: int = 100) -> list[LocalMessage]:
    return list(db.session.scalars(select(LocalMessage).order_by(LocalMessage.id.desc()).limit(limit)))


def queue_counts() -> dict[str, int]:
    counts = dict(db.session.execute(
        select(ReminderNotification.status, func.count()).group_by(ReminderNotification.status)
    ).all())
    return {status.value: int(counts.get(status, 0)) for status in NotificationStatus}


def quiet_hours_of(pref: ContactPreference | None, settings: ReminderSettings | None = None) -> QuietHours:
    """The person's quiet hours, or the trust's default while they have chosen nothing."""
    if pref is not None:
        return QuietHours(pref.quiet_from, pref.quiet_until)
    return (settings or current_settings()).quiet_hours
