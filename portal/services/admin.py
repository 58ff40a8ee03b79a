"""What the admin pages show: counts and the audit trail (codes and ids only)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Role, User


def account_counts() -> dict[Role, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
    counts = {role: 0 for role in Role}
    counts.update({role: count for role, count in rows})
    return counts


def recent_audit_events(limit: int = 50) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
