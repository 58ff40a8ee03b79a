"""create_* helpers for the key worker and team workspace tests (and bench/caseload.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any

from sqlalchemy import Engine, event

from portal.extensions import db
from portal.models import (
    AuthorRole,
    CarePlan,
    CarePlanEntry,
    CarePlanVersion,
    CarerContribution,
    Goal,
    GoalRating,
    GoalStatus,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    OutboxMessage,
    OutboxStatus,
    ResponseStatus,
    SafetyFlag,
    SafetyPlan,
    Section,
    ServiceUser,
    User,
)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _staff_user_id(person: ServiceUser) -> int:
    if person.key_worker is not None and person.key_worker.user_id is not None:
        return person.key_worker.user_id
    assert person.user_id is not None, "give the person an account or a key worker with one"
    return person.user_id


def create_assignment(person: ServiceUser, instrument_id: str, due_on: date, by: User | None = None) -> MeasureAssignment:
    assignment = MeasureAssignment(service_user_id=person.id, instrument_id=instrument_id, due_on=due_on,
                                   assigned_by_id=by.id if by else _staff_user_id(person))
    db.session.add(assignment)
    db.session.flush()
    return assignment


def create_deferral(person: ServiceUser, instrument_id: str, until: date) -> MeasureDeferral:
    deferral = MeasureDeferral(service_user_id=person.id, instrument_id=instrument_id, reason="In crisis",
                               until=until, recorded_by_id=_staff_user_id(person))
    db.session.add(deferral)
    db.session.flush()
    return deferral


def create_response(person: ServiceUser, instrument_id: str, submitted_on: date | None,
                    scores: dict[str, Any] | None = None) -> MeasureResponse:
    """A submitted response (or an in-progress one when ``submitted_on`` is None)."""
    response = MeasureResponse(
        service_user_id=person.id, instrument_id=instrument_id, instrument_version="test",
        started_by_id=person.user_id or _staff_user_id(person),
        status=ResponseStatus.SUBMITTED if submitted_on else ResponseStatus.IN_PROGRESS,
        submitted_at=at(submitted_on) if submitted_on else None, scores=scores,
    )
    db.session.add(response)
    db.session.flush()
    return response


def create_flag(person: ServiceUser, reason: str = "reqol_item6") -> SafetyFlag:
    response = create_response(person, "reqol10", date.today(), {"total": 10})
    flag = SafetyFlag(service_user_id=person.id, response_id=response.id, reason=reason)
    db.session.add(flag)
    db.session.flush()
    return flag


def create_goal(person: ServiceUser, *, agreed_on: date | None = None, next_review_on: date | None = None,
                ratings: tuple[tuple[date, int], ...] = (), status: GoalStatus = GoalStatus.ACTIVE,
                closed_on: date | None = None, text: str = "Get back to the allotment") -> Goal:
    writer = _staff_user_id(person)
    goal = Goal(service_user_id=person.id, text=text, written_by_id=writer, owner=AuthorRole.SERVICE_USER,
                status=status, agreed_at=at(agreed_on) if agreed_on else None, next_review_on=next_review_on,
                closed_at=at(closed_on) if closed_on else None)
    goal.ratings = [GoalRating(rating=value, rated_by_id=writer, rated_by_role=AuthorRole.SERVICE_USER,
                               rated_at=at(day)) for day, value in ratings]
    db.session.add(goal)
    db.session.flush()
    return goal


def create_care_plan(person: ServiceUser, agreed_on: date | None = None, next_review_on: date | None = None,
                     adjustments: tuple[datetime, ...] = ()) -> CarePlan:
    by = _staff_user_id(person)
    plan = CarePlan(service_user_id=person.id)
    if agreed_on is not None:
        plan.versions = [CarePlanVersion(number=1, agreed_at=at(agreed_on), agreed_by_id=by,
                                         agreed_by_role=AuthorRole.KEY_WORKER,
                                         next_review_on=next_review_on or date(agreed_on.year + 1, 1, 1),
                                         content={})]
    plan.entries = [CarePlanEntry(section=Section.ADJUSTMENTS, text="Afternoon appointments", author_id=by,
                                  author_role=AuthorRole.SERVICE_USER, created_at=when, updated_at=when)
                    for when in adjustments]
    db.session.add(plan)
    db.session.flush()
    return plan


def create_safety_plan(person: ServiceUser) -> SafetyPlan:
    plan = SafetyPlan(service_user_id=person.id, updated_by_id=_staff_user_id(person), warning_signs="Not sleeping")
    db.session.add(plan)
    db.session.flush()
    return plan


def create_contribution(person: ServiceUser, carer_id: int) -> CarerContribution:
    contribution = CarerContribution(carer_id=carer_id, service_user_id=person.id, what_helps="Walks")
    db.session.add(contribution)
    db.session.flush()
    return contribution


def create_dead_message(person: ServiceUser) -> OutboxMessage:
    message = OutboxMessage(ordering_key=f"service_user:{person.id}", kind="goal.changed", payload={},
                            status=OutboxStatus.DEAD, last_error="rejected")
    db.session.add(message)
    db.session.flush()
    return message


@contextmanager
def count_queries(engine: Engine | None = None) -> Iterator[Callable[[], int]]:
    """Count the SQL statements run inside the block: ``with count_queries() as count: ...; count()``.
    Pass the engine to count outside an app context (the bench does, so each request gets its own)."""
    statements: list[str] = []

    def before_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = engine or db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def random_scores(rng: Random, person: ServiceUser, now: datetime, *, dialog_eighths: tuple[int, int] = (10, 70),
                  reqol_totals: tuple[int, int] = (0, 41), superseded_share: float = 0.2,
                  goal_statuses: tuple[GoalStatus, ...] = (GoalStatus.ACTIVE, GoalStatus.DRAFT)) -> None:
    """Up to 3 submitted DIALOG and ReQoL-10 responses (DIALOG means in eighths, from
    ``dialog_eighths``; whole ReQoL-10 totals) and up to 3 goals with 1 to 3 ratings, on random days
    in the 400 before ``now``: made-up scores for comparing ways of counting outcomes."""
    for instrument_id in ("dialog", "reqol10"):
        for _ in range(rng.randrange(4)):
            score = {"quality_of_life": rng.randrange(*dialog_eighths) / 8} if instrument_id == "dialog" \
                else {"total": rng.randrange(*reqol_totals)}
            db.session.add(MeasureResponse(
                service_user_id=person.id, instrument_id=instrument_id, instrument_version="1",
                started_by_id=person.user_id, status=ResponseStatus.SUBMITTED,
                superseded=rng.random() < superseded_share,
                submitted_at=now - timedelta(days=rng.randrange(400)), scores=score))
    for _ in range(rng.randrange(4)):
        goal = Goal(service_user_id=person.id, text="A goal", written_by_id=person.user_id,
                    owner="service_user", status=rng.choice(goal_statuses))
        goal.ratings = [GoalRating(rating=rng.randrange(11), rated_by_id=person.user_id, rated_by_role="service_user",
                                   rated_at=now - timedelta(days=rng.randrange(400)))
                        for _ in range(rng.randrange(1, 4))]
        db.session.add(goal)
