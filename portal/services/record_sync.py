"""Inbound sync (the record to the portal) and the services the sync pages use.

``pull_for_user(user)`` is what sign-in calls: it never raises, and gives up at the first sign
that the record is down, so signing in never waits long. ``pull_due()`` is the scheduled pull.
Demographics: the record is the source of truth, so its non-empty values replace the portal's.
Carers: a three-way merge (``carers.merge``); a detail changed on both sides becomes a
``CarerDetailConflict`` for the key worker, and neither value is overwritten until they choose.
Key worker, team and pathway (``_pull_allocation``): a new key worker named in the record is a
handover recorded from the record (``handover.record_from_clinical_record``: same history and
audit, nothing sent back), unless the portal's own change is newer or still on its way out.
A practitioner, team or pathway the portal does not know changes nothing: it becomes a
``RecordSyncProblem`` the team lead sees on their team page; so does a key worker whose registration
in the portal is not a professional registration (portal/registrations.py). The portal never creates staff
accounts from the record.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import (
    CarePathway,
    Carer,
    CarerDetailConflict,
    CarerLink,
    CarerRecordLink,
    ConflictStatus,
    KeyWorkerAssignment,
    OutboxMessage,
    OutboxStatus,
    PatientRecordSync,
    RecordSyncProblem,
    Role,
    ServiceUser,
    StaffMember,
    Team,
    User,
)
from portal.models.base import utcnow
from portal.record import carers, contract, record_from_config
from portal.record.port import CareAllocation, ClinicalRecord, PractitionerDetails, RecordError, RelatedPersonDetails
from portal.record.worker import record_conflict, retry_dead_letter
from portal.registrations import may_be_key_worker
from portal.services import audit, care_team_record, discharge, handover, outbox, people, settings
from portal.services.errors import NotAllowed, NotFound

log = logging.getLogger(__name__)
DEMOGRAPHICS = ("given_name", "family_name", "phone", "email", "address", "postcode", "gender", "ethnic_category")


@dataclass
class PullResult:
    demographics_changed: list[str] = field(default_factory=list)
    carers_added: int = 0
    carer_details_changed: int = 0
    conflicts: int = 0
    key_worker_changed: bool = False
    team_changed: bool = False
    pathway_changed: bool = False
    discharge_changed: bool = False
    problems: list[str] = field(default_factory=list)  # codes of RecordSyncProblems open after this pull


def pull_patient(record: ClinicalRecord, person: ServiceUser) -> PullResult:
    """Bring the record's demographics, key worker, team, pathway and carers into the portal for one
    service user; commits."""
    result = PullResult()
    details = record.find_patient(person.nhs_number)
    allocation = record.care_allocation(person.nhs_number) if details is not None else None
    related = record.related_persons(person.nhs_number) if details is not None else []
    state = db.session.get(PatientRecordSync, person.id) or PatientRecordSync(service_user_id=person.id)
    db.session.add(state)
    if details is not None:
        for name in DEMOGRAPHICS:
            value = getattr(details, name)
            if value and value != getattr(person, name):
                setattr(person, name, value)
                result.demographics_changed.append(name)
        state.version = details.version
        if result.demographics_changed:
            audit.record(None, "demographics_updated_from_record", "service_user", person.id)
    if allocation is not None:
        _pull_allocation(person, allocation, result)
    for details_of_carer in related:
        _pull_carer(person, details_of_carer, result)
    state.pulled_at, state.last_error = utcnow(), ""
    db.session.commit()
    return result


# Key worker, team and pathway ----------------------------------------------------------------

UNKNOWN_KEY_WORKER = "unknown_key_worker"
KEY_WORKER_NOT_REGISTERED = "key_worker_not_registered"
UNKNOWN_TEAM = "unknown_team"
UNKNOWN_PATHWAY = "unknown_pathway"
_REGULATOR = re.compile(r"^(NMC|GMC|HCPC|SWE|GPHC|SOCIAL WORK ENGLAND)\b[\s:#-]*")


def registration_key(value: str) -> str:
    """A professional registration as compared: upper case, no regulator name in front, letters and
    digits only ("NMC 12A3456E", "12a 3456e" and "12A3456E" are the same). HCPC numbers keep their
    profession letters ("OT12345")."""
    return re.sub(r"[^0-9A-Z]", "", _REGULATOR.sub("", value.strip().upper()))


def staff_for_practitioner(practitioner: PractitionerDetails) -> StaffMember | None:
    """The one member of staff who can hold a caseload and whose registration is one the record holds
    for this practitioner; None if there is none, or more than one (never guess between two)."""
    keys = {registration_key(value) for value in practitioner.identifiers} - {""}
    if not keys:
        return None
    rows = db.session.execute(
        select(StaffMember.id, StaffMember.registration).join(User, User.id == StaffMember.user_id)
        .where(StaffMember.registration != "", User.active.is_(True), User.role.in_(handover.CASELOAD_ROLES)))
    found = {staff_id for staff_id, registration in rows if registration_key(registration) in keys}
    return db.session.get(StaffMember, found.pop()) if len(found) == 1 else None


def _pull_allocation(person: ServiceUser, allocation: CareAllocation, result: PullResult) -> None:
    problems: dict[str, str] = {}
    if allocation.team_name:
        team = db.session.scalar(select(Team).where(func.lower(Team.name) == allocation.team_name.lower()))
        if team is None:
            problems[UNKNOWN_TEAM] = allocation.team_name
        elif team.id != person.team_id:
            person.team_id = team.id
            result.team_changed = True
            audit.record(None, "team_updated_from_record", "service_user", person.id)
    if allocation.pathway_name:
        pathway = db.session.scalar(
            select(CarePathway).where(func.lower(CarePathway.name) == allocation.pathway_name.lower()))
        if pathway is None:
            problems[UNKNOWN_PATHWAY] = allocation.pathway_name
        elif pathway.id != person.care_pathway_id:
            person.care_pathway_id = pathway.id
            result.pathway_changed = True
            audit.record(None, "pathway_updated_from_record", "service_user", person.id)
    if allocation.key_worker is not None and not _portal_change_is_newer(person, allocation):
        current = person.key_worker
        keys = {registration_key(value) for value in allocation.key_worker.identifiers}
        if current is None or registration_key(current.registration) not in keys:
            staff = staff_for_practitioner(allocation.key_worker)
            if staff is None:
                # Leave the key worker as they are: the person keeps a named contact, and the team lead,
                # who sees the problem, allocates in the portal or asks for the staff account.
                problems[UNKNOWN_KEY_WORKER] = _practitioner_text(allocation.key_worker)
            elif not may_be_key_worker(staff.registration):
                # Key workers hold a professional registration: the key worker stays as they are (or
                # none), and the team lead sees why.
                problems[KEY_WORKER_NOT_REGISTERED] = staff.name
            elif staff.id != person.key_worker_id:
                handover.record_from_clinical_record(person, staff, changed_at=allocation.key_worker_since)
                result.key_worker_changed = True
    problems.update(care_team_record.pull(person, allocation.care_team))
    if allocation.under_care is not None:
        result.discharge_changed = discharge.from_clinical_record(
            person, None if allocation.under_care else allocation.discharged_on or utcnow().date())
    _keep_problems(person, problems)
    result.problems = sorted(problems)


def _portal_change_is_newer(person: ServiceUser, allocation: CareAllocation) -> bool:
    """A key worker change made in the portal that the record has not got yet, or made after the
    record's: the record is behind, and the outbox will bring it up to date."""
    on_its_way = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.ordering_key == outbox.ordering_key(person.id),
        OutboxMessage.kind == handover.KEY_WORKER_CHANGED, OutboxMessage.status == OutboxStatus.PENDING))
    if on_its_way:
        return True
    since = allocation.key_worker_since
    last = db.session.scalar(select(func.max(KeyWorkerAssignment.recorded_at))
                             .where(KeyWorkerAssignment.service_user_id == person.id))
    return since is not None and last is not None and last > since


