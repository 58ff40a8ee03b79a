"""The statement of care (issue 15): a registered care team member writes it from a live template,
reviews goals inside it through the goals' own rating code, agrees it in versions, and it goes to the
record; members without a registration read it but cannot write it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, GoalRating, OutboxMessage
from portal.record import contract
from portal.services import care_team, once
from portal.services import statement_of_care as soc
from portal.services.errors import NotAllowed
from tests import factories
from tests.workspace_factories import create_care_plan, create_goal, create_response, create_safety_plan


def _member(person: Any, team_lead: Any, role: str, registration: str, name: str) -> Any:
    staff = factories.create_staff(factories.create_team(), name=name)
    staff.registration = registration
    care_team.add_member(team_lead.user, person, staff.id, role, "Joining for the clinic")
    return staff


@pytest.fixture
def consultant(service_user: Any, team_lead: Any) -> Any:
    return _member(service_user, team_lead, "consultant_psychiatrist", "GMC 1234567", "Dr Ade Bello")


@pytest.fixture
def peer(service_user: Any, team_lead: Any) -> Any:
    return _member(service_user, team_lead, "peer_support_worker", "", "Robin Clarke")


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_template_pulls_in_goals_scores_safety_plan_and_care_plan_live(app, service_user, consultant) -> None:
    today = date.today()
    goal = create_goal(service_user, agreed_on=today - timedelta(days=100), next_review_on=today - timedelta(days=5),
                       ratings=((today - timedelta(days=100), 2), (today - timedelta(days=10), 6)))
    create_response(service_user, "reqol10", today - timedelta(days=90), {"total": 18})
    create_response(service_user, "reqol10", today - timedelta(days=3), {"total": 25})
    create_response(service_user, "dialog", today - timedelta(days=3),
                    {"quality_of_life": 4.5, "treatment_satisfaction": 5.0})
    create_safety_plan(service_user)
    create_care_plan(service_user, agreed_on=today - timedelta(days=30), next_review_on=today + timedelta(days=335))

    content = soc.template(service_user, today)

    [shown] = content["goals"]
    assert (shown["id"], shown["first"], shown["latest"], shown["points"], shown["review_due"]) == (
        goal.id, 2, 6, 4, True)
    assert content["measures"]["reqol10"]["scores"]["total"] == {"latest": 25, "before": 18, "change": 7}
    assert content["measures"]["dialog"]["scores"]["quality_of_life"] == {"latest": 4.5, "before": None,
                                                                        "change": None}
    assert content["safety_plan"] is not None and content["safety_plan"]["review_due_on"]
    assert content["care_plan"]["next_review_on"] == (today + timedelta(days=335)).isoformat()


def test_a_consultant_writes_reviews_a_goal_in_it_and_agrees_it_which_goes_to_the_record(
        app, service_user, consultant) -> None:
    today = date.today()
    goal = create_goal(service_user, agreed_on=today - timedelta(days=100), next_review_on=today - timedelta(days=5),
                       ratings=((today - timedelta(days=100), 2),))
    statement = soc.start(consultant.user, service_user, "clinic_letter")
    soc.save_draft(consultant.user, service_user, statement, "Sam is sleeping better on the lower dose.")

    soc.review_goal(consultant.user, service_user, statement, goal.id, 7, still_right=True, today=today)

    # The goal's review: the same rating the goals pages make, by the consultant, and the review date moved on
    [first, made] = db.session.scalars(select(GoalRating).where(GoalRating.goal_id == goal.id)
                                       .order_by(GoalRating.id)).all()
    assert (made.rating, made.rated_by_id) == (7, consultant.user_id)
    assert goal.next_review_on is not None and goal.next_review_on > today
    assert statement.goal_reviews == {str(goal.id): {"rating": 7, "still_right": True, "rating_id": made.id}}

    version = soc.agree(consultant.user, service_user, statement, today)

    assert (version.number, version.author_name, version.author_role, version.author_registration) == (
        1, "Dr Ade Bello", "consultant_psychiatrist", "GMC 1234567")
    assert version.text == "Sam is sleeping better on the lower dose."
    assert version.content["goals"][0]["latest"] == 7 and version.content["goal_reviews"][str(goal.id)]["rating"] == 7
    [message] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == contract.STATEMENT_OF_CARE_AGREED)).all()
    assert message.payload["version_number"] == 1 and message.payload["author_name"] == "Dr Ade Bello"
    assert message.payload["nhs_number"] == service_user.nhs_number
    assert "reviewed now: 7, still right: yes" in message.payload["text"]
    assert message.payload["text"].endswith("Sam is sleeping better on the lower dose.")
    assert {"statement_of_care_started", "statement_of_care_draft_saved", "goal_rated",
            "statement_of_care_goal_reviewed", "statement_of_care_agreed"} <= set(_actions())


def test_later_edits_make_new_versions_and_every_version_is_kept(app, service_user, consultant) -> None:
    statement = soc.start(consultant.user, service_user, "session")
    soc.save_draft(consultant.user, service_user, statement, "First words.")
    soc.agree(consultant.user, service_user, statement)
    soc.save_draft(consultant.user, service_user, statement, "Second words.")
    assert statement.draft_text == "Second words."

    soc.agree(consultant.user, service_user, statement)

    assert [(v.number, v.text) for v in statement.versions] == [(1, "First words."), (2, "Second words.")]
    assert [v.number for v in soc.agreed_versions(service_user)] == [2]
    assert statement.goal_reviews == {}
    assert len(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == contract.STATEMENT_OF_CARE_AGREED)).all()) == 2


def test_nothing_to_agree_until_something_is_written(app, service_user, consultant) -> None:
    statement = soc.start(consultant.user, service_user, "session")
    with pytest.raises(ValueError):
        soc.agree(consultant.user, service_user, statement)
    assert statement.versions == []


def test_a_member_without_a_registration_reads_agreed_statements_but_cannot_write(
        app, service_user, consultant, peer) -> None:
    assert soc.may_write(consultant.user, service_user) and not soc.may_write(peer.user, service_user)
    with pytest.raises(NotAllowed):
        soc.start(peer.user, service_user, "session")
    statement = soc.start(consultant.user, service_user, "session")
    with pytest.raises(NotAllowed):
        soc.save_draft(peer.user, service_user, statement, "Not mine to write")
    with pytest.raises(NotAllowed):
        soc.agree(peer.user, service_user, statement)
    assert statement.draft_text == ""


def test_the_key_worker_counts_as_a_registered_writer(app, service_user, key_worker) -> None:
    statement = soc.start(key_worker.user, service_user, "session")
    soc.save_draft(key_worker.user, service_user, statement, "Written by the key worker.")
    assert soc.agree(key_worker.user, service_user, statement).author_role == "key_worker"


def test_the_same_start_form_sent_twice_begins_one_statement(app, service_user, consultant) -> None:
    sent = once.Sent(token="a-token-of-twenty-four-chars", content="")
    soc.start(consultant.user, service_user, "session", sent=sent)
    with pytest.raises(once.AlreadySent):
        soc.start(consultant.user, service_user, "session", sent=sent)
    assert len(soc.statements(service_user)) == 1


def test_agreeing_again_with_nothing_changed_makes_no_new_version(app, service_user, consultant) -> None:
    statement = soc.start(consultant.user, service_user, "session")
    soc.save_draft(consultant.user, service_user, statement, "The same words.")
    first = soc.agree(consultant.user, service_user, statement)
    again = soc.agree(consultant.user, service_user, statement)  # a double tap on "Agree"
    assert again.id == first.id and [v.number for v in statement.versions] == [1]
    assert len(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == contract.STATEMENT_OF_CARE_AGREED)).all()) == 1


def test_dialog_means_are_shown_and_sent_as_the_results_page_shows_them(app, service_user, consultant) -> None:
    today = date.today()
    create_response(service_user, "dialog", today - timedelta(days=40),
                    {"quality_of_life": 3.6666666666666665, "treatment_satisfaction": 5.0})
    create_response(service_user, "dialog", today - timedelta(days=3),
                    {"quality_of_life": 4.333333333333333, "treatment_satisfaction": 5.0})

    scores = soc.template(service_user, today)["measures"]["dialog"]["scores"]["quality_of_life"]
    text = soc.document_text("", {"measures": {"dialog": {"submitted_on": "2026-12-04", "before_on": "2026-10-28",
                                                          "scores": {"quality_of_life": scores}}}})

    assert scores == {"latest": 4.3, "before": 3.7, "change": 0.6}  # one decimal, half up, as on the results page
    assert "quality of life 4.3 (change +0.6 since 2026-10-28)" in text
