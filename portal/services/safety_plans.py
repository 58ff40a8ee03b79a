"""The safety plan: one per service user, in their own words, reviewed at least once a year.

Every change keeps what the plan said before (``SafetyPlanRevision``) and is sent to the clinical
record through the outbox. A change based on an older version than the one stored is refused,
never silently overwritten: ``SafetyPlanConflict`` carries the newer text so the page can show it
next to what the person typed.

A trust may let a service user choose to show their plan on their own phone without signing in
(``SAFETY_PLAN_ON_TRUSTED_DEVICE``; the web layer checks the setting). The phone keeps a random
token in a cookie; only its SHA-256 hash is stored here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.instruments import gbo
from portal.models import SAFETY_PLAN_STEPS, Role, SafetyPlan, SafetyPlanDevice, SafetyPlanRevision, ServiceUser, User
from portal.models.base import utcnow
from portal.services import audit, outbox
from portal.services.errors import EditConflict

REVIEW_MONTHS = 12  # DOMAIN.md: plans are reviewed at least once a year
STEP_MAX_LENGTH = 2000
DEVICE_DAYS = 365  # a trusted phone must be set up again after a year
UPDATED = "safety_plan.updated"
_LONDON = ZoneInfo("Europe/London")


class SafetyPlanConflict(EditConflict):
    """Someone saved the plan after this person opened it. Nothing was saved.

    ``steps``, ``version`` and ``updated_by_id`` are the newer plan's, for the page to show and to base a retry on.
    """

    def __init__(self, plan: SafetyPlan) -> None:
        super().__init__(plan)
        self.version = plan.version
        self.steps = steps_of(plan)
        self.updated_by_id = plan.updated_by_id


# Reading -------------------------------------------------------------------------------------

def current(person: ServiceUser) -> SafetyPlan | None:
    return db.session.scalar(select(SafetyPlan).where(SafetyPlan.service_user_id == person.id))


def for_staff(user: User, person: ServiceUser) -> SafetyPlan | None:
    """The plan, for a member of staff already scoped to this person; the viewing is audited."""
    plan = current(person)
    audit.record_now(user.id, "safety_plan_viewed", "service_user", person.id)
    return plan


def steps_of(plan: SafetyPlan | None) -> dict[str, str]:
    """Step code -> text, in the plan's order (empty text for a step not written yet)."""
    return {step: (getattr(plan, step) if plan is not None else "") or "" for step in SAFETY_PLAN_STEPS}


def has_content(plan: SafetyPlan | None) -> bool:
    return any(text.strip() for text in steps_of(plan).values())


def revisions(plan: SafetyPlan) -> list[SafetyPlanRevision]:
    """Earlier versions, newest first."""
    return list(db.session.scalars(
        select(SafetyPlanRevision).where(SafetyPlanRevision.safety_plan_id == plan.id)
        .order_by(SafetyPlanRevision.version.desc())
    ))


def _local_date(moment: datetime) -> date:
    return moment.astimezone(_LONDON).date()


def review_due_on(plan: SafetyPlan) -> date:
    """A year after it was last reviewed together (or, if never, a year after it was made)."""
    last = plan.reviewed_on or _local_date(plan.created_at)
    return gbo.next_review_date(last, REVIEW_MONTHS)


def is_review_due(plan: SafetyPlan, today: date) -> bool:
    return review_due_on(plan) <= today


# Changing ------------------------------------------------------------------------------------

def _clean(fields: dict[str, Any]) -> dict[str, str]:
    unknown = set(fields) - set(SAFETY_PLAN_STEPS)
    if unknown:
        raise ValueError(f"Not safety plan steps: {sorted(unknown)}")
    cleaned = {}
    for step, text in fields.items():
        value = (text or "").replace("\r\n", "\n").strip()
        if len(value) > STEP_MAX_LENGTH:
            raise ValueError(f"{step} is longer than {STEP_MAX_LENGTH} characters")
        cleaned[step] = value
    return cleaned