def _practitioner_text(practitioner: PractitionerDetails) -> str:
    registrations = ", ".join(practitioner.identifiers) or "no registration"
    return f"{practitioner.name or 'No name'} ({registrations})"[:200]


def _keep_problems(person: ServiceUser, found: dict[str, str]) -> None:
    """Open a problem for each new finding; resolve those this pull no longer finds."""
    now = utcnow()
    for problem in open_problems(person):
        if found.get(problem.code) == problem.detail:
            del found[problem.code]
        else:
            problem.resolved_at = now
    for code, detail in found.items():
        db.session.add(RecordSyncProblem(service_user_id=person.id, code=code, detail=detail[:200], detected_at=now))


def open_problems(person: ServiceUser) -> list[RecordSyncProblem]:
    return list(db.session.scalars(select(RecordSyncProblem).where(
        RecordSyncProblem.service_user_id == person.id, RecordSyncProblem.resolved_at.is_(None))
        .order_by(RecordSyncProblem.id)))


def problems_for_team(user: User) -> list[tuple[RecordSyncProblem, ServiceUser]]:
    """Open problems for service users in this team lead's team, oldest first (empty for anyone else)."""
    if user.role is not Role.TEAM_LEAD:
        return []
    staff = people.staff_member_of(user)
    return [(problem, person) for problem, person in db.session.execute(
        select(RecordSyncProblem, ServiceUser).join(ServiceUser, ServiceUser.id == RecordSyncProblem.service_user_id)
        .where(ServiceUser.team_id == staff.team_id, RecordSyncProblem.resolved_at.is_(None))
        .order_by(RecordSyncProblem.detected_at, RecordSyncProblem.id))]


