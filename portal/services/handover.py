"""Allocating and changing key workers, with a handover, and the team view for team leads.

Only a team lead allocates or changes a key worker, and only within their own team. Every
change writes a ``KeyWorkerAssignment`` (the history, with the handover note), sets
``ServiceUser.key_worker_id``, is audited, and goes to the clinical record through the outbox
(``key_worker.changed``) in the same transaction. A change made in the clinical record comes in
through ``record_from_clinical_record`` (the inbound pull): same history and audit, not sent back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, case, exists, func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.extensions import db
from portal.models import AssignmentSource, KeyWorkerAssignment, Role, ServiceUser, StaffMember, User
from portal.models.base import utcnow
from portal.registrations import may_be_key_worker
from portal.services import audit, care_team_record, outbox, people
from portal.services.caseload import search_condition
from portal.services.errors import NotAllowed, NotFound

KEY_WORKER_CHANGED = "key_worker.changed"
HANDOVER_NOTE_MAX = 2000
PAGE_SIZE = 50
# Staff who can hold a caseload.
CASELOAD_ROLES = (Role.KEY_WORKER, Role.TEAM_LEAD)


class SameKeyWorker(NotAllowed):
    """The person chosen is already the key worker."""


class NotRegistered(NotAllowed):
    """The person chosen holds no professional registration, so cannot be a key worker."""

    def __init__(self, staff_name: str) -> None:
        super().__init__(f"{staff_name} has no professional registration")
        self.staff_name = staff_name


@dataclass(frozen=True)
class KeyWorkerChoice:
    id: int
    name: str
    profession: str
    caseload: int  # service users they are key worker for now
    registered: bool = True  # holds a professional registration: only then can they be key worker


def _team_lead(user: User) -> StaffMember:
    staff = people.staff_member_of(user)
    if user.role is not Role.TEAM_LEAD:
        raise NotAllowed("Only a team lead allocates key workers")
    return staff


# With their accounts (the page links to each one's email), built once: a key worker's home page
# asks whenever someone in the team has no key worker.
_TEAM_LEADS = (
    select(StaffMember).join(User, User.id == StaffMember.user_id)
    .where(StaffMember.team_id == bindparam("team_id"), User.role == Role.TEAM_LEAD, User.active.is_(True))
    .options(contains_eager(StaffMember.user))
    .order_by(StaffMember.name)
)


def team_leads_for(user: User) -> list[StaffMember]:
    """The team leads of this member of staff's team: who to ask to allocate a key worker."""
    return list(db.session.scalars(_TEAM_LEADS, {"team_id": people.staff_member_of(user).team_id}))


def key_workers(user: User) -> list[KeyWorkerChoice]:
    """Everyone in the team lead's team who can hold a caseload, with their caseload size and whether
    they hold a professional registration (only then can they be made key worker)."""
    staff = people.staff_member_of(user)
    caseload_size = (
        select(ServiceUser.key_worker_id, func.count().label("size"))
        .where(ServiceUser.team_id == staff.team_id, ServiceUser.discharged_on.is_(None))
        .group_by(ServiceUser.key_worker_id).subquery()
    )
    rows = db.session.execute(
        select(StaffMember.id, StaffMember.name, StaffMember.profession, func.coalesce(caseload_size.c.size, 0),
               StaffMember.registration)
        .join(User, User.id == StaffMember.user_id)
        .outerjoin(caseload_size, caseload_size.c.key_worker_id == StaffMember.id)
        .where(StaffMember.team_id == staff.team_id, User.active.is_(True), User.role.in_(CASELOAD_ROLES))
        .order_by(StaffMember.name, StaffMember.id)
    )
    return [KeyWorkerChoice(id_, name, profession, int(size), may_be_key_worker(registration))
            for id_, name, profession, size, registration in rows]


