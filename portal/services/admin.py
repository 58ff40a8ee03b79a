"""What the admin pages show: counts and the audit trail (codes and ids only)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import STAFF_ROLES, AuditEvent, Role, SecondFactor, User
from portal.services.errors import NotFound


def account_counts() -> dict[Role, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
    counts = {role: 0 for role in Role}
    counts.update({role: count for role, count in rows})
    return counts


def recent_audit_events(limit: int = 50) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


ACCOUNTS_SHOWN = 50


def accounts_with_second_step(search: str = "", limit: int = ACCOUNTS_SHOWN) -> tuple[list[tuple[User, bool]], bool]:
    """Accounts whose second step an administrator may reset: staff and administrators (who must
    have one) and anyone who turned one on; those whose email address contains ``search``. At most
    ``limit``, and whether there were more."""
    query = (select(User, SecondFactor.id).outerjoin(SecondFactor, SecondFactor.user_id == User.id)
             .where(or_(SecondFactor.id.is_not(None), User.role.in_([*STAFF_ROLES, Role.ADMIN]))))
    if search.strip():
        query = query.where(func.lower(User.email).contains(search.strip().lower(), autoescape=True))
    rows = db.session.execute(query.order_by(User.role, User.email).limit(limit + 1)).all()
    return [(user, factor_id is not None) for user, factor_id in rows[:limit]], len(rows) > limit


def account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound
    return user