def _pull_carer(person: ServiceUser, found: RelatedPersonDetails, result: PullResult) -> None:
    link = db.session.scalar(select(CarerRecordLink).where(
        CarerRecordLink.service_user_id == person.id,
        or_(CarerRecordLink.resource_id == found.resource_id, CarerRecordLink.carer_id == (found.carer_id or -1)),
    ))
    carer_id = link.carer_id if link else found.carer_id
    carer_link = db.session.scalar(select(CarerLink).where(
        CarerLink.service_user_id == person.id, CarerLink.carer_id == (carer_id or -1)))
    if carer_link is None:
        _add_carer_from_record(person, found, link)
        result.carers_added += 1
        return
    if link is None:
        link = CarerRecordLink(carer_id=carer_link.carer_id, service_user_id=person.id, snapshot={})
        db.session.add(link)
    mine = carers.portal_values(carer_link.carer, carer_link)
    theirs = {name: found.values.get(name, "") for name in mine}
    base = dict(link.snapshot or {})
    merged = carers.merge(base, mine, theirs)
    for name, value in merged.to_portal.items():
        carers.set_portal_value(carer_link.carer, carer_link, name, value)
    if merged.to_portal:
        result.carer_details_changed += 1
        audit.record(None, "carer_updated_from_record", "carer", carer_link.carer_id)
    for name, (portal_value, record_value) in merged.conflicts.items():
        record_conflict(person.id, carer_link.carer_id, name, portal_value, record_value)
        result.conflicts += 1
    snapshot = {**base, **merged.snapshot}
    for name in merged.to_record:  # the portal's change is on its way out through the outbox
        if name in base:
            snapshot[name] = base[name]
        else:
            snapshot.pop(name, None)
    link.snapshot, link.resource_id, link.version, link.synced_at = snapshot, found.resource_id, found.version, utcnow()


def _add_carer_from_record(person: ServiceUser, found: RelatedPersonDetails, link: CarerRecordLink | None) -> None:
    """A carer the record knows and the portal does not: add them (Triangle of Care: identify carers)."""
    carer = Carer(name=found.values.get("name") or "Carer named in the record")
    db.session.add(carer)
    db.session.flush()
    carer_link = CarerLink(carer_id=carer.id, service_user_id=person.id,
                           relationship_type=(found.values.get("relationship") or "Carer")[:40])
    db.session.add(carer_link)
    for name, value in found.values.items():
        if name in carers.synced_fields(carer, carer_link) and value:
            carers.set_portal_value(carer, carer_link, name, value)
    if link is None:
        link = CarerRecordLink(service_user_id=person.id, carer_id=carer.id)
        db.session.add(link)
    link.carer_id, link.resource_id, link.version = carer.id, found.resource_id, found.version
    link.snapshot = carers.portal_values(carer, carer_link)
    audit.record(None, "carer_added_from_record", "carer", carer.id)


# At sign-in the pull may take this long in all, and each request to the record at most this long.
SIGN_IN_SECONDS = 2.0


def _record(timeout: float | None = None) -> ClinicalRecord:
    config: dict[str, Any] = dict(current_app.config)
    if timeout is not None:
        for name in ("FHIR_TIMEOUT_SECONDS", "FHIR_CONNECT_TIMEOUT_SECONDS"):
            config[name] = min(float(config.get(name, timeout)), timeout)
    return record_from_config(config)


