"""Goal Based Outcomes: goals in the person's own words, their ratings and their history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow


def str_enum(cls: type[enum.Enum], name: str, length: int = 20) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class AuthorRole(enum.StrEnum):
    """Whose words something is."""

    SERVICE_USER = "service_user"
    KEY_WORKER = "key_worker"
    CARER = "carer"


class Agreement(enum.StrEnum):
    TOGETHER = "together"
    ON_BEHALF = "on_behalf"  # exceptional, e.g. in crisis; needs a reason


class GoalStatus(enum.StrEnum):
    DRAFT = "draft"  # written, not yet agreed together
    ACTIVE = "active"
    ACHIEVED = "achieved"
    STOPPED = "stopped"


class Goal(Base):
    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    written_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    owner: Mapped[AuthorRole] = mapped_column(str_enum(AuthorRole, "author_role"))
    agreement: Mapped[Agreement | None] = mapped_column(str_enum(Agreement, "goal_agreement"))
    on_behalf_reason: Mapped[str] = mapped_column(Text, default="")
    what_will_help: Mapped[str] = mapped_column(Text, default="")
    who_will_help: Mapped[list[str]] = mapped_column(JSON, default=list)
    other_organisation: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus, "goal_status"), default=GoalStatus.DRAFT)
    stop_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agreed_at: Mapped[datetime | None]
    # GBO "goal 1, 2 or 3" (MHSDS codes each): the lowest number free among the person's active goals
    # when this one was agreed; kept once it closes. None while a draft.
    position: Mapped[int | None]
    closed_at: Mapped[datetime | None]
    next_review_on: Mapped[date | None] = mapped_column(index=True)
    # Bumped on every change: an edit based on an older version is a conflict, never an overwrite.
    version: Mapped[int] = mapped_column(default=1)

    ratings: Mapped[list[GoalRating]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="GoalRating.id"
    )


class GoalRating(Base):
    """A 0-10 rating of progress: at the start, at each review, at the end."""

    __tablename__ = "goal_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    rating: Mapped[int]
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    rated_by_role: Mapped[AuthorRole] = mapped_column(str_enum(AuthorRole, "author_role"))
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    care_session_id: Mapped[int | None] = mapped_column(ForeignKey("care_session.id"))

    goal: Mapped[Goal] = relationship(back_populates="ratings")


class GoalChange(Base):
    """History: each change to a goal, with what it was before."""

    __tablename__ = "goal_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int]  # the goal's version after this change
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
