"""The care team to and from the clinical record (issue 15).

Out: ``send(person)`` puts the whole care team as it is now (the key worker, then each current member
with their role) in the outbox as ``care_team.changed``; the record keeps one CareTeam per person and
the newest message wins (``portal/record/care_team_resource.py``). The caller commits.

In: ``pull(person, members)`` brings the record's care team members into the portal: someone the
portal knows (by professional registration, or the portal's own staff identifier) who is not a member
yet is added in the role the record gives (audited, no one in the portal recording it); a current
member the record no longer names is removed. A practitioner the portal does not know changes
nothing: it is a ``care_team_member_unknown`` problem the team lead sees. Nothing is pulled while
a change made in the portal is still on its way to the record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    CareTeamMember,
    KeyWorkerAssignment,
    OutboxMessage,
    OutboxStatus,
    ServiceUser,
    StaffMember,
)
from portal.models.base import utcnow
from portal.record import contract
from portal.record.care_team_resource import KEY_WORKER_ROLE, staff_member_id_of
from portal.record.port import CareTeamParticipantDetails
from portal.services import audit, care_team, outbox

CARE_TEAM_MEMBER_UNKNOWN = "care_team_member_unknown"
FROM_RECORD = "Named in the clinical record's care team"
NOT_IN_RECORD = "No longer in the clinical record's care team"


def message(person: ServiceUser, now: datetime) -> contract.CareTeamChanged:
    participants: list[contract.CareTeamParticipant] = []
    if person.key_worker is not None:
        participants.append({
            "staff_member_id": person.key_worker.id, "name": person.key_worker.name,
            "professional_registration": person.key_worker.registration, "role": KEY_WORKER_ROLE,
            "role_name": "Key worker", "since": (_key_worker_since(person) or now).isoformat()})
    for member in care_team.current_members(person):
        participants.append({
            "staff_member_id": member.staff_member.id, "name": member.staff_member.name,
            "professional_registration": member.staff_member.registration, "role": member.role,
            "role_name": _english(care_team.role_of(member).name), "since": _aware(member.added_at).isoformat()})
    team_name = person.team.name if person.team is not None else ""
    return {"nhs_number": person.nhs_number, "changed_at": now.isoformat(), "team_name": team_name,
            "participants": participants}


def _english(name: Any) -> str:
    """A role's name as the record holds it: in English, whatever the reader's language (a built-in
    role's name is a lazy translation; a trust's own role is plain text)."""
    with force_locale("en"):
        return str(name)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _key_worker_since(person: ServiceUser) -> datetime | None:
    last = db.session.scalar(select(func.max(KeyWorkerAssignment.recorded_at)).where(
        KeyWorkerAssignment.service_user_id == person.id, KeyWorkerAssignment.key_worker_id == person.key_worker_id))
    return _aware(last) if last is not None else None


def send(person: ServiceUser, now: datetime | None = None) -> OutboxMessage:
    """Queue the care team as it is now for the record (the caller commits)."""
    db.session.flush()
    payload: Any = message(person, _aware(now or utcnow()))
    return outbox.enqueue(person.id, contract.CARE_TEAM_CHANGED, payload)


def _on_its_way(person: ServiceUser) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.ordering_key == outbox.ordering_key(person.id),
        OutboxMessage.kind == contract.CARE_TEAM_CHANGED, OutboxMessage.status == OutboxStatus.PENDING)))


def staff_for(details: CareTeamParticipantDetails) -> StaffMember | None:
    """The one member of staff with an active account this participant names: by the portal's own
    staff identifier, else by professional registration (never a guess between two)."""
    from portal.services.record_sync import staff_for_practitioner  # record_sync imports this module
    for value in details.practitioner.identifiers:
        staff_id = staff_member_id_of(value)
        if staff_id is not None:
            staff = db.session.get(StaffMember, staff_id)
            return staff if staff is not None and staff.user is not None and staff.user.active else None
    return staff_for_practitioner(details.practitioner)  # the same match as the key worker's


def _role_code(details: CareTeamParticipantDetails) -> str:
    roles = care_team.roles()
    if details.role_code in roles:
        return details.role_code
    words = details.role_text.strip().lower()
    by_name = {str(role.name).lower(): code for code, role in roles.items()}
    return by_name.get(words, "other")


def pull(person: ServiceUser, members: tuple[CareTeamParticipantDetails, ...] | None) -> dict[str, str]:
    """Bring the record's care team into the portal (the caller commits); the problems found, by code."""
    if members is None or _on_its_way(person):
        return {}
    unknown: list[str] = []
    named: set[int] = set()
    current = {member.staff_member_id: member for member in care_team.current_members(person)}
    for details in members:
        staff = staff_for(details)
        if staff is None:
            registrations = ", ".join(details.practitioner.identifiers) or "no registration"
            unknown.append(f"{details.practitioner.name or 'No name'} ({registrations})")
            continue
        named.add(staff.id)
        if staff.id in current or staff.id == person.key_worker_id:
            continue
        db.session.add(CareTeamMember(service_user_id=person.id, staff_member_id=staff.id, role=_role_code(details),
                                      added_by_id=None, added_at=utcnow(), reason=FROM_RECORD))
        audit.record(None, "care_team_member_added_from_record", "service_user", person.id)
    for staff_id, member in current.items():
        if staff_id not in named:
            member.removed_at, member.removed_by_id, member.removal_reason = utcnow(), None, NOT_IN_RECORD
            audit.record(None, "care_team_member_removed_from_record", "service_user", person.id)
    return {CARE_TEAM_MEMBER_UNKNOWN: "; ".join(sorted(unknown))[:200]} if unknown else {}
