"""The care team around each service user: members of staff besides the named key worker.

The key worker or the person's team lead adds a member of staff (from any team) in a care-team
role, with a reason, and removes them with a reason; nothing is deleted, so the history stays.
Every change is audited against the service user. A current member may open the person's pages
(``people.service_user_for_staff``); what they may change is ``people.may_change``. Peer support
workers and care navigators, who hold no professional registration, can be members, never key
worker (``handover.allocate``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.care_team_roles import OTHER, CareTeamRole
from portal.extensions import db
from portal.models import CareTeamMember, Role, ServiceUser, StaffMember, User
from portal.models.base import utcnow
from portal.services import audit, care_team_record, people, settings
from portal.services.errors import NotAllowed, NotFound

REASON_MAX = 500
MEMBER_ROLES = (Role.KEY_WORKER, Role.TEAM_LEAD)  # staff accounts that can be in a care team


class AlreadyInCareTeam(NotAllowed):
    """The member of staff is already in this person's care team (or is their key worker)."""


def roles() -> dict[str, CareTeamRole]:
    return settings.care_team_roles()


def role_of(member: CareTeamMember) -> CareTeamRole:
    """The member's role; a role the trust has since removed reads as "Other" with its code."""
    known = roles()
    return known.get(member.role) or CareTeamRole(member.role, member.role.replace("_", " ").capitalize(),
                                                  known[OTHER].description)


def may_manage(user: User, person: ServiceUser) -> bool:
    """The key worker and the person's team lead add and remove care team members."""
    return people.is_key_worker_or_team_lead(user, person)


def _manager(user: User, person: ServiceUser) -> None:
    if not may_manage(user, person):
        raise NotAllowed("Only the key worker or team lead changes the care team")


def current_members(person: ServiceUser) -> list[CareTeamMember]:
    return list(db.session.scalars(
        select(CareTeamMember).where(CareTeamMember.service_user_id == person.id, CareTeamMember.removed_at.is_(None))
        .options(joinedload(CareTeamMember.staff_member).joinedload(StaffMember.team))
        .order_by(CareTeamMember.added_at, CareTeamMember.id)))


def former_members(person: ServiceUser) -> list[CareTeamMember]:
    """Members removed, most recently removed first."""
    return list(db.session.scalars(
        select(CareTeamMember).where(CareTeamMember.service_user_id == person.id,
                                     CareTeamMember.removed_at.is_not(None))
        .options(joinedload(CareTeamMember.staff_member), joinedload(CareTeamMember.removed_by)
                 .joinedload(User.staff_member))
        .order_by(CareTeamMember.removed_at.desc(), CareTeamMember.id.desc())))


def membership(user: User, person: ServiceUser) -> CareTeamMember | None:
    """This member of staff's current place in the person's care team, if any."""
    staff = people.staff_member_of(user)
    return db.session.scalar(select(CareTeamMember).where(
        CareTeamMember.service_user_id == person.id, CareTeamMember.staff_member_id == staff.id,
        CareTeamMember.removed_at.is_(None)))


def _may_join(person: ServiceUser, staff_member_id: int) -> bool:
    """Staff with an active account, in any team, who could join the care team: not the key worker
    and not a member already. One row read (the search, services/care_team_search.py, lists them)."""
    current = select(CareTeamMember.staff_member_id).where(CareTeamMember.service_user_id == person.id,
                                                           CareTeamMember.removed_at.is_(None))
    return db.session.scalar(
        select(StaffMember.id).join(User, User.id == StaffMember.user_id)
        .where(StaffMember.id == staff_member_id, User.active.is_(True), User.role.in_(MEMBER_ROLES),
               StaffMember.id.not_in(current), StaffMember.id != (person.key_worker_id or -1))) is not None


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValueError(f"A reason is needed, up to {REASON_MAX} characters")
    return reason


def add_member(user: User, person: ServiceUser, staff_member_id: int, role: str, reason: str,
               now: datetime | None = None) -> CareTeamMember:
    """Put a member of staff in the person's care team; audited; commits."""
    _manager(user, person)
    if role not in roles():
        raise ValueError(f"Unknown care team role {role!r}")
    if not _may_join(person, staff_member_id):
        staff = db.session.get(StaffMember, staff_member_id)
        if staff is not None and (staff.id == person.key_worker_id or membership_of(staff, person)):
            raise AlreadyInCareTeam(staff.name)
        raise NotFound
    member = CareTeamMember(service_user_id=person.id, staff_member_id=staff_member_id, role=role,
                            added_by_id=user.id, added_at=now or utcnow(), reason=_reason(reason))
    db.session.add(member)
    db.session.flush()
    audit.record(user.id, "care_team_member_added", "service_user", person.id)
    care_team_record.send(person, now)
    db.session.commit()
    return member


def membership_of(staff: StaffMember, person: ServiceUser) -> CareTeamMember | None:
    return db.session.scalar(select(CareTeamMember).where(
        CareTeamMember.service_user_id == person.id, CareTeamMember.staff_member_id == staff.id,
        CareTeamMember.removed_at.is_(None)))


def member_to_remove(user: User, person: ServiceUser, member_id: int) -> CareTeamMember:
    """A current member of this person's care team (NotFound for anyone else's or a former one)."""
    _manager(user, person)
    member = db.session.get(CareTeamMember, member_id)
    if member is None or member.service_user_id != person.id or member.removed_at is not None:
        raise NotFound
    return member


def remove_member(user: User, person: ServiceUser, member_id: int, reason: str,
                  now: datetime | None = None) -> CareTeamMember:
    """Take someone out of the care team, keeping the history; audited; commits. From then on they
    cannot open the person's pages (unless they are the key worker or team lead)."""
    member = member_to_remove(user, person, member_id)
    member.removal_reason = _reason(reason)
    member.removed_at, member.removed_by_id = now or utcnow(), user.id
    audit.record(user.id, "care_team_member_removed", "service_user", person.id)
    care_team_record.send(person, now)
    db.session.commit()
    return member


# Built once (as handover's): the staff home page asks on every visit.
_CARE_TEAMS_FOR = (
    select(CareTeamMember).join(ServiceUser, ServiceUser.id == CareTeamMember.service_user_id)
    .where(CareTeamMember.staff_member_id == bindparam("staff_id"), CareTeamMember.removed_at.is_(None),
           ServiceUser.discharged_on.is_(None))
    .options(joinedload(CareTeamMember.service_user))
    .order_by(ServiceUser.family_name, ServiceUser.given_name, ServiceUser.id)
)


def care_teams_for(user: User) -> list[CareTeamMember]:
    """The people whose care team this member of staff is in now (not discharged), by name."""
    return list(db.session.scalars(_CARE_TEAMS_FOR, {"staff_id": people.staff_member_of(user).id}))


def roles_of(person: ServiceUser) -> dict[int, str]:
    """Each member of staff ever in the person's care team, by staff id, with their latest role code."""
    rows = db.session.execute(
        select(CareTeamMember.staff_member_id, CareTeamMember.role).where(CareTeamMember.service_user_id == person.id)
        .order_by(CareTeamMember.added_at, CareTeamMember.id))
    return {staff_id: role for staff_id, role in rows}
