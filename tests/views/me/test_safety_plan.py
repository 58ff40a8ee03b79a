"""The service user's safety plan pages, and the trusted-phone option."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from portal.services import safety_plans
from tests import factories
from tests.conftest import PageRequest, sign_in
from tests.pages import check_page, error_messages

COOKIE = "safety_plan_phone"


def _text(page: Any) -> str:
    return " ".join(page.get_text(" ").split())


def _plan(person: Any, **steps: str) -> Any:
    return safety_plans.save(person.user, person, steps or {"warning_signs": "I stop sleeping."}, 0)


# Reading and the link to it ------------------------------------------------------------------

def test_the_safety_plan_link_is_in_the_header_of_service_user_pages(as_service_user: PageRequest) -> None:
    for endpoint in ("me.home", "me.measures_list", "me.safety_plan"):
        page = as_service_user.get(endpoint)
        links = page.select(".nhsuk-header a[href='/me/safety-plan']")
        assert [_text(link) for link in links] == ["My safety plan"], endpoint


def test_without_a_plan_the_page_gives_crisis_contacts_and_asks_to_make_one_with_the_key_worker(
    as_service_user: PageRequest, service_user: Any,
) -> None:
    page = as_service_user.get("me.safety_plan")

    text = _text(page)
    assert "You do not have a safety plan yet" in text
    assert page.select_one("a[href='tel:111']") is not None
    assert page.select_one("a[href='tel:116123']") is not None
    assert "Make a plan with your key worker" in text
    assert service_user.key_worker.name in text
    start = page.find("a", string=lambda s: s and "Start my safety plan" in s)
    assert start["href"] == "/me/safety-plan/steps/warning_signs?walk=1"


def test_the_plan_shows_every_step_in_the_person_s_words_escaped(as_service_user: PageRequest,
                                                                service_user: Any) -> None:
    _plan(service_user, warning_signs="<script>alert(1)</script>\nNot sleeping", reasons_for_living="Bess")

    page = as_service_user.get("me.safety_plan")

    steps = page.select(".portal-safety-plan__step")
    assert len(steps) == 7
    assert "Signs that I am starting to struggle" in _text(steps[0])
    assert page.find("script", string=lambda s: s and "alert(1)" in s) is None
    assert "<script>alert(1)</script>" in steps[0].select_one(".portal-safety-plan__text").get_text()
    assert "Bess" in _text(steps[6])
    assert "Nothing written yet" in _text(steps[1])
    assert page.select_one("a[href='/me/safety-plan/print']") is not None


# Writing, one step at a time -----------------------------------------------------------------

def test_writing_a_step_saves_it_and_returns_to_the_plan(as_service_user: PageRequest, service_user: Any) -> None:
    page = as_service_user.get("me.edit_safety_plan_step", step="cope_on_my_own")
    assert _text(page.h1) == "Things I can do to help myself"
    assert "For example: go for a walk" in _text(page)
    assert page.select_one("input[name=version]")["value"] == "0"

    as_service_user.post("me.edit_safety_plan_step", step="cope_on_my_own",
                         _data={"version": "0", "text": "Walk the dog"}, _expected_status=303,
                         _expected_redirect="/me/safety-plan#step-2")

    plan = safety_plans.current(service_user)
    assert plan is not None and plan.cope_on_my_own == "Walk the dog"
    assert "Walk the dog" in _text(as_service_user.get("me.safety_plan"))


def test_starting_a_plan_walks_through_the_steps_and_skipping_one_saves_nothing(
    as_service_user: PageRequest, service_user: Any,
) -> None:
    as_service_user.post("me.edit_safety_plan_step", step="warning_signs", walk="1",
                         _data={"version": "0", "text": ""}, _expected_status=303,
                         _expected_redirect="/me/safety-plan/steps/cope_on_my_own?walk=1")
    assert safety_plans.current(service_user) is None

    page = as_service_user.get("me.edit_safety_plan_step", step="cope_on_my_own", walk="1")
    assert "Step 2 of 7" in _text(page)
    as_service_user.post("me.edit_safety_plan_step", step="cope_on_my_own", walk="1",
                         _data={"version": "0", "text": "Music"}, _expected_status=303,
                         _expected_redirect="/me/safety-plan/steps/people_and_places?walk=1")
    assert safety_plans.current(service_user).cope_on_my_own == "Music"  # type: ignore[union-attr]


def test_a_step_that_is_too_long_shows_the_error_and_keeps_the_words(as_service_user: PageRequest) -> None:
    words = "x" * (safety_plans.STEP_MAX_LENGTH + 1)
    page = as_service_user.post("me.edit_safety_plan_step", step="warning_signs",
                                _data={"version": "0", "text": words})
    assert error_messages(page) == [f"This must be {safety_plans.STEP_MAX_LENGTH} characters or fewer"]
    assert page.select_one("textarea[name=text]").get_text() == words


def test_an_edit_after_the_key_worker_saved_shows_their_words_and_keeps_mine(
    as_service_user: PageRequest, service_user: Any, key_worker: Any,
) -> None:
    _plan(service_user, warning_signs="First")
    safety_plans.save(key_worker.user, service_user, {"warning_signs": "Key worker's words"}, 1)

    page = as_service_user.post("me.edit_safety_plan_step", step="warning_signs",
                                _data={"version": "1", "text": "My own words"}, _expected_status=409)

    assert "Your plan changed while you were writing" in _text(page)
    assert "Your key worker saved a change" in _text(page)
    assert _text(page.select_one(".portal-safety-plan__newer")) == "Key worker's words"
    assert page.select_one("textarea[name=text]").get_text() == "My own words"
    assert page.select_one("input[name=version]")["value"] == "2"
    # Saving again, on top of the newer version, keeps the person's words
    as_service_user.post("me.edit_safety_plan_step", step="warning_signs",
                         _data={"version": "2", "text": "My own words"}, _expected_status=303)
    db.session.expire_all()
    assert safety_plans.current(service_user).warning_signs == "My own words"  # type: ignore[union-attr]


def test_an_unknown_step_is_not_found(as_service_user: PageRequest) -> None:
    as_service_user.get("me.edit_safety_plan_step", step="password", _expected_status=404)


def test_the_print_view_has_the_plan_and_the_crisis_numbers(as_service_user: PageRequest, service_user: Any) -> None:
    # No plan yet: back to the plan page (crisis contacts, and how to make one)
    assert as_service_user.client.get("/me/safety-plan/print").status_code == 302
    _plan(service_user, reasons_for_living="Bess")

    page = as_service_user.get("me.print_safety_plan")

    assert _text(page.h1) == f"Safety plan for {service_user.display_name}"
    assert "Bess" in _text(page)
    assert "116 123" in _text(page)
    assert page.select_one("link[href^='/static/dist/css/safety_plan.'][href$='.css']") is not None


def test_other_roles_cannot_open_a_service_user_s_plan_pages(as_key_worker: PageRequest,
                                                             as_carer: PageRequest) -> None:
    as_key_worker.get("me.safety_plan", _expected_status=403)
    as_carer.get("me.edit_safety_plan_step", step="warning_signs", _expected_status=403)


# A trusted phone -----------------------------------------------------------------------------

@pytest.fixture
def phones_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "SAFETY_PLAN_ON_TRUSTED_DEVICE", True)


def test_when_the_trust_has_not_turned_it_on_there_is_no_option_and_the_pages_are_not_found(
    as_service_user: PageRequest, service_user: Any, page_request: PageRequest,
) -> None:
    _plan(service_user)
    token = safety_plans.trust_device(service_user.user)  # even a token made while it was on

    assert "without signing in" not in _text(as_service_user.get("me.safety_plan"))
    as_service_user.get("me.safety_plan_phone", _expected_status=404)
    as_service_user.post("me.trust_this_phone", _expected_status=404)
    page_request.client.set_cookie(COOKIE, token, path="/me/safety-plan")
    page_request.get("me.safety_plan_on_this_phone", _expected_status=404)
    assert "I stop sleeping" not in page_request.client.get("/me/safety-plan/on-this-phone").get_data(as_text=True)


def test_trusting_this_phone_sets_a_long_lived_http_only_cookie_and_stores_only_a_hash(
    phones_on: None, as_service_user: PageRequest, service_user: Any, app: Flask, monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = as_service_user.get("me.safety_plan_phone")
    assert "Anyone who uses this phone will be able to read your safety plan" in _text(page)

    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = as_service_user.client.post("/me/safety-plan/this-phone/trust")

    assert response.status_code == 303
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")]
    assert "HttpOnly" in header and "Secure" in header and "SameSite=Lax" in header
    assert "Path=/me/safety-plan" in header
    assert f"Max-Age={safety_plans.DEVICE_DAYS * 86400}" in header
    token = header.split(";")[0].split("=", 1)[1]
    [device] = safety_plans.trusted_devices(service_user.user)
    assert device.token_hash != token
    assert "This phone shows your safety plan without signing in" in _text(as_service_user.get("me.safety_plan_phone"))


def test_a_trusted_phone_shows_only_the_plan_without_signing_in(
    phones_on: None, service_user: Any, page_request: PageRequest,
) -> None:
    _plan(service_user, reasons_for_living="Bess")
    token = safety_plans.trust_device(service_user.user)
    page_request.client.set_cookie(COOKIE, token, path="/me/safety-plan")

    response = page_request.client.get("/me/safety-plan/on-this-phone")
    page = check_page(response.get_data(as_text=True))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "Bess" in _text(page)
    assert not re.search(rf"\b({service_user.given_name}|{service_user.family_name})\b", _text(page))
    assert service_user.nhs_number not in response.get_data(as_text=True)
    assert page.select_one("a[href='/me/']") is None  # nothing else from their account
    assert "safety_plan_viewed_on_device" in db.session.scalars(select(AuditEvent.action)).all()
    # Signed out, nothing else opens with the cookie
    assert page_request.client.get("/me/").status_code == 302


def test_without_a_working_cookie_the_phone_gets_crisis_contacts_not_a_plan(
    phones_on: None, service_user: Any, page_request: PageRequest,
) -> None:
    _plan(service_user, reasons_for_living="Bess")
    page = page_request.get("me.safety_plan_on_this_phone", _expected_status=404)
    assert "This phone cannot show a safety plan" in _text(page)
    assert page.select_one("a[href='tel:111']") is not None
    page_request.client.set_cookie(COOKIE, "guessed", path="/me/safety-plan")
    assert "Bess" not in _text(page_request.get("me.safety_plan_on_this_phone", _expected_status=404))


def test_turning_it_off_on_this_phone_stops_it(phones_on: None, as_service_user: PageRequest,
                                                service_user: Any) -> None:
    _plan(service_user)
    as_service_user.client.post("/me/safety-plan/this-phone/trust")
    token = as_service_user.client.get_cookie(COOKIE, path="/me/safety-plan").value

    response = as_service_user.client.post("/me/safety-plan/this-phone/forget")

    assert response.status_code == 303
    assert as_service_user.client.get_cookie(COOKIE, path="/me/safety-plan") is None
    assert safety_plans.view_on_device(token) is None


def test_anyone_holding_the_phone_can_stop_it_showing_the_plan(phones_on: None, service_user: Any,
                                                                page_request: PageRequest) -> None:
    _plan(service_user)
    token = safety_plans.trust_device(service_user.user)
    page_request.client.set_cookie(COOKIE, token, path="/me/safety-plan")

    response = page_request.client.post("/me/safety-plan/on-this-phone/forget")

    assert response.status_code == 303
    assert safety_plans.view_on_device(token) is None


def test_turning_it_off_everywhere_and_changing_the_password_stop_every_phone(
    phones_on: None, as_service_user: PageRequest, service_user: Any, app: Flask,
) -> None:
    first = safety_plans.trust_device(service_user.user)
    as_service_user.client.post("/me/safety-plan/phones/forget")
    assert safety_plans.view_on_device(first) is None

    second = safety_plans.trust_device(service_user.user)
    as_service_user.client.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "a-brand-new-password-1",
        "confirm_password": "a-brand-new-password-1",
    })
    assert safety_plans.view_on_device(second) is None


def test_someone_else_signed_in_on_the_phone_cannot_turn_off_or_see_your_phone(
    phones_on: None, service_user: Any, app: Flask,
) -> None:
    token = safety_plans.trust_device(service_user.user)
    other = factories.create_service_user()
    client = sign_in(app.test_client(), other.user)
    client.set_cookie(COOKIE, token, path="/me/safety-plan")

    page = check_page(client.get("/me/safety-plan/this-phone").get_data(as_text=True))

    assert "This phone shows your safety plan" not in _text(page)
    client.post("/me/safety-plan/this-phone/forget")
    assert safety_plans.view_on_device(token) is not None