def person_to_allocate(user: User, service_user_id: int) -> ServiceUser:
    """The service user, if they are in this team lead's team (NotFound otherwise)."""
    _team_lead(user)
    return people.service_user_for_staff(user, service_user_id, audit_view=False)


def allocate(user: User, person: ServiceUser, key_worker_id: int, *, handover_on: date, handover_note: str,
             now: datetime | None = None) -> KeyWorkerAssignment:
    """Make ``key_worker_id`` the person's key worker, recording the handover. ``NotRegistered`` when
    they hold no professional registration."""
    lead = _team_lead(user)
    if person.team_id != lead.team_id:
        raise NotFound
    chosen = _chosen_key_worker(user, key_worker_id)
    if person.key_worker_id == key_worker_id:
        raise SameKeyWorker("This person is already their key worker")
    if not may_be_key_worker(chosen.registration):
        raise NotRegistered(chosen.name)
    now = now or utcnow()
    note = _handover(handover_on, handover_note, now)
    assignment = _change_key_worker(person, chosen, handover_on=handover_on, note=note, recorded_by=user,
                                    source=AssignmentSource.PORTAL, now=now)
    db.session.commit()
    return assignment


def allocate_many(user: User, service_user_ids: Sequence[int], key_worker_id: int, *, handover_on: date,
                  handover_note: str, now: datetime | None = None) -> list[KeyWorkerAssignment]:
    """Make one key worker the key worker of several people in the team lead's team, with one
    handover note (bulk allocation from the caseload analysis): each change exactly as ``allocate``
    makes it (history, audit, the record), in one transaction, so all or nothing. ``NotFound`` for
    anyone not under the team; ``SameKeyWorker`` when one of them has this key worker already;
    ``NotRegistered`` when the key worker holds no professional registration."""
    lead = _team_lead(user)
    ids = list(dict.fromkeys(service_user_ids))
    if not ids:
        raise ValueError("Choose at least one person")
    chosen = _chosen_key_worker(user, key_worker_id)
    persons = list(db.session.scalars(select(ServiceUser).where(
        ServiceUser.id.in_(ids), ServiceUser.team_id == lead.team_id, ServiceUser.discharged_on.is_(None))))
    if len(persons) != len(ids):
        raise NotFound
    if any(person.key_worker_id == key_worker_id for person in persons):
        raise SameKeyWorker("One of them already has this key worker")
    if not may_be_key_worker(chosen.registration):
        raise NotRegistered(chosen.name)
    now = now or utcnow()
    note = _handover(handover_on, handover_note, now)
    assignments = [_change_key_worker(person, chosen, handover_on=handover_on, note=note, recorded_by=user,
                                      source=AssignmentSource.PORTAL, now=now)
                   for person in sorted(persons, key=lambda p: p.id)]
    db.session.commit()  # one transaction: a failure before this leaves nothing (the request's session is rolled back)
    return assignments


def _chosen_key_worker(user: User, key_worker_id: int) -> StaffMember:
    """Someone in the team lead's team who can hold a caseload (NotFound otherwise)."""
    if key_worker_id not in {choice.id for choice in key_workers(user)}:
        raise NotFound
    return db.session.get_one(StaffMember, key_worker_id)


def _handover(handover_on: date, handover_note: str, now: datetime) -> str:
    """The handover note, checked: needed, not too long, and the handover not in the future."""
    note = handover_note.strip()
    if not note or len(note) > HANDOVER_NOTE_MAX:
        raise ValueError("A handover note is needed, up to 2000 characters")
    if handover_on > now.date():
        raise ValueError("The handover cannot be in the future")
    return note


def record_from_clinical_record(person: ServiceUser, key_worker: StaffMember, *, changed_at: datetime | None,
                                now: datetime | None = None) -> KeyWorkerAssignment:
    """The clinical record names a new key worker: the same history and audit as a handover here,
    with no one in the portal recording it and no handover note, and nothing sent back to the record
    (it already says so). The inbound pull calls this and commits with the rest of the pull."""
    now = now or utcnow()
    handed_over = min(changed_at or now, now)
    return _change_key_worker(person, key_worker, handover_on=handed_over.date(), note="", recorded_by=None,
                              source=AssignmentSource.CLINICAL_RECORD, now=now)