def save(user: User, person: ServiceUser, fields: dict[str, Any], based_on_version: int) -> SafetyPlan:
    """Save some or all steps. ``based_on_version`` is the version the person started from
    (0 when there was no plan). Raises ``SafetyPlanConflict`` if the plan changed since then,
    unless what they typed is what is stored already."""
    changes = _clean(fields)
    plan = current(person)
    if plan is None:
        return _create(user, person, changes, based_on_version)
    stored = steps_of(plan)
    changes = {step: text for step, text in changes.items() if text != stored[step]}
    if not changes:
        return plan  # nothing new: no revision, no message, and no conflict to report
    if based_on_version != plan.version:
        raise SafetyPlanConflict(plan)
    now = utcnow()
    # Conditional on the version, so two saves at the same moment cannot both win.
    result = db.session.execute(
        update(SafetyPlan)
        .where(SafetyPlan.id == plan.id, SafetyPlan.version == based_on_version)
        .values(**changes, version=based_on_version + 1, updated_at=now, updated_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        newer = current(person)
        assert newer is not None
        raise SafetyPlanConflict(newer)
    db.session.add(SafetyPlanRevision(safety_plan_id=plan.id, version=based_on_version, content=stored,
                                      changed_by_id=user.id, changed_at=now))
    db.session.refresh(plan)
    audit.record(user.id, "safety_plan_updated", "safety_plan", plan.id)
    _send(plan, person)
    db.session.commit()
    return plan


def _create(user: User, person: ServiceUser, steps: dict[str, str], based_on_version: int) -> SafetyPlan:
    if based_on_version != 0:
        raise ValueError("There is no plan yet to base this change on")
    if not any(steps.values()):
        raise ValueError("A new safety plan needs at least one step written")
    plan = SafetyPlan(service_user_id=person.id, updated_by_id=user.id, version=1,
                      **{step: steps.get(step, "") for step in SAFETY_PLAN_STEPS})
    db.session.add(plan)
    try:
        db.session.flush()
    except IntegrityError:  # someone else made the plan at the same moment
        db.session.rollback()
        newer = current(person)
        if newer is None:
            raise
        raise SafetyPlanConflict(newer) from None
    audit.record(user.id, "safety_plan_created", "safety_plan", plan.id)
    _send(plan, person)
    db.session.commit()
    return plan


def mark_reviewed(user: User, person: ServiceUser, on: date | None = None) -> SafetyPlan:
    """The key worker and the person looked at the plan together. The text is unchanged, so the
    version is too (nobody's open edit is turned into a conflict by a review)."""
    if user.role not in (Role.KEY_WORKER, Role.TEAM_LEAD):
        raise ValueError("Only staff mark a safety plan as reviewed")
    plan = current(person)
    if plan is None:
        raise ValueError("There is no safety plan to review")
    plan.reviewed_on = on or _local_date(utcnow())
    audit.record(user.id, "safety_plan_reviewed", "safety_plan", plan.id)
    _send(plan, person)
    db.session.commit()
    return plan


def _send(plan: SafetyPlan, person: ServiceUser) -> None:
    outbox.enqueue(person.id, UPDATED, {
        "nhs_number": person.nhs_number,
        "version": plan.version,
        "updated_at": plan.updated_at.isoformat(),
        "reviewed_on": plan.reviewed_on.isoformat() if plan.reviewed_on else None,
        "steps": steps_of(plan),
    })


# Trusted phones ------------------------------------------------------------------------------

def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def trust_device(user: User) -> str:
    """Let the phone this request came from show the plan without signing in. Returns the token
    to put in the phone's cookie; only its hash is kept."""
    if user.role is not Role.SERVICE_USER:
        raise ValueError("Only a service user can trust a phone with their own safety plan")
    token = secrets.token_urlsafe(32)
    device = SafetyPlanDevice(user_id=user.id, token_hash=_hash_token(token))
    db.session.add(device)
    db.session.flush()
    audit.record(user.id, "safety_plan_device_added", "safety_plan_device", device.id)
    db.session.commit()
    return token


def _device(token: str | None, now: datetime) -> SafetyPlanDevice | None:
    if not token or len(token) > 100:
        return None
    device = db.session.scalar(select(SafetyPlanDevice).where(SafetyPlanDevice.token_hash == _hash_token(token)))
    if device is None or device.revoked_at is not None or device.created_at + timedelta(days=DEVICE_DAYS) <= now:
        return None
    return device


def is_trusted_device(user: User, token: str | None) -> bool:
    device = _device(token, utcnow())
    return device is not None and device.user_id == user.id


@dataclass(frozen=True)
class DeviceView:
    person: ServiceUser
    plan: SafetyPlan | None


def view_on_device(token: str | None) -> DeviceView | None:
    """The plan a trusted phone may show, or None if the token is unknown, turned off, expired,
    or the account is no longer active."""
    now = utcnow()
    device = _device(token, now)
    if device is None:
        return None
    user = db.session.get(User, device.user_id)
    if user is None or not user.active or user.role is not Role.SERVICE_USER or user.service_user is None:
        return None
    device.last_used_at = now
    plan = current(user.service_user)
    audit.record(user.id, "safety_plan_viewed_on_device", "safety_plan_device", device.id)
    db.session.commit()
    return DeviceView(user.service_user, plan)


def trusted_devices(user: User) -> list[SafetyPlanDevice]:
    """Phones that can still show the plan, newest first."""
    cutoff = utcnow() - timedelta(days=DEVICE_DAYS)
    return list(db.session.scalars(
        select(SafetyPlanDevice)
        .where(SafetyPlanDevice.user_id == user.id, SafetyPlanDevice.revoked_at.is_(None),
               SafetyPlanDevice.created_at > cutoff)
        .order_by(SafetyPlanDevice.created_at.desc(), SafetyPlanDevice.id.desc())
    ))


def forget_device(user: User, token: str | None) -> bool:
    """Stop this phone showing the plan. False if it was not trusted for this person."""
    device = _device(token, utcnow())
    if device is None or device.user_id != user.id:
        return False
    return _forget(device, user.id)


def forget_device_by_token(token: str | None) -> bool:
    """Stop the phone holding this token showing the plan, whoever is holding it: that only
    ever hides the plan. False if the token does not work (any more)."""
    device = _device(token, utcnow())
    return device is not None and _forget(device, None)


def _forget(device: SafetyPlanDevice, actor_id: int | None) -> bool:
    device.revoked_at = utcnow()
    audit.record(actor_id, "safety_plan_device_removed", "safety_plan_device", device.id)
    db.session.commit()
    return True


def revoke_devices(user: User) -> int:
    """Stop every phone showing this person's plan. Adds to the caller's transaction (used when
    the password changes); the caller commits. Returns how many were turned off."""
    now = utcnow()
    devices = list(db.session.scalars(
        select(SafetyPlanDevice).where(SafetyPlanDevice.user_id == user.id, SafetyPlanDevice.revoked_at.is_(None))
    ))
    for device in devices:
        device.revoked_at = now
        audit.record(user.id, "safety_plan_device_removed", "safety_plan_device", device.id)
    return len(devices)


def forget_all_devices(user: User) -> int:
    count = revoke_devices(user)
    db.session.commit()
    return count
