"""The outbox worker: delivers messages to the clinical record, in order, at least once.

Claiming. A message can be claimed when it is pending, due, and every earlier message with the
same ordering key (the same service user) has been delivered: so one patient's messages go in
order, and a dead letter holds back the ones behind it until it is retried. A claim is a lease:
``attempts`` goes up by one and ``next_attempt_at`` moves past the lease, in an UPDATE that only
succeeds if nobody claimed the message first (compare-and-set on ``attempts``). On PostgreSQL the
candidates are also read ``FOR UPDATE SKIP LOCKED``, so several workers do not contend for the
same rows; on SQLite run one worker. A worker that dies mid-delivery leaves a lease that expires;
the message is then sent again, which the record's conditional writes make harmless.

Failures. Transient ones (timeouts, dropped connections, 409, 412, 429, 5xx) are retried with
exponential backoff and jitter (``Retry-After`` wins when it is longer); after ``SYNC_MAX_ATTEMPTS``
the message is dead. Permanent ones (other 4xx, invalid resources) are dead at once. An admin can
retry a dead letter from the sync page.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from portal import caseload_tokens
from portal.extensions import db
from portal.models import CarerDetailConflict, CarerRecordLink, ConflictStatus, OutboxMessage, OutboxStatus
from portal.models.base import utcnow
from portal.models.outbox import service_user_id_of
from portal.record import carers, contract
from portal.record.port import CarerPush, ClinicalRecord, PermanentError, TransientError, deliver

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncSettings:
    max_attempts: int = 20
    backoff_base: float = 2.0
    backoff_max: float = 1800.0
    lease: float = 120.0
    batch_size: int = 20
    poll: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SyncSettings:
        return cls(
            max_attempts=int(config["SYNC_MAX_ATTEMPTS"]), backoff_base=float(config["SYNC_BACKOFF_BASE_SECONDS"]),
            backoff_max=float(config["SYNC_BACKOFF_MAX_SECONDS"]), lease=float(config["SYNC_LEASE_SECONDS"]),
            batch_size=int(config["SYNC_BATCH_SIZE"]), poll=float(config["SYNC_POLL_SECONDS"]),
        )


def backoff_seconds(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": between half and all of min(cap, base * 2^(attempts-1))."""
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


@dataclass(frozen=True)
class Claimed:
    id: int
    ordering_key: str
    kind: str
    payload: dict[str, Any]
    attempts: int  # after this claim


@dataclass
class RunResult:
    delivered: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retried + self.dead


def claim(settings: SyncSettings, due_by: datetime | None = None) -> list[Claimed]:
    """Lease the next message of up to ``batch_size`` service users whose queue is due (by ``due_by``)."""
    now = utcnow()
    earlier = aliased(OutboxMessage)
    held_back = exists().where(
        earlier.ordering_key == OutboxMessage.ordering_key, earlier.id < OutboxMessage.id,
        earlier.status != OutboxStatus.DELIVERED,
    )
    query = (
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= (due_by or now),
               ~held_back)
        .order_by(OutboxMessage.id).limit(settings.batch_size)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    candidates = db.session.execute(query).all()
    lease_until = now + timedelta(seconds=settings.lease)
    claimed_ids = []
    for message_id, attempts in candidates:
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.attempts == attempts,
                   OutboxMessage.status == OutboxStatus.PENDING)
            .values(attempts=attempts + 1, next_attempt_at=lease_until)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed_ids.append(message_id)
    db.session.commit()
    if not claimed_ids:
        return []
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.ordering_key, OutboxMessage.kind, OutboxMessage.payload,
               OutboxMessage.attempts).where(OutboxMessage.id.in_(claimed_ids)).order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return [Claimed(*row) for row in rows]


def _finish(message: Claimed, **values: Any) -> bool:
    """Record the outcome, unless another worker has claimed the message since (our lease ran out)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.attempts == message.attempts,
               OutboxMessage.status == OutboxStatus.PENDING)
        .values(**values)
    )
    finished = result.rowcount == 1  # type: ignore[attr-defined]
    if finished and values.get("status") is OutboxStatus.DEAD:
        _dead_letters_changed(message.ordering_key)
    return finished


def _dead_letters_changed(ordering_key: str) -> None:
    """A record-sync problem shows on the person's caseload row (portal/caseload_tokens.py)."""
    person_id = service_user_id_of(ordering_key)
    if person_id is not None:
        caseload_tokens.people_changed([person_id])


