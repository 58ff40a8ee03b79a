"""Sessions end on the server after a while without use, and after an absolute lifetime (issue 20)."""

from __future__ import annotations

import time

import pytest
from flask import Flask

from portal import session_lifetime
from portal.session_lifetime import Ended, why_ended


def _idle_for(client, seconds: float) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session[session_lifetime.SEEN] = time.time() - seconds


def _signed_in_for(client, seconds: float) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session[session_lifetime.SIGNED_IN] = time.time() - seconds


def test_the_rules() -> None:
    now = time.time()
    hour = 3600.0
    assert why_ended(now, now - 10, now - hour, idle=1800, absolute=8 * hour) is None
    assert why_ended(now, now - 1801, now - hour, idle=1800, absolute=8 * hour) is Ended.IDLE
    assert why_ended(now, now - 10, now - 8 * hour - 1, idle=1800, absolute=8 * hour) is Ended.TOO_LONG
    assert session_lifetime.seconds_left(now, now - 100, now - hour, idle=1800, absolute=8 * hour) == 1700


def test_staff_are_signed_out_after_30_idle_minutes_and_told_why(app: Flask, key_worker_client) -> None:  # type: ignore[no-untyped-def]
    _idle_for(key_worker_client, 29 * 60)
    assert key_worker_client.get("/staff/").status_code == 200
    _idle_for(key_worker_client, 31 * 60)
    response = key_worker_client.get("/staff/?page=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/staff/?page%3D2"
    page = key_worker_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had not used the portal for 30 minutes" in page
    assert key_worker_client.get("/staff/").status_code == 302  # really signed out


def test_service_users_have_60_minutes(app: Flask, service_user_client) -> None:  # type: ignore[no-untyped-def]
    _idle_for(service_user_client, 45 * 60)
    assert service_user_client.get("/me/").status_code == 200
    _idle_for(service_user_client, 61 * 60)
    assert service_user_client.get("/me/").status_code == 303


def test_a_busy_session_still_ends_after_the_absolute_lifetime(app: Flask, service_user_client) -> None:  # type: ignore[no-untyped-def]
    _signed_in_for(service_user_client, 8 * 3600 + 60)
    response = service_user_client.get("/me/")
    assert response.status_code == 303
    assert "signed in for a long time" in service_user_client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_form_sent_after_the_session_ended_says_it_was_not_saved(app: Flask, service_user_client) -> None:  # type: ignore[no-untyped-def]
    _idle_for(service_user_client, 61 * 60)
    response = service_user_client.post("/me/goals/new", data={"text": "Walk to the shop"})
    assert response.status_code == 303
    page = service_user_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "What you just sent was not saved" in page


def test_htmx_requests_are_sent_to_sign_in_as_a_whole_page(app: Flask, service_user_client) -> None:  # type: ignore[no-untyped-def]
    _idle_for(service_user_client, 61 * 60)
    response = service_user_client.get("/me/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/login"


def test_the_pages_own_polls_do_not_keep_a_session_alive(app: Flask, service_user_client) -> None:  # type: ignore[no-untyped-def]
    _idle_for(service_user_client, 50 * 60)
    background = {"X-Portal-Background": "1"}
    assert service_user_client.get("/session/remaining", headers=background).get_json()["seconds"] <= 10 * 60
    assert service_user_client.get("/session/remaining", headers=background).get_json()["seconds"] <= 10 * 60
    _idle_for(service_user_client, 50 * 60)
    service_user_client.get("/me/")  # using the portal does
    assert service_user_client.get("/session/remaining", headers=background).get_json()["seconds"] > 59 * 60


def test_stay_signed_in_keeps_the_session(app: Flask, key_worker_client) -> None:  # type: ignore[no-untyped-def]
    _idle_for(key_worker_client, 29 * 60)
    assert key_worker_client.post("/session/stay").status_code == 204
    _idle_for(key_worker_client, 0)
    assert key_worker_client.get("/session/remaining", headers={"X-Portal-Background": "1"}).get_json()["seconds"] > 29 * 60


def test_a_public_page_is_shown_signed_out_with_the_reason(app: Flask, service_user_client) -> None:  # type: ignore[no-untyped-def]
    _idle_for(service_user_client, 61 * 60)
    page = service_user_client.get("/privacy")
    assert page.status_code == 200
    assert "You were signed out because" in page.get_data(as_text=True)


def test_signed_in_pages_carry_the_warning_with_the_persons_idle_time(app: Flask, key_worker_client, service_user_client) -> None:  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    staff = BeautifulSoup(key_worker_client.get("/staff/").data, "html.parser").select_one("dialog#session-warning")
    person = BeautifulSoup(service_user_client.get("/me/").data, "html.parser").select_one("dialog#session-warning")
    assert staff["data-idle-seconds"] == "1800" and person["data-idle-seconds"] == "3600"


@pytest.mark.parametrize("minutes", [5])
def test_idle_time_is_configurable(app: Flask, key_worker_client, minutes: int) -> None:  # type: ignore[no-untyped-def]
    app.config["IDLE_MINUTES_STAFF"] = minutes
    try:
        _idle_for(key_worker_client, minutes * 60 + 1)
        assert key_worker_client.get("/staff/").status_code == 303
    finally:
        app.config["IDLE_MINUTES_STAFF"] = 30
