"""Rules for goals and care plans, tested through the services without a request."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.instruments import gbo
from portal.models import Agreement, GoalStatus, Section
from portal.services import care_plans, goals
from portal.services.errors import EditConflict, NotAllowed
from tests import factories


def test_review_follows_the_pathway_and_moves_on_at_each_review(app, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(key_worker.user, service_user, text="Sleep", first_rating=2,
                            agreement=Agreement.TOGETHER, today=date(2026, 1, 31))
    assert goal.next_review_on == date(2026, 4, 30)  # about every 3 months by default, clamped to the month's end
    goals.rate_goal(key_worker.user, service_user, goal, 5, today=date(2026, 5, 2))
    assert goal.next_review_on == date(2026, 8, 2)
    assert goals.review_is_due(goal, date(2026, 8, 2)) and not goals.review_is_due(goal, date(2026, 8, 1))


def test_lithium_clinic_goals_are_reviewed_yearly(app, key_worker) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, care_pathway_id=factories.create_pathway("Lithium", 12).id)
    goal = goals.draft_goal(key_worker.user, person, text="Keep well", first_rating=6,
                            agreement=Agreement.TOGETHER, today=date(2026, 3, 1))
    assert goal.next_review_on == date(2027, 3, 1)


def test_a_draft_has_no_review_date_until_it_is_agreed(app, service_user) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Swim", first_rating=1)
    assert (goal.status, goal.next_review_on) == (GoalStatus.DRAFT, None)
    with pytest.raises(NotAllowed):
        goals.draft_goal(service_user.user, service_user, text="Run", agreement=Agreement.TOGETHER)


def test_reliable_change_uses_the_threshold(app, service_user) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Swim", first_rating=4)
    goals.rate_goal(service_user.user, service_user, goal, 6)
    assert goals.progress(goal).reliable == "no reliable change"
    goals.rate_goal(service_user.user, service_user, goal, 7)
    assert (goals.progress(goal).reliable, goals.progress(goal).points) == ("improvement", 3)
    assert gbo.reliable_change(7, 4) == "deterioration"


def test_ratings_outside_0_to_10_are_refused(app, service_user) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Swim", first_rating=4)
    with pytest.raises(ValueError):
        goals.rate_goal(service_user.user, service_user, goal, 11)


def test_an_edit_based_on_an_old_version_is_a_conflict(app, service_user) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Swim", first_rating=4)
    first = goal.version
    goals.update_goal(service_user.user, service_user, goal, {"text": "Swim twice"}, based_on_version=first)
    with pytest.raises(EditConflict) as conflict:
        goals.update_goal(service_user.user, service_user, goal, {"text": "Run"}, based_on_version=first)
    assert conflict.value.current.text == "Swim twice"  # type: ignore[attr-defined]


def test_agreed_versions_are_frozen_copies(app, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    entry = care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "My garden")
    goal = goals.draft_goal(service_user.user, service_user, text="Swim", first_rating=4)
    first = care_plans.agree(key_worker.user, service_user, today=date(2026, 11, 23))
    assert first.next_review_on == date(2027, 11, 23)  # at least yearly
    care_plans.update_entry(service_user.user, entry, "My garden and my cat", based_on_version=entry.version)
    goals.rate_goal(service_user.user, service_user, goal, 8)
    assert first.content["sections"]["what_matters"][0]["text"] == "My garden"
    assert first.content["goals"][0]["last_rating"] == 4
    second = care_plans.agree(service_user.user, service_user)
    assert (second.number, second.content["goals"][0]["last_rating"]) == (2, 8)
    with pytest.raises(NotAllowed):  # nothing changed since version 2
        care_plans.agree(service_user.user, service_user)
    with pytest.raises(ValueError):
        care_plans.agree(service_user.user, service_user, next_review_on=date(2030, 1, 1))


def test_agreed_goals_are_numbered_1_to_3_and_a_freed_number_is_reused(app, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    def agreed(text: str):  # type: ignore[no-untyped-def]
        return goals.draft_goal(key_worker.user, service_user, text=text, agreement=Agreement.TOGETHER)

    sleep, walk = agreed("Sleep"), agreed("Walk")
    draft = goals.draft_goal(service_user.user, service_user, text="Cook")
    assert (sleep.position, walk.position, draft.position) == (1, 2, None)  # a draft is not numbered
    goals.close_goal(key_worker.user, service_user, sleep, GoalStatus.ACHIEVED, based_on_version=sleep.version)
    goals.agree_goal(key_worker.user, service_user, draft, Agreement.TOGETHER, based_on_version=draft.version)
    assert (sleep.position, walk.position, draft.position) == (1, 2, 1)  # goal 1 is free again; closed keeps its own


def test_only_a_rating_with_or_by_the_team_is_a_review_that_moves_the_next_review(app, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    from portal.services import care_sessions

    today = date.today()
    goal = goals.draft_goal(key_worker.user, service_user, text="Sleep", first_rating=2, agreement=Agreement.TOGETHER,
                            today=today - timedelta(days=85))
    due = goal.next_review_on
    assert due is not None and due <= today + timedelta(days=7)

    rating = goals.rate_goal(service_user.user, service_user, goal, 4, today=today)
    assert goal.next_review_on == due, "Sam's own rating at home must not push back the review with his key worker"
    assert not goals.counts_as_review(rating)

    session = care_sessions.start(key_worker.user, service_user)
    in_session = goals.rate_goal(service_user.user, service_user, goal, 5, care_session_id=session.id, today=today)
    assert goals.counts_as_review(in_session)
    assert goal.next_review_on == gbo.next_review_date(today, gbo.REVIEW_MONTHS_DEFAULT)

    goal.next_review_on = due
    by_key_worker = goals.rate_goal(key_worker.user, service_user, goal, 6, today=today)
    assert goals.counts_as_review(by_key_worker)
    assert goal.next_review_on == gbo.next_review_date(today, gbo.REVIEW_MONTHS_DEFAULT)
