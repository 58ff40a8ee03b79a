"""Staff records: each member of staff's profession and professional registration, and finding
staff by name or registration at a trust's scale.

An administrator sets anyone's profession and registration; a team lead sets those of staff in
their own team. The registration is checked against its regulator's format
(``portal/registrations.py``) and stored written the one way (``NMC 12A3456E``); left empty, the
person cannot be made a key worker (``handover.allocate``) and the team view and caseload analysis
say so. Every change is audited against the staff record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select

from portal.extensions import db
from portal.models import Role, StaffMember, Team, User
from portal.registrations import parse
from portal.services import audit, people
from portal.services.errors import NotFound

PROFESSION_MAX = 80
SEARCH_SHOWN = 20
STAFF_ROLES = (Role.KEY_WORKER, Role.TEAM_LEAD)  # accounts that are members of staff


class NotARegistration(ValueError):
    """The registration typed is in no regulator's format."""


def staff_to_change(user: User, staff_member_id: int) -> StaffMember:
    """The member of staff whose profession and registration this person may set: anyone's for an
    administrator; for a team lead, anyone in their own team. NotFound otherwise."""
    staff = db.session.get(StaffMember, staff_member_id)
    if staff is None:
        raise NotFound
    if user.role is Role.ADMIN:
        return staff
    if user.role is Role.TEAM_LEAD and staff.team_id == people.staff_member_of(user).team_id:
        return staff
    raise NotFound


def normalised_registration(text: str) -> str:
    """The registration written the one way, or "" for none. ``NotARegistration`` when it is in
    no regulator's format."""
    if not text.strip():
        return ""
    registration = parse(text)
    if registration is None:
        raise NotARegistration(text)
    return str(registration)


def set_registration(user: User, staff_member_id: int, profession: str, registration: str) -> StaffMember:
    """Set a member of staff's profession and registration; audited when anything changed; commits."""
    staff = staff_to_change(user, staff_member_id)
    profession = " ".join(profession.split())
    if not profession or len(profession) > PROFESSION_MAX:
        raise ValueError(f"A profession is needed, up to {PROFESSION_MAX} characters")
    written = normalised_registration(registration)
    if (staff.profession, staff.registration) != (profession, written):
        staff.profession, staff.registration = profession, written
        audit.record(user.id, "staff_registration_changed", "staff_member", staff.id)
    db.session.commit()
    return staff


# Finding staff -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffFound:
    id: int
    name: str
    profession: str
    registration: str
    team_name: str
    active: bool = True

    @property
    def registered(self) -> bool:
        return parse(self.registration) is not None


@dataclass(frozen=True)
class StaffSearch:
    search: str
    found: list[StaffFound]
    more: bool  # more matched than are shown: type more of the name or registration


def search_condition(search: str) -> ColumnElement[bool]:
    """Every word in the name, or the registration (spaces and case ignored; with or without the
    regulator in front)."""
    by_name = and_(*(func.lower(StaffMember.name).contains(word, autoescape=True)
                     for word in search.casefold().split()))
    registration = parse(search)
    number = registration.number if registration else "".join(search.upper().split())
    in_registration = func.upper(func.replace(StaffMember.registration, " ", "")).contains(number, autoescape=True)
    return or_(by_name, in_registration)


def find_staff(search: str, *, exclude: ColumnElement[bool] | None = None, active_only: bool = False,
               first_team_id: int | None = None, limit: int = SEARCH_SHOWN) -> StaffSearch:
    """Members of staff (with a staff account) whose name or registration matches ``search``: at most
    ``limit``, those in ``first_team_id`` first, then by name; and whether more matched. One query."""
    search = " ".join(search.split())[:100]
    if not search:
        return StaffSearch("", [], False)
    conditions = [User.role.in_(STAFF_ROLES), search_condition(search)]
    if active_only:
        conditions.append(User.active.is_(True))
    if exclude is not None:
        conditions.append(~exclude)
    order = [StaffMember.team_id != first_team_id] if first_team_id is not None else []
    rows = db.session.execute(
        select(StaffMember.id, StaffMember.name, StaffMember.profession, StaffMember.registration, Team.name,
               User.active)
        .join(User, User.id == StaffMember.user_id).join(Team, Team.id == StaffMember.team_id)
        .where(*conditions)
        .order_by(*order, StaffMember.name, StaffMember.id).limit(limit + 1)
    ).all()
    found = [StaffFound(id_, name, profession, registration, team, bool(active))
             for id_, name, profession, registration, team, active in rows[:limit]]
    return StaffSearch(search, found, len(rows) > limit)