def pull_for_user(user: User, limit: int = 25) -> int:
    """On sign-in: pull the service user's own record, or a member of staff's caseload (those not
    pulled recently, ``limit`` at most). Returns how many were pulled.

    Never raises, and never keeps a sign-in waiting long: every request gets at most
    ``SYNC_SIGN_IN_SECONDS`` (default 2), no new pull starts after that time, and the first failure
    stops it (the scheduled pull catches up). Call it after the sign-in's own transaction is
    committed: a failed pull rolls back the session."""
    try:
        if settings.record_is_local():
            return 0
        if user.role is Role.SERVICE_USER and user.service_user is not None:
            people_to_pull = [user.service_user]
        elif user.role in (Role.KEY_WORKER, Role.TEAM_LEAD):
            people_to_pull = _not_pulled_recently(people.caseload(user), limit)
        else:
            return 0
        seconds = float(current_app.config.get("SYNC_SIGN_IN_SECONDS", SIGN_IN_SECONDS))
        return _pull_many(people_to_pull, timeout=seconds, stop_at=time.monotonic() + seconds)
    except Exception:  # a misconfigured record, say: sign-in goes on, the log says why
        db.session.rollback()
        log.exception("pulling from the record at sign-in failed")
        return 0


def pull_due(limit: int = 200) -> int:
    """The scheduled pull: service users not pulled within SYNC_PULL_EVERY_MINUTES, oldest first."""
    if settings.record_is_local():
        return 0
    cutoff = utcnow() - timedelta(minutes=int(current_app.config["SYNC_PULL_EVERY_MINUTES"]))
    query = (
        select(ServiceUser).outerjoin(PatientRecordSync, PatientRecordSync.service_user_id == ServiceUser.id)
        .where(or_(PatientRecordSync.pulled_at.is_(None), PatientRecordSync.pulled_at < cutoff))
        .order_by(PatientRecordSync.pulled_at.is_not(None), PatientRecordSync.pulled_at, ServiceUser.id).limit(limit)
    )
    return _pull_many(list(db.session.scalars(query)))


def _not_pulled_recently(caseload: list[ServiceUser], limit: int) -> list[ServiceUser]:
    cutoff = utcnow() - timedelta(minutes=int(current_app.config["SYNC_PULL_EVERY_MINUTES"]))
    pulled = {s.service_user_id: s.pulled_at for s in db.session.scalars(
        select(PatientRecordSync).where(PatientRecordSync.service_user_id.in_([p.id for p in caseload])))}
    due = [p for p in caseload if pulled.get(p.id) is None or pulled[p.id] < cutoff]  # type: ignore[operator]
    return due[:limit]


def _pull_many(to_pull: list[ServiceUser], timeout: float | None = None, stop_at: float | None = None) -> int:
    if not to_pull:
        return 0
    record = _record(timeout)
    pulled = 0
    try:
        for person in to_pull:
            if stop_at is not None and time.monotonic() >= stop_at:
                break  # out of time: the rest wait for the scheduled pull
            try:
                pull_patient(record, person)
                pulled += 1
            except RecordError as error:
                db.session.rollback()
                _note_pull_error(person.id, str(error))
                break  # the record is struggling: try again later, do not make anyone wait
            except Exception:  # never let a sync problem stop a sign-in or the worker
                db.session.rollback()
                log.exception("pulling the record for service user %s failed", person.id)
                _note_pull_error(person.id, "portal error")
                break
    finally:
        record.close()
    return pulled


def _note_pull_error(service_user_id: int, error: str) -> None:
    state = db.session.get(PatientRecordSync, service_user_id) or PatientRecordSync(service_user_id=service_user_id)
    state.last_error = error[:200]
    db.session.add(state)
    db.session.commit()


# Conflicts, for the key worker ---------------------------------------------------------------

def open_conflicts(person: ServiceUser) -> list[CarerDetailConflict]:
    return list(db.session.scalars(
        select(CarerDetailConflict).where(CarerDetailConflict.service_user_id == person.id,
                                          CarerDetailConflict.status == ConflictStatus.OPEN)
        .order_by(CarerDetailConflict.id)
    ))


def conflict_for_staff(user: User, service_user_id: int, conflict_id: int) -> tuple[ServiceUser, CarerDetailConflict,
                                                                                      CarerLink]:
    """The conflict, only if the service user is on this member of staff's caseload or team (else NotFound)."""
    person = people.service_user_for_staff(user, service_user_id, audit_view=False)
    conflict = db.session.get(CarerDetailConflict, conflict_id)
    if conflict is None or conflict.service_user_id != person.id:
        raise NotFound
    link = people.carer_link_for_staff(user, person.id, conflict.carer_id)
    return person, conflict, link


