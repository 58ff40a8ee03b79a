"""Writing to the transactional outbox.

Every change that must reach the clinical record (or a notifier) is added here in the same
transaction as the change itself; the caller commits. Messages for one service user share an
ordering key, so the worker delivers them in the order they were written.
"""

from __future__ import annotations

from typing import Any

from portal.extensions import db
from portal.models import OutboxMessage


def ordering_key(service_user_id: int) -> str:
    return f"service_user:{service_user_id}"


def enqueue(service_user_id: int, kind: str, payload: dict[str, Any]) -> OutboxMessage:
    message = OutboxMessage(ordering_key=ordering_key(service_user_id), kind=kind, payload=payload)
    db.session.add(message)
    return message
