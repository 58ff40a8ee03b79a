"""The statement of care: what a registered member of a person's care team (a medic especially) writes
for a session or clinic letter, from a template that pulls in the person's goals, questionnaires,
safety plan and care plan, then their own words. Agreed in versions; nothing is overwritten."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow


class StatementOfCare(Base):
    """One statement for one person, begun by one writer. ``draft_text`` is the words being written
    (kept as typed, saved as they go); each "Agree" freezes them into a ``StatementOfCareVersion``.
    ``goal_reviews`` holds, for the draft, each goal reviewed in it: ``{goal_id: {"rating",
    "still_right", "rating_id"}}`` (the rating itself is the goal's, made by ``goals.rate_goal``)."""

    __tablename__ = "statement_of_care"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "session" or "clinic_letter"
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    draft_text: Mapped[str] = mapped_column(Text, default="")
    draft_saved_at: Mapped[datetime | None]
    goal_reviews: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    versions: Mapped[list[StatementOfCareVersion]] = relationship(
        back_populates="statement", order_by="StatementOfCareVersion.number")


class StatementOfCareVersion(Base):
    """An agreed version: the writer's words and the template's content as they stood when agreed."""

    __tablename__ = "statement_of_care_version"
    __table_args__ = (UniqueConstraint("statement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement_of_care.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(40))  # a care team role code, "key_worker" or "team_lead"
    author_registration: Mapped[str] = mapped_column(String(40), default="")
    agreed_at: Mapped[datetime] = mapped_column(default=utcnow)

    statement: Mapped[StatementOfCare] = relationship(back_populates="versions")
