"""Who has seen my information: the audit trail, for one service user or one carer.

The audit trail (``audit_event``) points at many kinds of record by ``record_type`` and
``record_id``. For one person we work out, per record type, which of those records are theirs
(a subquery each), and ask for every audit event about any of them in **one** query, newest
first, one page at a time; then the people who did them in one more. However long the history,
a page costs the same few queries.

What each audience is shown follows what their own pages show:

- a **service user** sees events about their own records; not other people's sign-ins, not a
  carer's own contact details, not a carer's views whose every part the carer kept for the team
  (nor the flag a carer's worry raised), since their pages do not show those either;
- a **carer** sees events about their own details, account, reminders, links and views. Whether
  the team has read their views shows only while the person they care for shares "involvement"
  with them (as on their own pages, ``carers.contributions_by_carer``), and staff are never named
  to a carer (that would say who someone's key worker is).

No Flask here: the words for each event are in ``portal/presenters/access_history.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    AuditEvent,
    CarePlan,
    CarePlanEntry,
    CarePlanVersion,
    Carer,
    CarerContribution,
    CarerLink,
    CareSession,
    CareTeamMember,
    ContactPreference,
    DialogPlusArea,
    FlagSource,
    Goal,
    Invitation,
    KeyWorkerAssignment,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    Role,
    SafetyFlag,
    SafetyPlan,
    SafetyPlanDevice,
    ServiceUser,
    User,
)
from portal.models.carers import CONTRIBUTION_PARTS
from portal.services import audit, consent, settings

PAGE_SIZE = 25
MOST_SHOWN = 2000  # a "show more" link asks for at most this many at once

# Record types whose events a carer can be shown (the phrase test checks each has carer's words).
CARER_RECORD_TYPES = frozenset({"carer", "carer_link", "carer_contribution", "user", "contact_preference",
                                "invitation"})

# Events about a carer that are also about the service user's record: the carer was added to it.
CARER_ADDED = ("carer_added", "carer_added_from_record")
# Events about a carer's views that the carer sends themselves (always theirs to see).
CARER_OWN_VIEW_ACTIONS = ("carer_contribution_added",)


class Who:
    """What an actor is to the person whose history it is (the presenter words each)."""

    SELF = "self"
    KEY_WORKER = "key_worker"
    EARLIER_KEY_WORKER = "earlier_key_worker"
    TEAM_LEAD = "team_lead"
    CARE_TEAM = "care_team"  # a member of their care team (now or then), named with their role
    STAFF = "staff"
    CARER = "carer"
    CARED_FOR = "cared_for"
    ADMIN = "admin"
    SYSTEM = "system"  # the clinical record, through the sync
    PORTAL = "portal"  # the portal on its own: a reminder queued, a flag escalated
    SOMEONE = "someone"


@dataclass(frozen=True)
class Actor:
    kind: str
    name: str = ""
    role: Any = ""  # a care team member's role name


@dataclass(frozen=True)
class AccessEvent:
    id: int
    at: datetime
    action: str
    record_type: str
    record_id: int | None
    actor: Actor


@dataclass(frozen=True)
class AccessPage:
    events: list[AccessEvent]
    shown: int  # how many were asked for
    more: bool  # are there older events?

    @property
    def next_shown(self) -> int:
        return min(self.shown + PAGE_SIZE, MOST_SHOWN)


@dataclass(frozen=True)
class Records:
    """Which records of one type are the person's, and (optionally) which actions on them count."""

    record_type: str
    ids: Select[Any] | list[int]
    actions: tuple[str, ...] | None = None

    def condition(self) -> ColumnElement[bool]:
        clause = and_(AuditEvent.record_type == self.record_type, AuditEvent.record_id.in_(self.ids))
        return and_(clause, AuditEvent.action.in_(self.actions)) if self.actions else clause


def list_of(*ids: int) -> list[int]:
    return list(ids)


def _ids(column: Any, *where: Any) -> Select[Any]:
    return select(column).where(*where)


def _shared_with_service_user() -> ColumnElement[bool]:
    """A carer's views with at least one part the service user may see (see carers.shared_parts)."""
    return or_(*(and_(getattr(CarerContribution, part) != "",
                      getattr(CarerContribution, f"{part}_private").is_(False))
                 for part in CONTRIBUTION_PARTS))


