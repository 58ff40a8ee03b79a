"""The brief, coproduced care plan: a live draft, and numbered versions frozen when agreed."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.goals import AuthorRole, str_enum


class Section(enum.StrEnum):
    WHAT_MATTERS = "what_matters"
    I_WILL_DO = "i_will_do"
    TEAM_WILL_DO = "team_will_do"
    OTHER_SUPPORT = "other_support"
    ADJUSTMENTS = "adjustments"
    INVOLVEMENT = "involvement"


class SupportKind(enum.StrEnum):
    """Kinds of other support, for the "other support" section."""

    GP = "gp"
    SOCIAL_CARE = "social_care"
    HOUSING = "housing"
    VOLUNTARY = "voluntary"
    SECTION_117 = "section_117"
    OTHER = "other"


class CarePlan(Base):
    """One per service user: the working draft. Agreed versions are in CarePlanVersion."""

    __tablename__ = "care_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Has the draft changed since the last agreed version?
    changed_since_agreed: Mapped[bool] = mapped_column(default=True)
    next_review_on: Mapped[date | None]

    entries: Mapped[list[CarePlanEntry]] = relationship(
        back_populates="care_plan", cascade="all, delete-orphan", order_by="CarePlanEntry.id"
    )
    versions: Mapped[list[CarePlanVersion]] = relationship(
        back_populates="care_plan", cascade="all, delete-orphan", order_by="CarePlanVersion.number"
    )


class CarePlanEntry(Base):
    """One contribution to a section, in the words of whoever wrote it."""

    __tablename__ = "care_plan_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    section: Mapped[Section] = mapped_column(str_enum(Section, "care_plan_section"))
    support_kind: Mapped[SupportKind | None] = mapped_column(str_enum(SupportKind, "support_kind"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author_role: Mapped[AuthorRole] = mapped_column(str_enum(AuthorRole, "author_role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    # Where it came from: an action agreed in a session (DIALOG+), a carer's contribution.
    care_session_id: Mapped[int | None] = mapped_column(ForeignKey("care_session.id"))
    dialog_item_code: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(60), default="")
    # Actions are reviewed at the next session.
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")

    care_plan: Mapped[CarePlan] = relationship(back_populates="entries")


class CarePlanVersion(Base):
    """A numbered, frozen copy of the care plan as agreed. Never changed after it is written."""

    __tablename__ = "care_plan_version"
    __table_args__ = (UniqueConstraint("care_plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    number: Mapped[int]
    agreed_at: Mapped[datetime] = mapped_column(default=utcnow)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    agreed_by_role: Mapped[AuthorRole] = mapped_column(str_enum(AuthorRole, "author_role"))
    next_review_on: Mapped[date]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)

    care_plan: Mapped[CarePlan] = relationship(back_populates="versions")
