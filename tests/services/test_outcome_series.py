"""The outcome_series table (one row per score series: first and latest points) stays in step with
the scores through the portal's own write paths, and each person's change that the database works
out from it is the change worked out from the scores, for a period ending today; a period in the
past reads the scores."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from portal import outcome_rules
from portal.extensions import db
from portal.models import (
    Agreement,
    MeasureResponse,
    OutcomeSeries,
    ServiceUser,
)
from portal.services import goals, measures, outcome_series, outcomes
from tests import factories
from tests import workspace_factories as make


def stored() -> tuple[dict[tuple[int, str], list[Any]], dict[int, tuple[int, list[Any]]]]:
    """The table as (person, instrument) → points and goal id → (person, points)."""
    measures: dict[tuple[int, str], list[Any]] = {}
    goals: dict[int, tuple[int, list[Any]]] = {}
    for row in db.session.scalars(select(OutcomeSeries)):
        points = [(row.first_on, row.first_score), (row.latest_on, row.latest_score)][:row.points]
        assert row.days_apart == (row.latest_on - row.first_on).days
        if row.series_key.startswith("gbo:"):
            goals[int(row.series_key.removeprefix("gbo:"))] = (row.service_user_id, points)
        else:
            measures[(row.service_user_id, row.series_key)] = points
    return measures, goals


def from_the_scores() -> Any:
    connection = db.session.connection()
    return outcome_series.measure_points(connection), outcome_series.goal_points(connection)


def complete(person: ServiceUser, instrument_id: str, pick: Any) -> MeasureResponse:
    response = measures.start_or_resume(person.user, person, instrument_id)
    for item in measures.questions(measures.instrument_for(instrument_id)):
        measures.save_answer(person.user, response, item, pick(item.values))
    return measures.submit(person.user, response, person)


def test_the_table_follows_submissions_corrections_and_goal_ratings(app: Flask) -> None:
    key_worker = factories.create_staff()
    sam = factories.create_service_user(key_worker.team, key_worker)
    db.session.commit()
    today = datetime.now(UTC).date()

    first = complete(sam, "reqol10", max)
    assert stored() == from_the_scores() == ({(sam.id, "reqol10"): [(today, first.scores["total"])]}, {})

    second = complete(sam, "reqol10", min)
    assert stored()[0][(sam.id, "reqol10")] == [(today, first.scores["total"]), (today, second.scores["total"])]

    correction = measures.start_correction(sam.user, second)
    measures.save_answer(sam.user, correction, measures.questions(measures.instrument_for("reqol10"))[0], 4)
    corrected = measures.submit(sam.user, correction, sam)
    assert corrected.scores["total"] != second.scores["total"]
    assert stored()[0][(sam.id, "reqol10")][-1] == (today, corrected.scores["total"])

    measures.start_or_resume(sam.user, sam, "dialog")  # in progress: not a score yet
    assert (sam.id, "dialog") not in stored()[0]

    goal = goals.draft_goal(sam.user, sam, text="Walk to the shop", first_rating=2)
    db.session.commit()
    assert stored()[1] == {}  # a draft goal's rating is not counted
    goals.agree_goal(key_worker.user, sam, goal, Agreement.TOGETHER, based_on_version=goal.version)
    goals.rate_goal(key_worker.user, sam, goal, 6)
    db.session.commit()
    assert stored()[1] == {goal.id: (sam.id, [(today, 2.0), (today, 6.0)])}
    assert stored() == from_the_scores()


def test_changes_from_the_table_are_the_changes_from_the_scores(app: Flask) -> None:
    rng = random.Random(7)  # nosec B311 # made-up data, not security
    team = factories.create_team()
    now = datetime.now(UTC)
    people = [factories.create_service_user(team) for _ in range(30)]
    for person in people:
        make.random_scores(rng, person, now)
    db.session.commit()
    everyone = select(ServiceUser.id).where(ServiceUser.team_id == team.id)
    today = now.date()

    def from_scores(start: date, end: date) -> Any:
        return outcome_rules.changes_by_person(outcomes.series_from_scores(everyone, end), start, end,
                                               outcomes.min_days())

    def from_table(start: date, end: date) -> Any:
        found: dict[str, dict[int, float]] = {instrument_id: {} for instrument_id in outcome_rules.INSTRUMENTS}
        for person_id, *changes in db.session.execute(
                outcome_series.paired_changes(everyone, start, end, outcomes.min_days())):
            for instrument_id, change in zip(outcome_rules.INSTRUMENTS, changes, strict=True):
                if change is not None:
                    found[instrument_id][person_id] = float(change)
        return found

    for days in (90, 365, 800):  # periods ending today: the table answers, with the same changes
        start = today - timedelta(days=days)
        assert outcome_series.answers_for(everyone, today)
        expected = from_scores(start, today)
        assert from_table(start, today) == expected
    assert sum(len(by_person) for by_person in expected.values()) > 20  # enough to compare
    for days_ago in (30, 200, 399):  # periods in the past: later points are kept, so the scores are read
        assert not outcome_series.answers_for(everyone, today - timedelta(days=days_ago))
    before = stored()
    assert outcome_series.rebuild() == len(before[0]) + len(before[1])
    assert stored() == before == from_the_scores()
