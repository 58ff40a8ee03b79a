"""Keeping ``outcome_series`` (portal/models/outcome_series.py) in step with the scores, and reading
each series' first and latest points from the scores themselves.

The table is derived: every flush that adds, changes or removes a submitted DIALOG or ReQoL-10
response, a goal rating, or a goal's status recomputes the series it touched, in the same
transaction (an ``after_flush`` listener), so it can never be older than the scores it sums up.
``rebuild`` recomputes everyone's (after bulk loading, or if in doubt: ``flask outcomes rebuild``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, case, delete, event, func, insert, inspect, or_, select
from sqlalchemy.orm import Session

from portal import outcome_rules
from portal.extensions import db
from portal.models import Goal, GoalRating, GoalStatus, MeasureResponse, OutcomeSeries, ResponseStatus

SCORE_KEYS = {"dialog": "quality_of_life", "reqol10": "total"}  # the score a measure's series follows
GOAL_SERIES = "gbo:"
Points = list[tuple[date, float]]

_RESPONSE_FIELDS = ("status", "superseded", "submitted_at", "scores", "service_user_id", "instrument_id")
_RATING_FIELDS = ("rating", "rated_at", "goal_id")


def measure_points(connection: Connection, *where: ColumnElement[bool]) -> dict[tuple[int, str], Points]:
    """(person, instrument id) → [first, latest] points (one point when there is only one), for the
    submitted, current DIALOG and ReQoL-10 responses matching ``where``."""
    score = case(*((MeasureResponse.instrument_id == instrument_id, MeasureResponse.scores[key].as_float())
                   for instrument_id, key in SCORE_KEYS.items()))
    rows = _first_and_latest(
        connection,
        select(MeasureResponse.service_user_id, MeasureResponse.instrument_id, MeasureResponse.submitted_at, score)
        .where(MeasureResponse.instrument_id.in_(tuple(SCORE_KEYS)), MeasureResponse.status == ResponseStatus.SUBMITTED,
               MeasureResponse.superseded.is_(False), score.is_not(None), *where),
        series=(MeasureResponse.service_user_id, MeasureResponse.instrument_id),
        order=(MeasureResponse.submitted_at, MeasureResponse.id))
    found: dict[tuple[int, str], Points] = {}
    for person_id, instrument_id, at, value in rows:
        found.setdefault((person_id, instrument_id), []).append((at.date(), float(value)))  # UTC days, as stored
    return found


def goal_points(connection: Connection, *where: ColumnElement[bool]) -> dict[int, tuple[int, Points]]:
    """goal id → (person, [first, latest] ratings), for agreed goals' ratings matching ``where``."""
    rows = _first_and_latest(
        connection,
        select(Goal.service_user_id, Goal.id, GoalRating.rated_at, GoalRating.rating)
        .join(GoalRating, GoalRating.goal_id == Goal.id).where(Goal.status != GoalStatus.DRAFT, *where),
        series=(Goal.id,), order=(GoalRating.rated_at, GoalRating.id))
    found: dict[int, tuple[int, Points]] = {}
    for person_id, goal_id, at, rating in rows:
        found.setdefault(goal_id, (person_id, []))[1].append((at.date(), float(rating)))
    return found