def _change_key_worker(person: ServiceUser, key_worker: StaffMember, *, handover_on: date, note: str,
                       recorded_by: User | None, source: AssignmentSource, now: datetime) -> KeyWorkerAssignment:
    assignment = KeyWorkerAssignment(
        service_user_id=person.id, key_worker_id=key_worker.id, previous_key_worker_id=person.key_worker_id,
        handover_on=handover_on, handover_note=note, recorded_by_id=recorded_by.id if recorded_by else None,
        recorded_at=now, source=source,
    )
    db.session.add(assignment)
    person.key_worker_id = key_worker.id
    db.session.flush()
    if source is AssignmentSource.PORTAL:  # a change from the record must not echo back to it
        outbox.enqueue(person.id, KEY_WORKER_CHANGED, key_worker_message(person, key_worker, now))
        care_team_record.send(person, now)  # the whole care team, with its new key worker
    audit.record(recorded_by.id if recorded_by else None, "key_worker_changed", "service_user", person.id)
    return assignment


def key_worker_message(person: ServiceUser, key_worker: StaffMember, changed_at: datetime) -> dict[str, Any]:
    """The outbox payload for ``key_worker.changed`` (no handover note: that stays in the portal)."""
    return {
        "nhs_number": person.nhs_number,
        "key_worker_name": key_worker.name,
        "key_worker_professional_registration": key_worker.registration,
        "team_name": key_worker.team.name,
        "changed_at": changed_at.isoformat(),
    }


def history(person: ServiceUser) -> list[KeyWorkerAssignment]:
    """Every allocation for this person, newest first."""
    return list(db.session.scalars(
        select(KeyWorkerAssignment).where(KeyWorkerAssignment.service_user_id == person.id)
        .options(joinedload(KeyWorkerAssignment.key_worker), joinedload(KeyWorkerAssignment.previous_key_worker),
                 joinedload(KeyWorkerAssignment.recorded_by).joinedload(User.staff_member))
        .order_by(KeyWorkerAssignment.recorded_at.desc(), KeyWorkerAssignment.id.desc())
    ))


# Handover notes the new key worker has not read yet -----------------------------------------------

# Built once: the staff home page asks on every visit (a statement made afresh has its cache key
# worked out afresh, about as long as running it).
_HANDOVERS_TO_READ = (
    select(KeyWorkerAssignment).join(ServiceUser, ServiceUser.id == KeyWorkerAssignment.service_user_id)
    .where(KeyWorkerAssignment.key_worker_id == bindparam("staff_id"), KeyWorkerAssignment.read_at.is_(None),
           KeyWorkerAssignment.handover_note != "", ServiceUser.key_worker_id == bindparam("staff_id"))
    .options(joinedload(KeyWorkerAssignment.service_user), joinedload(KeyWorkerAssignment.previous_key_worker))
    .order_by(KeyWorkerAssignment.recorded_at, KeyWorkerAssignment.id)
)


def handovers_to_read(user: User) -> list[KeyWorkerAssignment]:
    """Handovers to this member of staff, with a note, for people they are still key worker for,
    that they have not confirmed reading; oldest first."""
    staff = people.staff_member_of(user)
    return list(db.session.scalars(_HANDOVERS_TO_READ, {"staff_id": staff.id}))


def _addressed_to(user: User, assignment_id: int) -> KeyWorkerAssignment:
    """A handover to this member of staff while they are still the person's key worker: NotFound
    for anyone else's, and for a former key worker once the person is handed on (the note and the
    person's name are no longer theirs to see). Team leads see handovers in the key worker history."""
    staff = people.staff_member_of(user)
    assignment = db.session.get(KeyWorkerAssignment, assignment_id)
    if (assignment is None or assignment.key_worker_id != staff.id
            or assignment.service_user.key_worker_id != staff.id):
        raise NotFound
    return assignment


