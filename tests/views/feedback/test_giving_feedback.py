"""Sam and Jo give feedback (the Friends and Family Test): offered on their home pages, one page,
never in the way, once a day, and kept without their names unless they ask to be contacted."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import CarerLink, Feedback, FeedbackReceipt
from portal.services import feedback
from portal.services.errors import NotFound
from tests import factories
from tests.conftest import PageRequest

GOOD = {"fft_answer": "good", "went_well": "Priya listened to me", "could_be_better": "Fewer cancelled sessions"}


def _all_feedback() -> list[Feedback]:
    return list(db.session.scalars(select(Feedback)))


def test_the_home_page_offers_feedback_until_it_is_given(as_service_user: PageRequest) -> None:
    home = as_service_user.get("me.home")
    assert home.select_one("#feedback-offer a")["href"] == as_service_user.url("me.give_feedback")
    assert "The team will not know it was you" in home.select_one("#feedback-offer").text

    as_service_user.post("me.give_feedback", GOOD, _expected_status=303)

    home = as_service_user.get("me.home")
    assert "Thank you. The team will read what you said, without your name." in home.text
    assert home.select_one("div#feedback-offer") is None  # no longer pressed, only mentioned
    assert home.select_one("p#feedback-offer a") is not None


def test_the_question_is_nhs_englands_wording_with_its_six_answers(as_service_user: PageRequest) -> None:
    page = as_service_user.get("me.give_feedback")
    assert page.select_one("legend").text.strip() == "Overall, how was your experience of our service?"
    answers = [label.text.strip() for label in page.select("input[name=fft_answer] + label")]
    assert answers == ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]
    assert page.select_one("textarea[name=went_well]") and page.select_one("textarea[name=could_be_better]")
    assert page.select_one("input[name=team]") is None  # one team: nothing to choose


def test_feedback_is_kept_without_the_persons_name(as_service_user: PageRequest, service_user: Any) -> None:
    as_service_user.post("me.give_feedback", GOOD, _expected_status=303)

    [kept] = _all_feedback()
    assert (kept.team_id, kept.respondent, kept.fft_answer) == (service_user.team_id, "service_user", "good")
    assert kept.went_well == "Priya listened to me" and kept.given_on == date.today()
    assert kept.contact_user_id is None
    [receipt] = db.session.scalars(select(FeedbackReceipt))
    # a keyed hash: who it was cannot be worked out from the ids without the portal's secret key
    unkeyed = hashlib.sha256(f"feedback:{service_user.user_id}:{service_user.team_id}".encode()).hexdigest()
    assert len(receipt.giver_digest) == 64 and receipt.giver_digest != unkeyed


def test_asking_to_be_contacted_keeps_who_it_was(as_service_user: PageRequest, service_user: Any) -> None:
    page = as_service_user.post("me.give_feedback", {**GOOD, "contact_me": "y"}, _expected_status=303)
    assert page is not None
    [kept] = _all_feedback()
    assert kept.contact_user_id == service_user.user_id


def test_once_a_day_a_second_send_keeps_nothing_more(as_service_user: PageRequest) -> None:
    as_service_user.post("me.give_feedback", GOOD, _expected_status=303)
    page = as_service_user.get("me.give_feedback")
    assert "You have already told us what you think today" in page.text
    as_service_user.post("me.give_feedback", GOOD, _expected_status=303)  # Back and send again
    assert len(_all_feedback()) == 1


def test_offered_again_after_the_interval(app: Any, as_service_user: PageRequest, service_user: Any) -> None:
    as_service_user.post("me.give_feedback", GOOD, _expected_status=303)
    receipt = db.session.scalars(select(FeedbackReceipt)).one()
    receipt.given_on = date.today() - timedelta(days=app.config["FEEDBACK_OFFER_EVERY_DAYS"])
    db.session.commit()
    assert as_service_user.get("me.home").select_one("div#feedback-offer") is not None


def test_an_answer_is_needed(as_service_user: PageRequest) -> None:
    page = as_service_user.post("me.give_feedback", {"went_well": "Kind staff"})
    assert page.title.text.startswith("Error:")
    assert "Select how your experience of our service was" in page.select_one(".nhsuk-error-summary").text
    assert page.select_one("textarea[name=went_well]").text.strip() == "Kind staff"
    assert _all_feedback() == []


def test_a_carer_gives_feedback_to_their_persons_team(as_carer: PageRequest, service_user: Any) -> None:
    assert as_carer.get("carer.home").select_one("#feedback-offer a")["href"] == as_carer.url("carer.give_feedback")
    as_carer.post("carer.give_feedback", {"fft_answer": "very_good", "could_be_better": "Call me back"},
                  _expected_status=303)
    [kept] = _all_feedback()
    assert (kept.team_id, kept.respondent, kept.contact_user_id) == (service_user.team_id, "carer", None)


def test_a_carer_of_people_in_two_teams_chooses_the_team(as_carer: PageRequest, carer: Any) -> None:
    other = factories.create_service_user(factories.create_team("Team Westfield"), given_name="Ash")
    db.session.add(CarerLink(carer_id=carer.id, service_user_id=other.id, relationship_type="Friend"))
    db.session.commit()
    page = as_carer.get("carer.give_feedback")
    # named by the people cared for: a carer may not have been told a team's name
    assert sorted(label.text.strip() for label in page.select("input[name=team] + label")) == [
        "The team caring for Ash", "The team caring for Sam"]
    as_carer.post("carer.give_feedback", {"fft_answer": "poor", "team": str(other.team_id)}, _expected_status=303)
    # the other team can still be told today; the one told cannot
    page = as_carer.get("carer.give_feedback")
    assert page.select_one("input[name=team]") is None
    assert page.select_one("#feedback-team").text == "This goes to the team caring for Sam."
    assert _all_feedback()[0].team_id == other.team_id


def test_a_team_a_carer_is_not_linked_to_cannot_be_told(as_carer: PageRequest, carer: Any, service_user: Any) -> None:
    stranger_team = factories.create_team("Team Elsewhere")
    db.session.commit()
    as_carer.post("carer.give_feedback", {"fft_answer": "poor", "team": str(stranger_team.id)}, _expected_status=303)
    assert [kept.team_id for kept in _all_feedback()] == [service_user.team_id]
    with pytest.raises(NotFound):
        feedback.give(carer.user, stranger_team.id, "poor", "", "", False, date.today())
