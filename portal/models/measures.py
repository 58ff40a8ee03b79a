"""Outcome measures: responses (answers stored by item code), assignments, deferrals, safety flags."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class CompletionMode(enum.StrEnum):
    SELF = "self"  # the service user on their own
    IN_SESSION = "in_session"  # with their key worker, still in their own words


class MeasureResponse(Base):
    """One completion of an instrument. Submitted responses are never changed: a correction is
    a new response (``version`` + 1) that ``supersedes`` the old one."""

    __tablename__ = "measure_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(20))
    instrument_version: Mapped[str] = mapped_column(String(60))
    status: Mapped[ResponseStatus] = mapped_column(_enum(ResponseStatus, "response_status"),
                                                  default=ResponseStatus.IN_PROGRESS)
    mode: Mapped[CompletionMode] = mapped_column(_enum(CompletionMode, "completion_mode"),
                                                default=CompletionMode.SELF)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("measure_response.id"))
    superseded: Mapped[bool] = mapped_column(default=False)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("measure_assignment.id"))
    # Filled in on submission from the instrument's scoring functions.
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    answers: Mapped[list[MeasureAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="MeasureAnswer.item_number"
    )


class MeasureAnswer(Base):
    __tablename__ = "measure_answer"
    __table_args__ = (UniqueConstraint("response_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("measure_response.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    item_number: Mapped[int]
    value: Mapped[int]
    more_help: Mapped[bool | None]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[MeasureResponse] = relationship(back_populates="answers")


class MeasureAssignment(Base):
    """A key worker asks for a measure by a date."""

    __tablename__ = "measure_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date]
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class MeasureDeferral(Base):
    """'Not appropriate now' (for example in crisis), with a reason and a date to try again."""

    __tablename__ = "measure_deferral"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SafetyFlag(Base):
    """A worrying answer: a prompt for human follow-up, not a risk rating."""

    __tablename__ = "safety_flag"
    __table_args__ = (UniqueConstraint("response_id", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("measure_response.id"))
    reason: Mapped[str] = mapped_column(String(40))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None]
