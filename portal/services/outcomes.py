"""Loading the series that portal/outcome_rules.py counts: DIALOG quality-of-life means, ReQoL-10
totals and GBO ratings, for a set of people, in two queries whatever their number."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import Select

from portal import outcome_rules
from portal.extensions import db
from portal.models import Goal, GoalRating, MeasureResponse
from portal.services import outcome_series, settings

SeriesByPerson = dict[int, list[outcome_rules.Series]]

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


def changes_for(people: Select[Any], start: date, end: date) -> dict[str, dict[int, float]]:
    """instrument id → person id → change, for everyone with that measure paired in the period
    (``outcome_rules.changes_by_person``). For a period ending today the database works it out from
    ``outcome_series``; for one in the past, it is worked out here from the scores."""
    found = outcome_series.changes(people, start, end, min_days())
    if found is None:
        found = outcome_rules.changes_by_person(series_from_scores(people, end), start, end, min_days())
    return found


def series_from_scores(people: Select[Any], end: date) -> dict[str, SeriesByPerson]:
    """instrument id → person id → series up to the end of ``end``: only each series' first and
    latest points, which is all pairing and change use, read from the scores."""
    until = datetime.combine(end, time.max, tzinfo=UTC)
    connection = db.session.connection()
    found: dict[str, SeriesByPerson] = {instrument_id: {} for instrument_id in outcome_rules.INSTRUMENTS}
    for (person_id, instrument_id), points in outcome_series.measure_points(
        connection, MeasureResponse.service_user_id.in_(people), MeasureResponse.submitted_at <= until
    ).items():
        found[instrument_id][person_id] = [points]
    for person_id, points in outcome_series.goal_points(
        connection, Goal.service_user_id.in_(people), GoalRating.rated_at <= until
    ).values():
        found["gbo"].setdefault(person_id, []).append(points)
    return found


def outcomes_for(
    people: Select[Any], person_ids: list[int], start: date, end: date,
    groupings: Mapping[str, Mapping[int, str]] | None = None,
) -> tuple[outcome_rules.Outcomes, dict[str, dict[str, outcome_rules.Outcomes]]]:
    """The outcomes for everyone, and for each group of each grouping (e.g. "key worker": person
    id → their key worker's name), read once for all of them."""
    kinds = outcome_rules.kinds_of_change(changes_for(people, start, end), thresholds())
    return outcome_rules.summarise_kinds(person_ids, kinds), outcome_rules.summarise_groupings(groupings or {}, kinds)
