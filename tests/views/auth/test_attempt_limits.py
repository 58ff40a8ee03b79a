"""Limits on guessing passwords and codes: strict per account, generous per address, and a browser
the account has signed in on before is never locked out by someone else's guessing (issue 20)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import Role
from tests import factories

WRONG = "not the right password"


def _try(client, email: str, password: str) -> int:  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password}).status_code


@pytest.fixture
def small_address_limit(app: Flask) -> Iterator[None]:
    app.config["ATTEMPT_LIMITS"] = {"sign_in": {
        "per_account": "5 per 15 minutes", "per_address": "3 per 10 minutes", "per_known_browser": "10 per 15 minutes"}}
    yield
    app.config["ATTEMPT_LIMITS"] = {}


def test_wrong_passwords_for_one_account_do_not_stop_another_account_from_the_same_address(app: Flask) -> None:
    sam, priya = factories.create_user(Role.SERVICE_USER), factories.create_user(Role.KEY_WORKER)
    db.session.commit()
    client = app.test_client()
    assert [_try(client, sam.email, WRONG) for _ in range(6)] == [200] * 5 + [429]
    assert _try(client, sam.email, factories.PASSWORD) == 429  # this account is paused here
    other_desk = app.test_client()  # another computer on the same site (same address)
    assert _try(other_desk, priya.email, factories.PASSWORD) == 303


def test_the_pause_says_what_to_do_and_offers_help(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    sam = factories.create_user(Role.SERVICE_USER)
    db.session.commit()
    for _ in range(5):
        _try(client, sam.email, WRONG)
    page = client.post("/login", data={"email": sam.email, "password": WRONG})
    text = page.get_data(as_text=True)
    assert page.status_code == 429
    assert "Try again in 15 minutes" in text and "/get-help" in text


def test_someone_guessing_elsewhere_cannot_lock_a_person_out_of_their_own_phone(app: Flask) -> None:
    sam = factories.create_user(Role.SERVICE_USER)
    db.session.commit()
    phone = app.test_client()
    assert _try(phone, sam.email, factories.PASSWORD) == 303
    phone.post("/logout")
    attacker = app.test_client()
    assert [_try(attacker, sam.email, WRONG) for _ in range(6)][-1] == 429
    assert _try(attacker, sam.email, factories.PASSWORD) == 429
    assert _try(phone, sam.email, factories.PASSWORD) == 303


def test_a_known_browser_still_has_its_own_strict_count(app: Flask) -> None:
    sam = factories.create_user(Role.SERVICE_USER)
    db.session.commit()
    phone = app.test_client()
    _try(phone, sam.email, factories.PASSWORD)
    phone.post("/logout")
    assert [_try(phone, sam.email, WRONG) for _ in range(11)] == [200] * 10 + [429]


def test_a_forged_known_browser_cookie_counts_for_nothing(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    sam = factories.create_user(Role.SERVICE_USER)
    db.session.commit()
    client.set_cookie("portal_known_browser", "WyJhYmMiXQ.forged")
    assert [_try(client, sam.email, WRONG) for _ in range(6)][-1] == 429


def test_the_address_limit_stops_guessing_many_accounts_but_not_people_who_signed_in_here_before(
        app: Flask, small_address_limit: None) -> None:
    priya = factories.create_user(Role.KEY_WORKER)
    targets = [factories.create_user(Role.SERVICE_USER) for _ in range(4)]
    db.session.commit()
    priyas_desk = app.test_client()
    assert _try(priyas_desk, priya.email, factories.PASSWORD) == 303
    priyas_desk.post("/logout")
    sprayer = app.test_client()
    assert [_try(sprayer, user.email, WRONG) for user in targets] == [200, 200, 200, 429]
    newcomer = app.test_client()
    assert _try(newcomer, targets[3].email, factories.PASSWORD) == 429
    page = newcomer.post("/login", data={"email": targets[3].email, "password": factories.PASSWORD})
    assert "a lot of wrong tries from this network" in page.get_data(as_text=True)
    assert _try(priyas_desk, priya.email, factories.PASSWORD) == 303


def test_wrong_current_passwords_are_limited(app: Flask, key_worker_client) -> None:  # type: ignore[no-untyped-def]
    data = {"current_password": WRONG, "new_password": "purple kettle orbit", "confirm_password": "purple kettle orbit"}
    statuses = [key_worker_client.post("/account/password", data=data).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_wrong_invitation_codes_are_limited_when_accepting_an_invitation(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    data = {"email": "new@example.test", "code": "ABCD-2345-EFGH", "new_password": "purple kettle orbit",
            "confirm_password": "purple kettle orbit"}
    statuses = [client.post("/invitation", data=data).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_wrong_invitation_codes_are_limited_when_a_carer_adds_a_person(app: Flask, carer_client) -> None:  # type: ignore[no-untyped-def]
    data = {"code": "ABCD-2345-EFGH", "relationship": "Friend"}
    statuses = [carer_client.post("/carer/people/new", data=data).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert "ask the person who gave it to you for a new one" in carer_client.post(
        "/carer/people/new", data=data).get_data(as_text=True)