def service_user_records(person: ServiceUser) -> list[Records]:
    links = _ids(CarerLink.id, CarerLink.service_user_id == person.id)
    plan = _ids(CarePlan.id, CarePlan.service_user_id == person.id)
    sessions = _ids(CareSession.id, CareSession.service_user_id == person.id)
    records = [
        Records("service_user", list_of(person.id)),
        Records("goal", _ids(Goal.id, Goal.service_user_id == person.id)),
        Records("care_plan_entry", _ids(CarePlanEntry.id, CarePlanEntry.care_plan_id.in_(plan))),
        Records("care_plan_version", _ids(CarePlanVersion.id, CarePlanVersion.care_plan_id.in_(plan))),
        Records("safety_plan", _ids(SafetyPlan.id, SafetyPlan.service_user_id == person.id)),
        Records("measure_response", _ids(MeasureResponse.id, MeasureResponse.service_user_id == person.id)),
        Records("measure_assignment", _ids(MeasureAssignment.id, MeasureAssignment.service_user_id == person.id)),
        Records("measure_deferral", _ids(MeasureDeferral.id, MeasureDeferral.service_user_id == person.id)),
        Records("carer_link", links),
        Records("carer", _ids(CarerLink.carer_id, CarerLink.service_user_id == person.id), CARER_ADDED),
        Records("carer_contribution", _ids(CarerContribution.id, CarerContribution.service_user_id == person.id,
                                           _shared_with_service_user())),
        Records("care_session", sessions),
        Records("dialog_plus_area", _ids(DialogPlusArea.id, DialogPlusArea.care_session_id.in_(sessions))),
        Records("safety_flag", _ids(SafetyFlag.id, SafetyFlag.service_user_id == person.id,
                                    SafetyFlag.source == FlagSource.ANSWER)),
        Records("key_worker_assignment", _ids(KeyWorkerAssignment.id,
                                              KeyWorkerAssignment.service_user_id == person.id)),
        Records("contact_preference", _ids(ContactPreference.id, ContactPreference.service_user_id == person.id)),
        Records("invitation", _ids(Invitation.id, Invitation.service_user_id == person.id)),
    ]
    if person.user_id is not None:
        records += [
            Records("user", list_of(person.user_id)),
            Records("safety_plan_device", _ids(SafetyPlanDevice.id, SafetyPlanDevice.user_id == person.user_id)),
        ]
    return records


def carer_records(carer: Carer) -> list[Records]:
    involved = [link.service_user_id for link in _links_of(carer)
                if consent.Scope.INVOLVEMENT in consent.current_scopes(link)]
    views = _ids(CarerContribution.id, CarerContribution.carer_id == carer.id)
    records = [
        Records("carer", list_of(carer.id)),
        Records("carer_link", _ids(CarerLink.id, CarerLink.carer_id == carer.id)),
        Records("carer_contribution", views, CARER_OWN_VIEW_ACTIONS),
        Records("contact_preference", _ids(ContactPreference.id, ContactPreference.carer_id == carer.id)),
        Records("invitation", _ids(Invitation.id, Invitation.carer_id == carer.id)),
    ]
    if involved:
        records.append(Records("carer_contribution", views.where(CarerContribution.service_user_id.in_(involved))))
    if carer.user_id is not None:
        records.append(Records("user", list_of(carer.user_id)))
    return records


def _links_of(carer: Carer) -> list[CarerLink]:
    return list(db.session.scalars(select(CarerLink).where(CarerLink.carer_id == carer.id).order_by(CarerLink.id)))


