"""The outcome_series table (one row per score series: first and latest points) stays in step with
the scores through the portal's own write paths, and the dashboard's series read from it are the
same as those read from the scores, for a period ending today; a period in the past reads the scores."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Agreement, Goal, GoalRating, GoalStatus, MeasureResponse, ResponseStatus, ServiceUser
from portal.services import goals, measures, outcome_series, outcomes
from tests import factories


def stored() -> Any:
    return outcome_series.read(select(ServiceUser.id), date.today())


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


def test_series_from_the_table_are_the_series_from_the_scores(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)  # nosec B311 # made-up data, not security
    team = factories.create_team()
    now = datetime.now(UTC)
    people = [factories.create_service_user(team) for _ in range(12)]
    for person in people:
        for instrument_id in ("dialog", "reqol10"):
            for _ in range(rng.randrange(4)):
                score = {"quality_of_life": rng.randrange(10, 70) / 10} if instrument_id == "dialog" \
                    else {"total": rng.randrange(41)}
                db.session.add(MeasureResponse(
                    service_user_id=person.id, instrument_id=instrument_id, instrument_version="1",
                    started_by_id=person.user_id, status=ResponseStatus.SUBMITTED, superseded=rng.random() < 0.2,
                    submitted_at=now - timedelta(days=rng.randrange(400)), scores=score))
        for _ in range(rng.randrange(3)):
            goal = Goal(service_user_id=person.id, text="A goal", written_by_id=person.user_id,
                        owner="service_user", status=rng.choice((GoalStatus.ACTIVE, GoalStatus.DRAFT)))
            goal.ratings = [GoalRating(rating=rng.randrange(11), rated_by_id=person.user_id,
                                       rated_by_role="service_user", rated_at=now - timedelta(days=rng.randrange(400)))
                            for _ in range(rng.randrange(1, 4))]
            db.session.add(goal)
    db.session.commit()
    everyone = select(ServiceUser.id).where(ServiceUser.team_id == team.id)
    today = now.date()

    def from_scores(end: date) -> Any:
        monkeypatch.setattr(outcome_series, "read", lambda *_: None)
        try:
            return outcomes.series_for(everyone, end)
        finally:
            monkeypatch.undo()

    expected_today = from_scores(today)
    assert sum(len(by_person) for by_person in expected_today.values()) > 10  # enough to compare

    def no_scores(*_: Any) -> Any:
        raise AssertionError("read the scores for a period ending today")

    with monkeypatch.context() as patch:
        patch.setattr(outcome_series, "measure_points", no_scores)
        patch.setattr(outcome_series, "goal_points", no_scores)
        assert outcomes.series_for(everyone, today) == expected_today
    for days_ago in (30, 200, 399):  # periods in the past: the scores, not the table
        end = today - timedelta(days=days_ago)
        assert outcomes.series_for(everyone, end) == from_scores(end)
    assert outcome_series.rebuild() == sum(
        len(series) for by_person in expected_today.values() for series in by_person.values())
    assert outcomes.series_for(everyone, today) == expected_today
