"""Loading people, scoped to what the person asking may see.

Every loader takes the signed-in user and answers NotFound for a record they may not see,
so changing an id in a URL never shows someone else's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, ScalarSelect, Select, case, func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Carer, CarerLink, Role, ServiceUser, StaffMember, User
from portal.services import audit
from portal.services.errors import NotFound


def staff_member_of(user: User) -> StaffMember:
    if user.staff_member is None or user.role not in (Role.KEY_WORKER, Role.TEAM_LEAD):
        raise NotFound
    return user.staff_member


def staff_scope(user: User) -> ColumnElement[bool]:
    """Key workers see their own caseload; team leads see their whole team. The one rule."""
    staff = staff_member_of(user)
    if user.role is Role.TEAM_LEAD:
        return ServiceUser.team_id == staff.team_id
    return ServiceUser.key_worker_id == staff.id


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


def count_without_key_worker(user: User) -> int:
    staff = staff_member_of(user)
    return db.session.scalar(
        select(func.count()).select_from(ServiceUser)
        .where(ServiceUser.team_id == staff.team_id, ServiceUser.key_worker_id.is_(None),
               ServiceUser.discharged_on.is_(None))
    ) or 0


def service_user_for_staff(user: User, service_user_id: int, *, audit_view: bool = True) -> ServiceUser:
    person = db.session.scalar(_visible_to_staff(user).where(ServiceUser.id == service_user_id))
    if person is None:
        raise NotFound
    if audit_view:
        audit.record_now(user.id, "service_user_viewed", "service_user", person.id)
    return person


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
