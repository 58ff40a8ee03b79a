"""A carer's worry reaches a member of staff (issue 13): the carer says how urgent it feels, sees
crisis options, is told plainly that sharing choices do not stop them telling the team, and is
told truthfully who will see it and when."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import SafetyFlag
from portal.services import risk
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def test_the_page_asks_how_urgent_shows_crisis_options_and_says_the_team_always_listens(
        app: Flask, carer: Any, service_user: Any, as_carer: PageRequest) -> None:
    page = as_carer.get("carer.contribute", service_user_id=service_user.id)

    assert [i["value"] for i in page.select("input[name=worry_urgency]")] == ["now", "next_appointment"]
    assert "How urgent does it feel?" in page.get_text()
    crisis = page.select_one("#carer-crisis-help")
    assert crisis.select("a[href^='tel:']"), "tap-to-call crisis options"
    assert "not what you may tell us" in page.select_one("#worries-always-reach-the-team").get_text()


def test_an_urgent_worry_raises_an_urgent_flag_and_the_carer_is_told_who_and_when(
        app: Flask, carer: Any, service_user: Any, key_worker: Any, as_carer: PageRequest) -> None:
    factories.create_consent(carer, service_user, scopes=())  # Sam shares nothing with Jo

    as_carer.post("carer.contribute", {"worries": "He gave his things away", "worry_urgency": "now"},
                  _expected_status=303, service_user_id=service_user.id)

    flag = db.session.scalar(select(SafetyFlag))
    assert (flag.tier.value, flag.source.value, flag.assignee_id) == ("urgent", "carer", key_worker.id)
    with app.test_request_context():
        expected = risk.carer_notice(service_user.id, "urgent", now=flag.raised_at)
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert f"Thank you. {expected.who_capitalised} will see your worry {expected.when}." in " ".join(page.get_text().split())
    assert expected.who == "Kim Keyworker (Sam's key worker)"


def test_a_worry_without_how_urgent_gets_a_clear_error_and_keeps_the_words(
        app: Flask, carer: Any, service_user: Any, as_carer: PageRequest) -> None:
    page = as_carer.post("carer.contribute", {"worries": "Not sleeping"}, service_user_id=service_user.id)

    assert error_messages(page) == ["Say how urgent it feels"]
    assert page.select_one("textarea[name=worries]").get_text().strip() == "Not sleeping"
    assert db.session.scalar(select(SafetyFlag)) is None


def test_the_team_sees_a_carers_worry_with_its_words_on_the_flag_page(
        app: Flask, carer: Any, service_user: Any, as_carer: PageRequest, as_key_worker: PageRequest) -> None:
    as_carer.post("carer.contribute", {"worries": "Not eating", "worry_urgency": "next_appointment"},
                  _expected_status=303, service_user_id=service_user.id)
    flag = db.session.scalar(select(SafetyFlag))

    page = as_key_worker.get("staff.flag", flag_id=flag.id)

    assert "A carer's worry" in page.select_one("h1").get_text()
    assert "Not eating" in page.get_text() and "Routine" in page.get_text()
