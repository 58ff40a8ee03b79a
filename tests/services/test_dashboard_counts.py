"""The dashboard's counts that the database makes (issue 16: 10,000 people in under 500 ms) are the
counts the portal's plain-Python rules make: outcomes by every grouping, each person's equality
group, and care plan and safety plan reviews overdue. On SQLite and on PostgreSQL (the CI runs this
file on both)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Date, String, literal, select

from portal import outcome_rules
from portal.extensions import db
from portal.models import (
    AuthorRole,
    CarePlan,
    CarePlanVersion,
    GoalStatus,
    Role,
    SafetyPlan,
)
from portal.services import caseload, outcome_series, outcomes
from portal.services.caseload import care_plan_review_due_on, months_after
from portal.services.dashboard import team_dashboard
from tests import factories
from tests import workspace_factories as make

GENDERS = ("female", "male", "other", "unknown", "", "M", "Female")
ETHNIC_CODES = ("A", "b", " C", "D", "H", "J", "M", "N", "P", "R", "s ", "Z", "99", "", "X", "AB")


def days(start: date, end: date) -> Iterator[date]:
    while start <= end:
        yield start
        start += timedelta(days=1)


@pytest.mark.parametrize("months", [1, 6, 12])
def test_the_last_day_due_is_the_last_day_whose_review_falls_by_then(months: int) -> None:
    for day in days(date(2027, 1, 1), date(2029, 3, 31)):  # a leap year's February and ends of months
        due_by = caseload.last_day_due_by(day, months)
        assert months_after(due_by, months) <= day
        assert months_after(due_by + timedelta(days=1), months) > day


def test_equality_groups_worked_out_by_the_database_are_the_rules_groups(app: Flask) -> None:
    rng = random.Random(16)  # nosec B311 # made-up data
    births = [date(2000, 2, 29), date(2008, 2, 29), date(1960, 3, 1), date(1960, 2, 28), None,
              *(date(1940, 1, 1) + timedelta(days=rng.randrange(31_000)) for _ in range(150))]
    for on in (date(2026, 2, 28), date(2028, 2, 29), date(2028, 3, 1), date(2026, 12, 31), date.today()):
        bands = db.session.execute(select(*(
            outcomes.age_band_of(literal(born, Date), on) for born in births))).one()
        assert list(bands) == [outcome_rules.age_band(born, on) for born in births]
    genders = db.session.execute(select(*(outcomes.gender_group_of(literal(g, String)) for g in GENDERS))).one()
    assert list(genders) == [outcome_rules.gender_group(g) for g in GENDERS]
    groups = db.session.execute(select(*(outcomes.ethnic_group_of(literal(c, String)) for c in ETHNIC_CODES))).one()
    assert list(groups) == [outcome_rules.ethnic_group(c) for c in ETHNIC_CODES]


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=13)


@pytest.mark.parametrize("today", [date(2028, 2, 29), date(2028, 3, 1), date(2027, 2, 28), date(2027, 3, 31)])
def test_reviews_overdue_are_counted_as_the_caseload_counts_them(app: Flask, today: date) -> None:
    """Plans agreed or reviewed on the days around a year before ``today``, reviews set around it:
    the database's counts are the caseload's rules (caseload.care_plan_review_due_on, a safety
    plan due a year after its last review) applied to each plan."""
    rng = random.Random(today.toordinal())  # nosec B311 # made-up data
    lead = factories.create_staff(role=Role.TEAM_LEAD)
    year_ago = today.replace(year=today.year - 1, day=28 if today.month == 2 else today.day)
    expected_care, expected_safety = [], []
    for index in range(60):
        person = factories.create_service_user(lead.team)
        if index % 5:
            agreed_on = year_ago + timedelta(days=rng.randrange(-4, 5))
            next_review_on = rng.choice((None, today + timedelta(days=rng.randrange(-3, 4))))
            plan = CarePlan(service_user_id=person.id)
            plan.versions = [CarePlanVersion(number=1, agreed_at=_at(agreed_on - timedelta(days=90)),
                                             agreed_by_id=lead.user_id, agreed_by_role=AuthorRole.KEY_WORKER,
                                             next_review_on=agreed_on, content={}),
                             CarePlanVersion(number=2, agreed_at=_at(agreed_on), agreed_by_id=lead.user_id,
                                             agreed_by_role=AuthorRole.KEY_WORKER,
                                             next_review_on=next_review_on or today, content={})]
            plan.next_review_on = next_review_on
            db.session.add(plan)
            expected_care.append(care_plan_review_due_on(next_review_on, agreed_on) < today)
        if index % 7:
            last = year_ago + timedelta(days=rng.randrange(-4, 5))
            reviewed = rng.random() < 0.5
            db.session.add(SafetyPlan(service_user_id=person.id, updated_by_id=lead.user_id, warning_signs="Not sleeping",
                                      created_at=_at(last - timedelta(days=30) if reviewed else last),
                                      reviewed_on=last if reviewed else None))
            expected_safety.append(months_after(last, 12) <= today)
    db.session.commit()
    assert 0 < sum(expected_care) < len(expected_care) and 0 < sum(expected_safety) < len(expected_safety)

    board = team_dashboard(lead.user, today - timedelta(days=365), today, today)
    assert (board.care_plan_overdue, board.no_care_plan) == (sum(expected_care), 60 - len(expected_care))
    assert (board.safety_plan_overdue, board.no_safety_plan) == (sum(expected_safety), 60 - len(expected_safety))


def test_outcomes_counted_by_the_database_are_the_outcomes_counted_person_by_person(
    app: Flask, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """For a period ending today the database counts each grouping's outcomes from outcome_series;
    the same dashboard with that switched off classes each person's change in Python from the
    scores and counts person by person (outcome_rules.summarise_groupings). They must agree."""
    rng = random.Random(1016)  # nosec B311 # made-up data
    lead = factories.create_staff(role=Role.TEAM_LEAD)
    key_workers = [factories.create_staff(lead.team, name=name) for name in ("Kim Lee", "Ann Bell", "Kim Lee")]
    pathways = [factories.create_pathway("Psychosis"), factories.create_pathway("Complex emotional needs")]
    now = datetime.now(UTC)
    for _ in range(80):
        person = factories.create_service_user(lead.team, rng.choice((*key_workers, None)))
        person.care_pathway_id = rng.choice(pathways).id if rng.random() < 0.8 else None
        person.date_of_birth = date(1940, 1, 1) + timedelta(days=rng.randrange(31_000))
        person.gender, person.ethnic_category = rng.choice(GENDERS), rng.choice(ETHNIC_CODES)
        # DIALOG means in eighths, whole ReQoL-10 totals: changes often land exactly on a threshold
        make.random_scores(rng, person, now, dialog_eighths=(8, 57), reqol_totals=(15, 26), superseded_share=0.1,
                           goal_statuses=(GoalStatus.ACTIVE, GoalStatus.ACTIVE, GoalStatus.DRAFT))
    db.session.commit()
    today = now.date()

    def no_scores(*_: Any) -> Any:
        raise AssertionError("read the scores for a period ending today")

    for start in (today - timedelta(days=90), today - timedelta(days=365)):
        with monkeypatch.context() as patch:
            patch.setattr(outcomes, "series_from_scores", no_scores)
            counted = team_dashboard(lead.user, start, today, today)
        with monkeypatch.context() as patch:
            patch.setattr(outcome_series, "answers_for", lambda *_: False)
            by_person = team_dashboard(lead.user, start, today, today)
        for field in ("outcomes", "outcomes_by_key_worker", "outcomes_by_pathway", "outcomes_by_age_band",
                      "outcomes_by_gender", "outcomes_by_ethnic_group"):
            assert getattr(counted, field) == getattr(by_person, field), field
        assert list(counted.outcomes_by_key_worker) == ["Ann Bell", "Kim Lee"]  # two Kim Lees: one group
        kinds = counted.outcomes.measures
        assert all(kinds[i].changes[kind] for i in outcome_rules.INSTRUMENTS for kind in outcome_rules.CHANGES)
        assert counted.outcomes.people == 80 > counted.outcomes.paired_any > 20