def current_portal_value(conflict: CarerDetailConflict, link: CarerLink) -> str:
    return carers.portal_values(link.carer, link).get(conflict.field, conflict.portal_value)


def resolve_conflict(user: User, person: ServiceUser, conflict: CarerDetailConflict, link: CarerLink,
                     choice: str) -> None:
    """Keep the record's value (copy it into the portal) or the portal's (send it to the record)."""
    if conflict.status is not ConflictStatus.OPEN:
        raise NotAllowed("This conflict has been resolved already")
    if choice not in ("portal", "record"):
        raise NotAllowed("Choose the portal's value or the record's")
    record_link = db.session.scalar(select(CarerRecordLink).where(
        CarerRecordLink.carer_id == conflict.carer_id, CarerRecordLink.service_user_id == person.id))
    if record_link is None:
        record_link = CarerRecordLink(carer_id=conflict.carer_id, service_user_id=person.id, snapshot={})
        db.session.add(record_link)
    # Both sides now agree the record's value was the last synced one: keeping the portal's value
    # then reads as a portal change, which the outbox merges into the record.
    record_link.snapshot = {**(record_link.snapshot or {}), conflict.field: conflict.record_value}
    if choice == "record":
        carers.set_portal_value(link.carer, link, conflict.field, conflict.record_value)
    else:
        outbox.enqueue(person.id, contract.RELATED_PERSON_UPDATED, related_person_payload(person, link))
    conflict.status, conflict.chosen = ConflictStatus.RESOLVED, choice
    conflict.resolved_by_id, conflict.resolved_at = user.id, utcnow()
    audit.record(user.id, "carer_conflict_resolved", "carer", conflict.carer_id)
    db.session.commit()


def related_person_payload(person: ServiceUser, link: CarerLink) -> dict[str, Any]:
    """The ``related_person.updated`` payload for a carer as the portal holds them now."""
    carer = link.carer
    payload: dict[str, Any] = {"carer_id": carer.id, "nhs_number": person.nhs_number}
    payload.update(carers.portal_values(carer, link))
    for name in ("preferred_contact", "interpreter_needed", "young_carer"):
        if hasattr(carer, name):
            value = getattr(carer, name)
            payload[name] = value.value if hasattr(value, "value") else value
    confirmed = getattr(carer, "details_confirmed_on", None)
    payload["confirmed_on"] = confirmed.isoformat() if confirmed else None
    return payload


# Health, for the admin page -----------------------------------------------------------------

@dataclass(frozen=True)
class SyncHealth:
    adapter: str
    waiting: int
    due_now: int
    oldest_waiting_at: datetime | None
    failing: int
    dead: int
    last_delivered_at: datetime | None
    open_conflicts: int


def sync_health(now: datetime | None = None) -> SyncHealth:
    now = now or utcnow()
    pending = OutboxMessage.status == OutboxStatus.PENDING

    def count(*conditions: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*conditions)) or 0

    return SyncHealth(
        adapter=current_app.config["RECORD_ADAPTER"],
        waiting=count(pending),
        due_now=count(pending, OutboxMessage.next_attempt_at <= now),
        oldest_waiting_at=db.session.scalar(select(func.min(OutboxMessage.created_at)).where(pending)),
        failing=count(pending, OutboxMessage.last_error != ""),
        dead=count(OutboxMessage.status == OutboxStatus.DEAD),
        last_delivered_at=db.session.scalar(select(func.max(OutboxMessage.delivered_at))),
        open_conflicts=db.session.scalar(select(func.count()).select_from(CarerDetailConflict)
                                         .where(CarerDetailConflict.status == ConflictStatus.OPEN)) or 0,
    )


def dead_letters(limit: int = 100) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)
                                   .order_by(OutboxMessage.id).limit(limit)))


def failing_messages(limit: int = 20) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.last_error != "")
        .order_by(OutboxMessage.id).limit(limit)))


def retry(user: User, message_id: int) -> None:
    """An admin puts a dead letter back in the queue."""
    if not retry_dead_letter(message_id):
        raise NotFound
    audit.record(user.id, "outbox_message_retried", "outbox_message", message_id)
    db.session.commit()