def _events(records: Iterable[Records], limit: int | None) -> list[AuditEvent]:
    query = (select(AuditEvent).where(or_(*(r.condition() for r in records)))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def _actors(events: list[AuditEvent]) -> dict[int, User]:
    ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    if not ids:
        return {}
    users = db.session.scalars(
        select(User).where(User.id.in_(ids))
        .options(selectinload(User.staff_member), selectinload(User.service_user), selectinload(User.carer))
    )
    return {user.id: user for user in users}


RECORD_ACTIONS = frozenset({
    "demographics_updated_from_record", "team_updated_from_record", "pathway_updated_from_record",
    "carer_updated_from_record", "carer_added_from_record", "service_user_discharged_from_record",
    "service_user_reopened_from_record", "key_worker_changed",
})


def _system(event: AuditEvent) -> Actor:
    return Actor(Who.SYSTEM if event.action in RECORD_ACTIONS else Who.PORTAL)


def _service_user_actor(person: ServiceUser, key_workers_before: set[int], carers: set[int],
                        event: AuditEvent, user: User | None, care_team: dict[int, Any] | None = None) -> Actor:
    if user is None:
        return _system(event)
    if user.id == person.user_id:
        return Actor(Who.SELF)
    if user.staff_member is not None:
        staff = user.staff_member
        if staff.id == person.key_worker_id:
            return Actor(Who.KEY_WORKER, staff.name)
        if staff.id in key_workers_before:
            return Actor(Who.EARLIER_KEY_WORKER, staff.name)
        if care_team and staff.id in care_team and user.role is not Role.TEAM_LEAD:
            return Actor(Who.CARE_TEAM, staff.name, care_team[staff.id])
        return Actor(Who.TEAM_LEAD if user.role is Role.TEAM_LEAD else Who.STAFF, staff.name)
    if user.carer is not None and user.carer.id in carers:
        return Actor(Who.CARER, user.carer.name)
    if user.role is Role.ADMIN:
        return Actor(Who.ADMIN)
    return Actor(Who.SOMEONE)


def _page(rows: list[AuditEvent], shown: int, actor_of: Any) -> AccessPage:
    more = len(rows) > shown
    rows = rows[:shown]
    users = _actors(rows)
    events = [AccessEvent(row.id, row.at, row.action, row.record_type, row.record_id,
                          actor_of(row, users.get(row.actor_user_id) if row.actor_user_id else None))
              for row in rows]
    return AccessPage(events, shown, more)


def _clamp(shown: int | None) -> int | None:
    return None if shown is None else max(1, min(shown, MOST_SHOWN))


def for_service_user(person: ServiceUser, shown: int | None = PAGE_SIZE) -> AccessPage:
    """The newest ``shown`` events about this service user's records (all of them with None).
    The caller has already checked that whoever asks may see this person."""
    shown = _clamp(shown)
    rows = _events(service_user_records(person), None if shown is None else shown + 1)
    key_workers_before = {
        staff_id for pair in db.session.execute(
            select(KeyWorkerAssignment.key_worker_id, KeyWorkerAssignment.previous_key_worker_id)
            .where(KeyWorkerAssignment.service_user_id == person.id))
        for staff_id in pair if staff_id is not None
    }
    carers = set(db.session.scalars(select(CarerLink.carer_id).where(CarerLink.service_user_id == person.id)))
    roles = settings.care_team_roles()
    care_team = {staff_id: (roles.get(code) or roles["other"]).name
                 for staff_id, code in db.session.execute(
                     select(CareTeamMember.staff_member_id, CareTeamMember.role)
                     .where(CareTeamMember.service_user_id == person.id)
                     .order_by(CareTeamMember.added_at, CareTeamMember.id))}

    def actor_of(row: AuditEvent, user: User | None) -> Actor:
        return _service_user_actor(person, key_workers_before, carers, row, user, care_team)

    return _page(rows, shown if shown is not None else len(rows), actor_of)


def for_carer(carer: Carer, shown: int | None = PAGE_SIZE) -> AccessPage:
    """The newest ``shown`` events about this carer's own details, account and views."""
    shown = _clamp(shown)
    rows = _events(carer_records(carer), None if shown is None else shown + 1)
    cared_for = set(db.session.scalars(select(CarerLink.service_user_id).where(CarerLink.carer_id == carer.id)))

    def actor_of(row: AuditEvent, user: User | None) -> Actor:
        if user is None:
            return _system(row)
        if user.id == carer.user_id:
            return Actor(Who.SELF)
        if user.staff_member is not None:
            return Actor(Who.STAFF)  # never named: it would tell a carer who someone's key worker is
        if user.service_user is not None and user.service_user.id in cared_for:
            return Actor(Who.CARED_FOR, user.service_user.display_name)
        return Actor(Who.ADMIN if user.role is Role.ADMIN else Who.SOMEONE)

    return _page(rows, shown if shown is not None else len(rows), actor_of)


# Opening the page is itself audited ------------------------------------------------------------

def seen_by_service_user(user: User, person: ServiceUser, shown: int | None = PAGE_SIZE) -> AccessPage:
    """The page for the person themselves, or for staff already allowed to see them."""
    audit.record_now(user.id, "access_history_viewed", "service_user", person.id)
    return for_service_user(person, shown)


def seen_by_carer(user: User, carer: Carer, shown: int | None = PAGE_SIZE) -> AccessPage:
    audit.record_now(user.id, "access_history_viewed", "carer", carer.id)
    return for_carer(carer, shown)
