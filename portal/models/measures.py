"""Outcome measures: responses (answers stored by item code), assignments, deferrals, safety flags."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow


def _enum(cls: type[enum.Enum], name: str, length: int = 20) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


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
    """'Not appropriate now' (for example in crisis), with a reason and a date to try again; or
    ``declined``: the person chose not to answer it (a reason only if they gave one)."""

    __tablename__ = "measure_deferral"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[date]
    declined: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class FlagTier(enum.StrEnum):
    """How soon a member of staff must see a flag (trust setting ``RISK_TIERS``)."""

    URGENT = "urgent"  # seen the same working day
    ROUTINE = "routine"  # seen before the next contact


class FlagSource(enum.StrEnum):
    ANSWER = "answer"  # an answer to a questionnaire (``response_id``)
    CARER = "carer"  # a carer's worry (``carer_contribution_id``)


class FlagOutcome(enum.StrEnum):
    """What the member of staff did (``portal/record/contract.py`` ``FlagOutcome``)."""

    SPOKE_WITH_PERSON = "spoke_with_person"
    DISCUSSED_IN_SESSION = "discussed_in_session"
    PASSED_TO_CRISIS_TEAM = "passed_to_crisis_team"
    NO_ACTION_NEEDED = "no_action_needed"  # with a reason (``outcome_note``)


class SafetyFlag(Base):
    """A worrying answer or a carer's worry: a prompt for human follow-up, not a risk rating.

    Routed to a member of staff (``assignee``, ``portal/services/risk.py``), escalated while nobody
    closes it (``escalation_stage``: 0 the assignee told, 1 the duty worker and team lead told,
    2 the team lead told again and the flag at the top of the team's caseload), and closed with
    what was done (``outcome``)."""

    __tablename__ = "safety_flag"
    __table_args__ = (UniqueConstraint("response_id", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("measure_response.id"))
    carer_contribution_id: Mapped[int | None] = mapped_column(ForeignKey("carer_contribution.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(40))
    tier: Mapped[FlagTier] = mapped_column(_enum(FlagTier, "flag_tier"), default=FlagTier.URGENT)
    source: Mapped[FlagSource] = mapped_column(_enum(FlagSource, "flag_source"), default=FlagSource.ANSWER)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"), index=True)
    # Why the assignee: "key_worker", "duty_worker", "team_lead" (risk_rules.route).
    routed_via: Mapped[str] = mapped_column(String(20), default="")
    escalation_stage: Mapped[int] = mapped_column(default=0)
    notified_at: Mapped[datetime | None]  # the assignee's message went
    escalated_at: Mapped[datetime | None]  # stage 1: the duty worker and the team lead told
    overdue_at: Mapped[datetime | None]  # stage 2: the team lead told again
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None]
    outcome: Mapped[FlagOutcome | None] = mapped_column(_enum(FlagOutcome, "flag_outcome", 30))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