def deliver_one(record: ClinicalRecord, message: Claimed, settings: SyncSettings,
                rng: random.Random | None = None) -> str:
    """Send one claimed message and record what happened: "delivered", "retry" or "dead"."""
    link = _carer_link(message)
    values: dict[str, Any]
    pushed: CarerPush | None = None
    try:
        pushed = deliver(record, message.id, message.kind, message.payload, link.snapshot if link else None)
    except TransientError as error:
        db.session.rollback()
        if message.attempts >= settings.max_attempts:
            outcome, values = "dead", {"status": OutboxStatus.DEAD, "last_error": _short(f"gave up: {error}")}
        else:
            delay = max(backoff_seconds(message.attempts, settings.backoff_base, settings.backoff_max, rng),
                        error.retry_after or 0.0)
            outcome = "retry"
            values = {"next_attempt_at": utcnow() + timedelta(seconds=delay), "last_error": _short(str(error))}
    except PermanentError as error:
        db.session.rollback()
        outcome, values = "dead", {"status": OutboxStatus.DEAD, "last_error": _short(str(error))}
    except Exception as error:  # a bug, not the record: keep the message, say what broke, stop its queue
        db.session.rollback()
        log.exception("outbox message %s (%s) failed unexpectedly", message.id, message.kind)
        outcome = "dead"
        values = {"status": OutboxStatus.DEAD, "last_error": _short(f"portal error: {type(error).__name__}")}
    else:
        outcome, values = "delivered", {"status": OutboxStatus.DELIVERED, "delivered_at": utcnow(), "last_error": ""}
    if _finish(message, **values) and outcome == "delivered" and pushed is not None:
        _remember_carer_push(message, link, pushed)
    db.session.commit()
    return outcome


def _short(text: str) -> str:
    return text[:500]


def _carer_link(message: Claimed) -> CarerRecordLink | None:
    if message.kind != contract.RELATED_PERSON_UPDATED:
        return None
    service_user_id = service_user_id_of(message.ordering_key)
    carer_id = message.payload.get("carer_id")
    if service_user_id is None or not isinstance(carer_id, int):
        return None
    return db.session.scalar(select(CarerRecordLink).where(CarerRecordLink.carer_id == carer_id,
                                                           CarerRecordLink.service_user_id == service_user_id))


def _remember_carer_push(message: Claimed, link: CarerRecordLink | None, pushed: CarerPush) -> None:
    service_user_id = service_user_id_of(message.ordering_key)
    carer_id = message.payload["carer_id"]
    if service_user_id is None or not pushed.applied:
        return
    if link is None:
        link = CarerRecordLink(carer_id=carer_id, service_user_id=service_user_id, snapshot={})
        db.session.add(link)
    sent = {name: str(value or "") for name, value in message.payload.items() if name in carers.CARER_FIELDS}
    snapshot = dict(link.snapshot or {})
    for name, value in sent.items():
        if name not in pushed.conflicts:
            snapshot[name] = value
    link.snapshot = snapshot
    link.resource_id, link.version, link.synced_at = pushed.resource_id, pushed.version, utcnow()
    for name, (mine, theirs) in pushed.conflicts.items():
        record_conflict(service_user_id, carer_id, name, mine, theirs)


def record_conflict(service_user_id: int, carer_id: int, name: str, portal_value: str, record_value: str) -> None:
    """Open a conflict for a key worker, or update the open one for the same detail."""
    open_conflict = db.session.scalar(
        select(CarerDetailConflict).where(
            CarerDetailConflict.service_user_id == service_user_id, CarerDetailConflict.carer_id == carer_id,
            CarerDetailConflict.field == name, CarerDetailConflict.status == ConflictStatus.OPEN,
        )
    )
    if open_conflict is None:
        db.session.add(CarerDetailConflict(service_user_id=service_user_id, carer_id=carer_id, field=name,
                                           portal_value=portal_value, record_value=record_value))
    else:
        open_conflict.portal_value, open_conflict.record_value = portal_value, record_value


def run(record: ClinicalRecord, settings: SyncSettings, *, once: bool = False, max_messages: int | None = None,
        stop: threading.Event | None = None, rng: random.Random | None = None,
        between_batches: Callable[[], None] | None = None) -> RunResult:
    """Drain the outbox. ``once``: one pass over what is due now (a failure waits for the next run)."""
    result = RunResult()
    stop = stop or threading.Event()
    due_by = utcnow() if once else None
    while not stop.is_set():
        batch = claim(settings, due_by)
        if max_messages is not None:
            batch = _release_extra(batch, max_messages - result.handled)
        if not batch:
            if once or (max_messages is not None and result.handled >= max_messages):
                break
            if between_batches is not None:
                between_batches()
            stop.wait(settings.poll)
            continue
        for message in batch:
            outcome = deliver_one(record, message, settings, rng)
            if outcome == "delivered":
                result.delivered += 1
            elif outcome == "retry":
                result.retried += 1
            else:
                result.dead += 1
    return result


def _release_extra(batch: list[Claimed], room: int) -> list[Claimed]:
    """Give back claims beyond ``--max-messages`` (their attempt is not counted)."""
    keep, extra = batch[:max(room, 0)], batch[max(room, 0):]
    for message in extra:
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message.id, OutboxMessage.attempts == message.attempts)
            .values(attempts=message.attempts - 1, next_attempt_at=utcnow())
        )
    if extra:
        db.session.commit()
    return keep


def retry_dead_letter(message_id: int) -> bool:
    """Put a dead letter back in the queue with fresh attempts (the caller commits)."""
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.DEAD)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    _dead_letters_changed(db.session.get_one(OutboxMessage, message_id).ordering_key)
    return True

