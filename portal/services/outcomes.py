"""Loading the series that portal/outcome_rules.py counts: DIALOG quality-of-life means, ReQoL-10
totals and GBO ratings, for a set of people, in three queries whatever their number."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import Select, select

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
    """instrument id → person id → series, everything up to the end of ``end``."""
    until = datetime.combine(end, time.max, tzinfo=UTC)
    found: dict[str, SeriesByPerson] = {instrument_id: {} for instrument_id in outcome_rules.INSTRUMENTS}
    points: dict[str, dict[int, list[outcome_rules.Point]]] = {key: defaultdict(list) for key in SCORE_KEYS}
    for person_id, instrument_id, submitted_at, scores in db.session.execute(
        select(MeasureResponse.service_user_id, MeasureResponse.instrument_id, MeasureResponse.submitted_at,
               MeasureResponse.scores)
        .where(MeasureResponse.service_user_id.in_(people), MeasureResponse.instrument_id.in_(tuple(SCORE_KEYS)),
               MeasureResponse.status == ResponseStatus.SUBMITTED, MeasureResponse.superseded.is_(False),
               MeasureResponse.submitted_at <= until)
    ):
        score = (scores or {}).get(SCORE_KEYS[instrument_id])
        if isinstance(score, int | float) and not isinstance(score, bool) and submitted_at is not None:
            points[instrument_id][person_id].append((submitted_at.date(), score))
    for instrument_id, by_person in points.items():
        found[instrument_id] = {person_id: [series] for person_id, series in by_person.items()}

    goals: dict[int, dict[int, list[outcome_rules.Point]]] = defaultdict(lambda: defaultdict(list))
    for person_id, goal_id, rated_at, rating in db.session.execute(
        select(Goal.service_user_id, Goal.id, GoalRating.rated_at, GoalRating.rating)
        .join(GoalRating, GoalRating.goal_id == Goal.id)
        .where(Goal.service_user_id.in_(people), Goal.status != GoalStatus.DRAFT, GoalRating.rated_at <= until)
    ):
        goals[person_id][goal_id].append((rated_at.date(), rating))
    found["gbo"] = {person_id: list(by_goal.values()) for person_id, by_goal in goals.items()}
    return found


def outcomes_for(
    people: Select[Any], person_ids: list[int], start: date, end: date, groups: dict[int, str] | None = None,
) -> tuple[outcome_rules.Outcomes, dict[str, outcome_rules.Outcomes]]:
    """The outcomes for everyone, and for each group (e.g. key worker) when ``groups`` is given."""
    series = series_for(people, end)
    everyone = outcome_rules.outcomes(person_ids, series, start, end, thresholds(), min_days())
    by_group = outcome_rules.by_group(groups, series, start, end, thresholds(), min_days()) if groups else {}
    return everyone, by_group