def handover_to_read(user: User, assignment_id: int) -> KeyWorkerAssignment:
    assignment = _addressed_to(user, assignment_id)
    audit.record_now(user.id, "handover_note_viewed", "key_worker_assignment", assignment.id)
    return assignment


def confirm_read(user: User, assignment_id: int, now: datetime | None = None) -> KeyWorkerAssignment:
    """The new key worker confirms they read the handover note; commits."""
    assignment = _addressed_to(user, assignment_id)
    if assignment.read_at is None:
        assignment.read_at = now or utcnow()
        audit.record(user.id, "handover_note_read", "key_worker_assignment", assignment.id)
    db.session.commit()
    return assignment


# The team view -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TeamRow:
    id: int
    display_name: str
    nhs_number: str
    key_worker_id: int | None
    key_worker_name: str
    handover_unread: bool = False  # the key worker has not confirmed reading their handover note


@dataclass(frozen=True)
class TeamPage:
    rows: list[TeamRow]
    matching: int
    without_key_worker: int
    key_workers: list[KeyWorkerChoice]
    search: str
    key_worker: str  # "" (everyone), "none" or a staff id
    page: int
    pages: int

    def args(self, **changes: object) -> dict[str, object]:
        values = {"q": self.search, "key_worker": self.key_worker, "page": self.page, **changes}
        return {key: value for key, value in values.items() if value not in ("", 1)}


def team(user: User, *, search: str = "", key_worker: str = "", page: int = 1) -> TeamPage:
    """Everyone under the team lead's team (not discharged), those with no key worker first; four
    queries. Discharged people are found on the caseload's "Discharged" filter."""
    staff = _team_lead(user)
    choices = key_workers(user)
    if key_worker not in ("", "none") and key_worker not in {str(c.id) for c in choices}:
        key_worker = ""
    conditions = [ServiceUser.team_id == staff.team_id, ServiceUser.discharged_on.is_(None)]
    if search:
        conditions.append(search_condition(search))
    if key_worker == "none":
        conditions.append(ServiceUser.key_worker_id.is_(None))
    elif key_worker:
        conditions.append(ServiceUser.key_worker_id == int(key_worker))
    matching = db.session.scalar(select(func.count()).select_from(ServiceUser).where(*conditions)) or 0
    pages = max(1, math.ceil(matching / PAGE_SIZE))
    page = min(max(page, 1), pages)
    unread = exists().where(
        KeyWorkerAssignment.service_user_id == ServiceUser.id,
        KeyWorkerAssignment.key_worker_id == ServiceUser.key_worker_id,
        KeyWorkerAssignment.read_at.is_(None), KeyWorkerAssignment.handover_note != "",
    )
    rows = db.session.execute(
        select(ServiceUser.id, ServiceUser.given_name, ServiceUser.preferred_name, ServiceUser.family_name,
               ServiceUser.nhs_number, ServiceUser.key_worker_id, StaffMember.name, unread)
        .outerjoin(StaffMember, StaffMember.id == ServiceUser.key_worker_id)
        .where(*conditions)
        .order_by(case((ServiceUser.key_worker_id.is_(None), 0), else_=1), ServiceUser.family_name,
                  ServiceUser.given_name, ServiceUser.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    return TeamPage(
        rows=[TeamRow(id_, f"{preferred or given} {family}", nhs, kw_id, kw_name or "", bool(not_read))
              for id_, given, preferred, family, nhs, kw_id, kw_name, not_read in rows],
        matching=matching,
        without_key_worker=people.count_without_key_worker(user),
        key_workers=choices,
        search=search,
        key_worker=key_worker,
        page=page,
        pages=pages,
    )
