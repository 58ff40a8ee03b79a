"""Loading the series that portal/outcome_rules.py counts: DIALOG quality-of-life means, ReQoL-10
totals and GBO ratings, for a set of people, in three queries whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import Select, case, func, or_, select

from portal import outcome_rules
from portal.extensions import db
from portal.models import Goal, GoalRating, GoalStatus, MeasureResponse, ResponseStatus
from portal.services import settings

SeriesByPerson = dict[int, list[outcome_rules.Series]]

SCORE_KEYS = {"dialog": "quality_of_life", "reqol10": "total"}
DIALOG_RELIABLE_CHANGE_DEFAULT = 1.0  # no published threshold: docs/adr/0004-outcomes-and-feedback.md


def thresholds() -> dict[str, float]:
    """Each measure's reliable-change threshold, from the settings (README, configuration)."""
    return {
        "dialog": float(current_app.config.get("DIALOG_RELIABLE_CHANGE", DIALOG_RELIABLE_CHANGE_DEFAULT)),
        "reqol10": settings.reqol_reliable_change(),
        "gbo": settings.gbo_reliable_change(),
    }




def min_days() -> int:
    return int(current_app.config.get("PAIRED_MEASURE_MIN_DAYS", 28))


def series_for(people: Select[Any], end: date) -> dict[str, SeriesByPerson]:
    """instrument id → person id → series, up to the end of ``end``. Only each series' first and
    latest points are read (window functions, on SQLite and PostgreSQL alike): pairing and change
    use nothing else, and a team of 10,000 then needs two rows per person and measure, not all."""
    until = datetime.combine(end, time.max, tzinfo=UTC)
    found: dict[str, SeriesByPerson] = {instrument_id: {} for instrument_id in outcome_rules.INSTRUMENTS}

    score = case((MeasureResponse.instrument_id == "dialog", MeasureResponse.scores["quality_of_life"].as_float()),
                 else_=MeasureResponse.scores["total"].as_float())
    order = (MeasureResponse.submitted_at, MeasureResponse.id)
    part = (MeasureResponse.service_user_id, MeasureResponse.instrument_id)
    ranked = (
        select(MeasureResponse.service_user_id.label("person"), MeasureResponse.instrument_id.label("instrument"),
               MeasureResponse.submitted_at.label("at"), score.label("score"),
               func.row_number().over(partition_by=part, order_by=order).label("from_first"),
               func.row_number().over(partition_by=part, order_by=[column.desc() for column in order])
               .label("from_latest"))
        .where(MeasureResponse.service_user_id.in_(people), MeasureResponse.instrument_id.in_(tuple(SCORE_KEYS)),
               MeasureResponse.status == ResponseStatus.SUBMITTED, MeasureResponse.superseded.is_(False),
               MeasureResponse.submitted_at <= until, score.is_not(None))
        .subquery()
    )
    measures: dict[str, dict[int, list[outcome_rules.Point]]] = {key: defaultdict(list) for key in SCORE_KEYS}
    for person_id, instrument_id, at, value in db.session.execute(
        select(ranked.c.person, ranked.c.instrument, ranked.c.at, ranked.c.score)
        .where(or_(ranked.c.from_first == 1, ranked.c.from_latest == 1))
    ):
        measures[instrument_id][person_id].append((at.date(), value))
    for instrument_id, by_person in measures.items():
        found[instrument_id] = {person_id: [series] for person_id, series in by_person.items()}

    rating_order = (GoalRating.rated_at, GoalRating.id)
    rated = (
        select(Goal.service_user_id.label("person"), Goal.id.label("goal"), GoalRating.rated_at.label("at"),
               GoalRating.rating.label("rating"),
               func.row_number().over(partition_by=Goal.id, order_by=rating_order).label("from_first"),
               func.row_number().over(partition_by=Goal.id, order_by=[column.desc() for column in rating_order])
               .label("from_latest"))
        .join(GoalRating, GoalRating.goal_id == Goal.id)
        .where(Goal.service_user_id.in_(people), Goal.status != GoalStatus.DRAFT, GoalRating.rated_at <= until)
        .subquery()
    )
    goals: dict[int, dict[int, list[outcome_rules.Point]]] = defaultdict(lambda: defaultdict(list))
    for person_id, goal_id, at, rating in db.session.execute(
        select(rated.c.person, rated.c.goal, rated.c.at, rated.c.rating)
        .where(or_(rated.c.from_first == 1, rated.c.from_latest == 1))
    ):
        goals[person_id][goal_id].append((at.date(), rating))
    found["gbo"] = {person_id: list(by_goal.values()) for person_id, by_goal in goals.items()}
    return found


def outcomes_for(
    people: Select[Any], person_ids: list[int], start: date, end: date,
    groupings: Mapping[str, Mapping[int, str]] | None = None,
) -> tuple[outcome_rules.Outcomes, dict[str, dict[str, outcome_rules.Outcomes]]]:
    """The outcomes for everyone, and for each group of each grouping (e.g. "key worker": person
    id → their key worker's name), read once for all of them."""
    limits = thresholds()
    changes = outcome_rules.changes_by_person(series_for(people, end), start, end, min_days())
    everyone = outcome_rules.summarise(person_ids, changes, limits)
    grouped: dict[str, dict[str, outcome_rules.Outcomes]] = {}
    for grouping, groups in (groupings or {}).items():
        members: dict[str, list[int]] = {}
        for person_id, group in groups.items():
            members.setdefault(group, []).append(person_id)
        grouped[grouping] = {group: outcome_rules.summarise(ids, changes, limits)
                             for group, ids in sorted(members.items())}
    return everyone, grouped
