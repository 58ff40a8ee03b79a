"""Claiming due messages from a notification queue (reminders, staff notifications): shared so both
queues lease the same way.

A claim is a lease: ``attempts`` goes up by one and ``next_attempt_at`` moves past the lease, in an
UPDATE that only succeeds if nobody claimed the row first (compare-and-set on ``attempts``). On
PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED`` so several senders do not contend.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import NotificationStatus
from portal.models.base import utcnow


def claim_due(model: Any, due_by: datetime, batch_size: int, lease: timedelta) -> list[tuple[int, int]]:
    """Lease up to ``batch_size`` queued rows of ``model`` due by ``due_by``: (id, attempts after this claim)."""
    query = (
        select(model.id, model.attempts)
        .where(model.status == NotificationStatus.QUEUED, model.next_attempt_at <= due_by)
        .order_by(model.next_attempt_at, model.id).limit(batch_size)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    lease_until = max(utcnow(), due_by) + lease
    claimed = []
    for row_id, attempts in db.session.execute(query).all():
        won = db.session.execute(
            update(model)
            .where(model.id == row_id, model.attempts == attempts, model.status == NotificationStatus.QUEUED)
            .values(attempts=attempts + 1, next_attempt_at=lease_until)
        ).rowcount  # type: ignore[attr-defined]
        if won == 1:
            claimed.append((row_id, attempts + 1))
    db.session.commit()
    return claimed
