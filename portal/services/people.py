"""Loading people, scoped to what the person asking may see.

Every loader takes the signed-in user and answers NotFound for a record they may not see,
so changing an id in a URL never shows someone else's data.

Staff see a person when they are their key worker, lead their team, or are a current member of
their care team (any team; ``CareTeamMember``). The caseload (``staff_scope``) is only the first
two: care teams someone is in are listed apart (``services/care_team.py``). What a care team
member may change is ``may_change``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Executable, ScalarSelect, Select, bindparam, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from portal.extensions import db
from portal.models import Carer, CarerLink, CareTeamMember, Role, ServiceUser, StaffMember, User
from portal.registrations import is_valid as has_registration
from portal.services import audit, settings
from portal.services.errors import NotFound


def staff_member_of(user: User) -> StaffMember:
    if user.staff_member is None or user.role not in (Role.KEY_WORKER, Role.TEAM_LEAD):
        raise NotFound
    return user.staff_member


def _scope(user: User) -> tuple[InstrumentedAttribute[Any], int]:
    """Key workers see their own caseload; team leads see their whole team. The one rule."""
    staff = staff_member_of(user)
    if user.role is Role.TEAM_LEAD:
        return ServiceUser.team_id, staff.team_id
    return ServiceUser.key_worker_id, staff.id


def staff_scope(user: User) -> ColumnElement[bool]:
    column, value = _scope(user)
    return column == value


def scope_key(user: User) -> tuple[str, int]:
    """Who ``staff_scope`` lets this member of staff see, as a key: the same key, the same people."""
    column, value = _scope(user)
    return column.key, value


S = TypeVar("S", bound=Executable)


class ByScope(Generic[S]):
    """A statement about the people a member of staff may see, built once for each kind of scope
    (``staff_scope``'s column) with the scope's value as the bound parameter ``scope``. Pages that
    every member of staff opens ask these on every visit; a statement made afresh has its cache
    key worked out afresh, which took about as long as running it."""

    def __init__(self, build: Callable[[ColumnElement[bool]], S]) -> None:
        self._statements = {column.key: build(column == bindparam("scope"))
                            for column in (ServiceUser.team_id, ServiceUser.key_worker_id)}

    def for_user(self, user: User) -> tuple[S, dict[str, int]]:
        """The statement for this member of staff, and the parameters to run it with."""
        column, value = _scope(user)
        return self._statements[column.key], {"scope": value}


def _visible_to_staff(user: User) -> Select[ServiceUser]:
    return select(ServiceUser).where(staff_scope(user))


def visible_service_user_ids(user: User) -> ScalarSelect[int]:
    """The ids of everyone this member of staff may see, to scope a query on another table."""
    return _visible_to_staff(user).with_only_columns(ServiceUser.id).scalar_subquery()


def caseload(user: User) -> list[ServiceUser]:
    """Everyone this member of staff may see; those with no key worker first."""
    query = (
        _visible_to_staff(user)
        .options(joinedload(ServiceUser.key_worker))
        .order_by(case((ServiceUser.key_worker_id.is_(None), 0), else_=1), ServiceUser.family_name,
                  ServiceUser.given_name)
    )
    return list(db.session.scalars(query))


_COUNT_WITHOUT_KEY_WORKER = select(func.count()).select_from(ServiceUser).where(
    ServiceUser.team_id == bindparam("team_id"), ServiceUser.key_worker_id.is_(None),
    ServiceUser.discharged_on.is_(None))


def count_without_key_worker(user: User) -> int:
    return db.session.scalar(_COUNT_WITHOUT_KEY_WORKER, {"team_id": staff_member_of(user).team_id}) or 0


_IN_CARE_TEAM = select(CareTeamMember.id).where(
    CareTeamMember.staff_member_id == bindparam("staff_id"), CareTeamMember.service_user_id == bindparam("person_id"),
    CareTeamMember.removed_at.is_(None)).limit(1)


def _in_care_team(staff: StaffMember, service_user_id: int) -> bool:
    return db.session.scalar(_IN_CARE_TEAM, {"staff_id": staff.id, "person_id": service_user_id}) is not None


def service_user_for_staff(user: User, service_user_id: int, *, audit_view: bool = True) -> ServiceUser:
    """The person, if this member of staff is their key worker, leads their team or is in their care
    team now; NotFound otherwise (a removed care team member too)."""
    staff = staff_member_of(user)
    # By primary key, so a page that checks first (staff/care_team_access.py) and then loads the
    # person asks the database once; the care team, only for someone outside the caseload.
    person = db.session.get(ServiceUser, service_user_id)
    column, value = _scope(user)
    if person is not None and getattr(person, column.key) != value and not _in_care_team(staff, person.id):
        person = None
    if person is None:
        raise NotFound
    if audit_view:
        audit.record_now(user.id, "service_user_viewed", "service_user", person.id)
    return person


def is_key_worker_or_team_lead(user: User, person: ServiceUser) -> bool:
    """The person is on this member of staff's caseload: their key worker, or their team's lead."""
    staff = staff_member_of(user)
    if user.role is Role.TEAM_LEAD and person.team_id == staff.team_id:
        return True
    return person.key_worker_id == staff.id


def may_change(user: User, person: ServiceUser) -> bool:
    """Whether this member of staff, who may see the person, may change their goals, care plan,
    safety plan, questionnaires and sessions: their key worker and team lead may; a care team member
    may when they hold a professional registration and the trust lets registered members co-write
    (``CARE_TEAM_REGISTERED_MAY_CHANGE``, on by default); everyone else in the care team reads."""
    if is_key_worker_or_team_lead(user, person):
        return True
    staff = staff_member_of(user)
    return settings.care_team_registered_may_change() and has_registration(staff.registration)


def own_service_user(user: User) -> ServiceUser:
    if user.role is not Role.SERVICE_USER or user.service_user is None:
        raise NotFound
    return user.service_user


def own_carer(user: User) -> Carer:
    if user.role is not Role.CARER or user.carer is None:
        raise NotFound
    return user.carer


@dataclass(frozen=True)
class CaredFor:
    link: CarerLink
    service_user: ServiceUser


def cared_for(user: User) -> list[CaredFor]:
    carer = own_carer(user)
    links = db.session.scalars(
        select(CarerLink).where(CarerLink.carer_id == carer.id)
        .options(joinedload(CarerLink.service_user)).order_by(CarerLink.id)
    )
    return [CaredFor(link, link.service_user) for link in links]


def carers_of(service_user: ServiceUser) -> list[CarerLink]:
    return list(
        db.session.scalars(
            select(CarerLink).where(CarerLink.service_user_id == service_user.id)
            .options(joinedload(CarerLink.carer)).order_by(CarerLink.id)
        )
    )


def carer_link_for_staff(user: User, service_user_id: int, carer_id: int) -> CarerLink:
    person = service_user_for_staff(user, service_user_id, audit_view=False)
    link = db.session.scalar(
        select(CarerLink).where(CarerLink.service_user_id == person.id, CarerLink.carer_id == carer_id)
    )
    if link is None:
        raise NotFound
    return link
