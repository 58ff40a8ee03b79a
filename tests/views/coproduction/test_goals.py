"""Goals: drafted by the service user on their phone, agreed and rated with the key worker."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.instruments import gbo
from portal.models import Goal, GoalChange, GoalStatus, OutboxMessage
from portal.services import goals
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def _draft(as_service_user: PageRequest, text: str = "Go to the shops on my own", rating: str = "2") -> Goal:
    as_service_user.post("me.new_goal", _data={"text": text, "first_rating": rating, "who_will_help": ["me", "carer"]},
                         _expected_status=303)
    return db.session.scalars(select(Goal).order_by(Goal.id.desc())).first()


def test_service_user_drafts_a_goal_in_their_own_words(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = _draft(as_service_user)
    assert (goal.text, goal.status, goal.owner.value, goal.who_will_help) == (
        "Go to the shops on my own", GoalStatus.DRAFT, "service_user", ["me", "carer"])
    assert [(r.rating, r.rated_by_role.value) for r in goal.ratings] == [(2, "service_user")]
    page = as_service_user.get("me.goals_page")
    assert "Go to the shops on my own" in page.get_text()
    assert "Draft: not agreed yet" in page.get_text()
    # A private draft does not go to the clinical record until it is agreed.
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "goal.changed")) is None


def test_a_goal_without_words_keeps_what_was_chosen_and_says_what_is_wrong(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.post("me.new_goal", _data={"text": "  ", "first_rating": "7", "what_will_help": "My sister"})
    assert page.title.get_text().startswith("Error:")
    assert error_messages(page) == ["Write your goal in your own words"]
    assert page.select_one("input[name=first_rating][value='7']").has_attr("checked")
    assert "My sister" in page.select_one("textarea[name=what_will_help]").get_text()


def test_at_most_three_goals_at_a_time(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        _draft(as_service_user, f"Goal {n}")
    page = as_service_user.get("me.goals_page")
    assert "Add a goal" not in [a.get_text(strip=True) for a in page.select("a.nhsuk-button")]
    as_service_user.post("me.new_goal", _data={"text": "A fourth", "first_rating": "1"}, _expected_status=303)
    assert db.session.scalar(select(Goal).where(Goal.text == "A fourth")) is None


def test_key_worker_agrees_the_draft_and_the_review_date_follows_the_pathway(app, service_user, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    service_user.care_pathway = factories.create_pathway("Lithium clinic", months=12)
    db.session.commit()
    goal = _draft(as_service_user)
    as_key_worker.post("staff.agree_goal", _data={"agreement": "together", "version": str(goal.version)},
                       _expected_status=303, service_user_id=service_user.id, goal_id=goal.id)
    db.session.refresh(goal)
    assert goal.status is GoalStatus.ACTIVE
    assert goal.next_review_on == gbo.next_review_date(date.today(), 12)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "goal.changed"))
    assert message.payload["status"] == "active" and message.payload["nhs_number"] == service_user.nhs_number


def test_setting_a_goal_on_someones_behalf_needs_a_reason(app, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_key_worker.post("staff.new_goal", _data={"text": "Stay safe", "first_rating": "0", "agreement": "on_behalf"},
                              service_user_id=service_user.id)
    assert error_messages(page) == ["Say why this goal was set for the person"]
    as_key_worker.post("staff.new_goal", _data={"text": "Stay safe", "first_rating": "0", "agreement": "on_behalf",
                                                "on_behalf_reason": "In crisis this week"},
                       _expected_status=303, service_user_id=service_user.id)
    goal = db.session.scalar(select(Goal))
    assert (goal.owner.value, goal.agreement.value, goal.on_behalf_reason) == ("key_worker", "on_behalf", "In crisis this week")


def test_rating_shows_progress_as_a_sentence_and_a_chart(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = _draft(as_service_user, rating="2")
    as_service_user.post("me.rate_goal", _data={"rating": "6", "version": str(goal.version)}, _expected_status=303,
                         goal_id=goal.id)
    page = as_service_user.get("me.goal_page", goal_id=goal.id)
    text = page.get_text(" ", strip=True)
    assert "Up 4 points since you started." in text
    assert "This is a real improvement." in text
    assert page.select_one("svg") is not None


def test_changing_a_goal_keeps_its_history_and_refuses_a_stale_edit(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = _draft(as_service_user, "Walk the dog")
    old_version = goal.version
    as_service_user.post("me.edit_goal", _data={"text": "Walk the dog every day", "version": str(old_version)},
                         _expected_status=303, goal_id=goal.id)
    page = as_service_user.post("me.edit_goal", _data={"text": "Walk to the park", "version": str(old_version)},
                                goal_id=goal.id)
    assert "Someone else changed this goal" in page.get_text()
    assert "Walk the dog every day" in page.select_one("#conflict").get_text()
    assert page.select_one("textarea[name=text]").get_text().strip() == "Walk to the park"
    db.session.refresh(goal)
    assert goal.text == "Walk the dog every day"
    change = db.session.scalar(select(GoalChange).where(GoalChange.goal_id == goal.id))
    assert (change.before["text"], change.after["text"]) == ("Walk the dog", "Walk the dog every day")


def test_stopping_a_goal_needs_a_reason(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = _draft(as_service_user)
    page = as_service_user.post("me.close_goal", _data={"ending": "stopped", "final_rating": "3",
                                                        "version": str(goal.version)}, goal_id=goal.id)
    assert error_messages(page) == ["Say why the goal was stopped"]
    as_service_user.post("me.close_goal", _data={"ending": "stopped", "final_rating": "3", "reason": "Moved house",
                                                 "version": str(goal.version)}, _expected_status=303, goal_id=goal.id)
    db.session.refresh(goal)
    assert (goal.status, goal.stop_reason, goal.ratings[-1].rating) == (GoalStatus.STOPPED, "Moved house", 3)


def test_nobody_sees_another_persons_goals(app, service_user, key_worker, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    other = factories.create_service_user(key_worker=factories.create_staff(key_worker.team))
    goal = goals.draft_goal(key_worker.user, other, text="Private goal", first_rating=1)
    as_service_user.get("me.goal_page", _expected_status=404, goal_id=goal.id)
    as_key_worker.get("staff.goals_page", _expected_status=404, service_user_id=other.id)
    # Their own person's URL with someone else's goal id.
    as_key_worker.get("staff.goal_page", _expected_status=404, service_user_id=service_user.id, goal_id=goal.id)


def test_a_rating_made_alone_says_the_review_with_the_key_worker_is_still_due(app, service_user, key_worker, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from portal.models import Agreement

    goal = goals.draft_goal(key_worker.user, service_user, text="Sleep better", first_rating=2,
                            agreement=Agreement.TOGETHER, today=date.today() - timedelta(days=85))
    due = goal.next_review_on
    response = as_service_user.client.post(as_service_user.url("me.rate_goal", goal_id=goal.id),
                                           data={"rating": "6", "version": str(goal.version)}, follow_redirects=True)
    db.session.refresh(goal)
    assert goal.next_review_on == due
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    text = " ".join(page.get_text(" ").split())
    assert f"Your review with your key worker is still due by {due.strftime('%-d %B %Y')}" in text
    rows = [" ".join(tr.get_text(" ").split()) for tr in page.select("table tbody tr")]
    assert rows[-1].endswith("rated by you, on your own (not a review)")

    staff_page = as_key_worker.get("staff.goal_page", service_user_id=service_user.id, goal_id=goal.id)
    staff_rows = [" ".join(tr.get_text(" ").split()) for tr in staff_page.select("table tbody tr")]
    assert staff_rows[-1].endswith("rated by the service user, on their own (not a review)")
    assert "on their own" not in staff_rows[0], "the first rating is where the goal started, not a review"
