"""The safety plan, in the person's own words, with every earlier revision kept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow

# The steps of a Stanley-Brown style safety plan, in order.
SAFETY_PLAN_STEPS = (
    "warning_signs",
    "cope_on_my_own",
    "people_and_places",
    "people_to_ask",
    "professionals",
    "safer_surroundings",
    "reasons_for_living",
)


class SafetyPlan(Base):
    __tablename__ = "safety_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), unique=True)
    warning_signs: Mapped[str] = mapped_column(Text, default="")
    cope_on_my_own: Mapped[str] = mapped_column(Text, default="")
    people_and_places: Mapped[str] = mapped_column(Text, default="")
    people_to_ask: Mapped[str] = mapped_column(Text, default="")
    professionals: Mapped[str] = mapped_column(Text, default="")
    safer_surroundings: Mapped[str] = mapped_column(Text, default="")
    reasons_for_living: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reviewed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)


class SafetyPlanRevision(Base):
    """What the plan said before each change."""

    __tablename__ = "safety_plan_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    safety_plan_id: Mapped[int] = mapped_column(ForeignKey("safety_plan.id"), index=True)
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SafetyPlanDevice(Base):
    """A phone the person chose to let show their safety plan without signing in.

    Only a SHA-256 hash of the random token in the phone's cookie is stored. Turning it off,
    or changing the password, sets ``revoked_at``; the row is kept for the audit trail.
    """

    __tablename__ = "safety_plan_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