def _first_and_latest(connection: Connection, query: Any, series: tuple[Any, ...],
                      order: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """``query``'s rows that are the first or the latest of their series, oldest first."""
    ranked = query.add_columns(
        func.row_number().over(partition_by=series, order_by=order).label("from_first"),
        func.row_number().over(partition_by=series, order_by=[column.desc() for column in order]).label("from_latest"),
    ).subquery()
    person, key, at, value = (ranked.c[index] for index in range(4))
    return list(connection.execute(
        select(person, key, at, value).where(or_(ranked.c.from_first == 1, ranked.c.from_latest == 1))
        .order_by(person, key, ranked.c.from_first)))


def _rows(measures: dict[tuple[int, str], Points], goals: dict[int, tuple[int, Points]]) -> list[dict[str, Any]]:
    """Table rows for the series ``measure_points`` and ``goal_points`` found."""
    found = [(person_id, instrument, instrument, points) for (person_id, instrument), points in measures.items()]
    found += [(person_id, "gbo", f"{GOAL_SERIES}{goal_id}", points) for goal_id, (person_id, points) in goals.items()]
    return [{"service_user_id": person_id, "instrument_id": instrument_id, "series_key": series_key,
             "first_on": points[0][0], "first_score": points[0][1], "latest_on": points[-1][0],
             "latest_score": points[-1][1], "points": min(len(points), 2),
             "days_apart": (points[-1][0] - points[0][0]).days}
            for person_id, instrument_id, series_key, points in found]


def refresh(connection: Connection, measures: Iterable[tuple[int, str]] = (), goals: Iterable[int] = ()) -> None:
    """Recompute the named series: (person, instrument id) pairs and goal ids."""
    people, goal_ids = {person_id for person_id, _ in measures}, set(goals)
    if people:
        connection.execute(delete(OutcomeSeries).where(
            OutcomeSeries.service_user_id.in_(people), OutcomeSeries.series_key.in_(tuple(SCORE_KEYS))))
    if goal_ids:
        connection.execute(delete(OutcomeSeries).where(
            OutcomeSeries.series_key.in_([f"{GOAL_SERIES}{goal_id}" for goal_id in goal_ids])))
    rows = _rows(measure_points(connection, MeasureResponse.service_user_id.in_(people)) if people else {},
                 goal_points(connection, Goal.id.in_(goal_ids)) if goal_ids else {})
    if rows:
        connection.execute(insert(OutcomeSeries), rows)


def rebuild() -> int:
    """Recompute every series from the scores; returns how many there are."""
    connection = db.session.connection()
    connection.execute(delete(OutcomeSeries))
    rows = _rows(measure_points(connection), goal_points(connection))
    if rows:
        connection.execute(insert(OutcomeSeries), rows)
    db.session.commit()
    return len(rows)


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


def touched(session: Session) -> tuple[set[tuple[int, str]], set[int]]:
    """The series a flush changes: (person, instrument id) pairs and goal ids. An answer saved to a
    response still in progress changes none."""
    measures: set[tuple[int, str]] = set()
    goals: set[int] = set()
    for obj in session.dirty:
        if isinstance(obj, MeasureResponse) and obj.instrument_id in SCORE_KEYS and _changed(obj, _RESPONSE_FIELDS):
            measures.add((obj.service_user_id, obj.instrument_id))
        elif isinstance(obj, GoalRating) and _changed(obj, _RATING_FIELDS):
            goals.add(obj.goal_id)
        elif isinstance(obj, Goal) and _changed(obj, ("status",)):
            goals.add(obj.id)
    for obj in (*session.new, *session.deleted):  # a new goal has no ratings of its own yet
        if isinstance(obj, MeasureResponse):
            if obj.instrument_id in SCORE_KEYS and obj.status == ResponseStatus.SUBMITTED:
                measures.add((obj.service_user_id, obj.instrument_id))
        elif isinstance(obj, GoalRating):
            goals.add(obj.goal_id)
        elif isinstance(obj, Goal) and obj in session.deleted:
            goals.add(obj.id)
    return measures, goals


def _after_flush(session: Session, _context: Any) -> None:
    measures, goals = touched(session)
    if measures or goals:
        refresh(session.connection(), measures, goals)


def keep_in_step() -> None:
    """Listen to every session's flushes (once, however many apps are made)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def answers_for(people: Any, end: date) -> bool:
    """Whether the table can answer for ``people`` (a select of service user ids) and a period
    ending on ``end``: not when a series' latest point is after it (a period in the past), and the
    caller reads the scores instead."""
    return db.session.connection().scalar(
        select(OutcomeSeries.id).where(OutcomeSeries.service_user_id.in_(people), OutcomeSeries.latest_on > end)
        .limit(1)) is None


def paired_changes(people: Any, start: date, end: date, min_days: int) -> Select[Any]:
    """One row a person of ``people`` with a measure paired in the period: their id, then each
    measure's change in ``outcome_rules.INSTRUMENTS`` order (NULL where not paired; for GBO the
    mean over their paired goals). Only for a period ``answers_for`` says it can."""
    change = OutcomeSeries.latest_score - OutcomeSeries.first_score
    return (
        select(OutcomeSeries.service_user_id,
               *(func.avg(case((OutcomeSeries.instrument_id == instrument, change))).label(instrument)
                 for instrument in outcome_rules.INSTRUMENTS))
        .where(OutcomeSeries.service_user_id.in_(people), OutcomeSeries.points > 1,
               OutcomeSeries.latest_on >= start, OutcomeSeries.latest_on <= end,
               OutcomeSeries.days_apart >= min_days)
        .group_by(OutcomeSeries.service_user_id)
    )
