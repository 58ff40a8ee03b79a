"""What the admin pages show: counts and the audit trail (codes and ids only)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Role, SecondFactor, User
from portal.services.errors import NotFound


def account_counts() -> dict[Role, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
    counts = {role: 0 for role in Role}
    counts.update({role: count for role, count in rows})
    return counts


def recent_audit_events(limit: int = 50) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


def accounts_with_second_step() -> list[tuple[User, bool]]:
    """Every account (email and role only) and whether it has an authenticator app."""
    rows = db.session.execute(
        select(User, SecondFactor.id).outerjoin(SecondFactor, SecondFactor.user_id == User.id)
        .order_by(User.role, User.email)
    ).all()
    return [(user, factor_id is not None) for user, factor_id in rows]


def account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound
    return user
