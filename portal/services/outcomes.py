"""Outcomes that count for a set of people (portal/outcome_rules.py): DIALOG quality-of-life
means, ReQoL-10 totals and GBO ratings, paired and classed, by group. For a period ending today
the database counts them from ``outcome_series``; for one in the past, the scores are read and
counted here. A fixed number of queries whatever the number of people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, String, Subquery, case, func, literal, select, union_all
from sqlalchemy import SQLColumnExpression as SQLColumn

from portal import outcome_rules
from portal.extensions import db
from portal.instruments._checks import DETERIORATION, IMPROVEMENT, NO_RELIABLE_CHANGE
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


Groupings = dict[str, dict[str, outcome_rules.Outcomes]]  # grouping → group → outcomes


def outcomes_for(people: Subquery, groupings: Sequence[str], start: date,
                 end: date) -> tuple[outcome_rules.Outcomes, Groupings]:
    """The outcomes for everyone in ``people`` (a subquery: an ``id`` column and one column per
    grouping, each person's group in it, e.g. "key_worker": their key worker's name), and for each
    group of each grouping.

    For a period ending today the database counts them (``_counted``): only counts come back,
    whatever the number of people. For one in the past, each person's change is worked out here
    from the scores and counted here; a test checks both ways count the same."""
    ids = select(people.c.id)
    if outcome_series.answers_for(ids, end):
        by_code = _counted(people, groupings, start, end)
        return (outcome_rules.outcomes_by_code(by_code.get(OVERALL, {}).get("", Counter())),
                {name: {group: outcome_rules.outcomes_by_code(counted)
                        for group, counted in sorted(by_code.get(name, {}).items())} for name in groupings})
    kinds = outcome_rules.kinds_of_change(
        outcome_rules.changes_by_person(series_from_scores(ids, end), start, end, min_days()), thresholds())
    rows = db.session.connection().execute(select(people)).all()
    return (outcome_rules.summarise_kinds([row.id for row in rows], kinds),
            outcome_rules.summarise_groupings({name: {row.id: row._mapping[name] for row in rows}
                                               for name in groupings}, kinds))


OVERALL = ""  # _counted's grouping for everyone together (no grouping is called this)


def _kind_digit(change: ColumnElement[Any], threshold: float) -> ColumnElement[int]:
    """``outcome_rules.KIND_DIGIT`` of a change, classed as ``classify_change`` classes it; 0 when
    the measure is not paired (no change)."""
    return case((change.is_(None), 0),
                (change >= threshold, outcome_rules.KIND_DIGIT[IMPROVEMENT]),
                (change <= -threshold, outcome_rules.KIND_DIGIT[DETERIORATION]),
                else_=outcome_rules.KIND_DIGIT[NO_RELIABLE_CHANGE])


def _counted(people: Subquery, groupings: Sequence[str], start: date, end: date) -> dict[str, dict[str, Counter[int]]]:
    """grouping → group → each person's number (``outcome_rules``' base-4 code of their kinds of
    change) → how many people have it, counted by the database from ``outcome_series``; everyone
    together under ``OVERALL``."""
    paired = outcome_series.paired_changes(select(people.c.id), start, end, min_days()).subquery()
    limits = thresholds()
    code = sum((_kind_digit(paired.c[instrument_id], limits[instrument_id]) * 4 ** index
                for index, instrument_id in enumerate(outcome_rules.INSTRUMENTS)), start=literal(0))
    codes = select(paired.c.service_user_id, code.label("code")).subquery()
    coded = (select(people, func.coalesce(codes.c.code, 0).label("code"))
             .outerjoin(codes, codes.c.service_user_id == people.c.id).cte("coded"))
    counts = union_all(
        select(literal(OVERALL, String), literal("", String), coded.c.code, func.count()).group_by(coded.c.code),
        *(select(literal(name, String), coded.c[name], coded.c.code, func.count()).group_by(coded.c[name], coded.c.code)
          for name in groupings))
    found: dict[str, dict[str, Counter[int]]] = {}
    for grouping, group, person_code, number in db.session.connection().execute(counts).all():
        found.setdefault(grouping, {}).setdefault(group, Counter())[person_code] = number
    return found


# The equality breakdown's groups (outcome_rules.age_band, gender_group and ethnic_group) worked
# out by the database, so the dashboard reads counts rather than every person's details.

def age_band_of(born: SQLColumn[date], on: date) -> ColumnElement[str]:
    """``outcome_rules.age_band``: someone is at least N on ``on`` when born on or before the day
    N years earlier (28 February for a 29 February in a year without one)."""
    next_band_from = (18, 26, 36, 46, 56, 66)  # the age each band but the last ends at
    return case((born.is_(None), "unknown"),
                *((born > _years_before(on, age), band)
                  for age, band in zip(next_band_from, outcome_rules.AGE_BANDS[:-1], strict=True)),
                else_=outcome_rules.AGE_BANDS[-1])


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February, to a year without one
        return on.replace(year=on.year - years, day=28)


def gender_group_of(gender: SQLColumn[str]) -> ColumnElement[str]:
    """``outcome_rules.gender_group``."""
    return case((gender.in_(outcome_rules.GENDERS), gender), else_="unknown")


def ethnic_group_of(code: SQLColumn[str]) -> ColumnElement[str]:
    """``outcome_rules.ethnic_group`` (a FHIR code has no spaces or tabs around it, so trimming
    spaces is trimming everything ``str.strip`` would)."""
    return case(outcome_rules.ETHNIC_GROUP_OF, value=func.upper(func.trim(func.coalesce(code, ""))), else_="unknown")
