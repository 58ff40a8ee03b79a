"""Choosing a language (issue 17): a form on every page, kept on the account or in a cookie."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.languages import COOKIE
from portal.models import AuditEvent, User

LANGUAGES = ("en", "cy", "pl", "ar")


@pytest.fixture(autouse=True)
def _four_languages(app: Flask) -> Any:
    assert app.config["LANGUAGES"] == LANGUAGES


def html_tag(client: FlaskClient, path: str = "/get-help", **headers: str) -> tuple[str, str]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    tag = response.get_data(as_text=True).split("<html", 1)[1].split(">", 1)[0]
    lang = tag.split('lang="', 1)[1].split('"', 1)[0]
    direction = tag.split('dir="', 1)[1].split('"', 1)[0]
    return lang, direction


def test_english_when_nothing_says_otherwise(client: FlaskClient) -> None:
    assert html_tag(client) == ("en", "ltr")


def test_the_browser_language_is_the_first_guess(client: FlaskClient) -> None:
    assert html_tag(client, **{"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}) == ("cy", "ltr")


def test_arabic_pages_are_right_to_left(client: FlaskClient) -> None:
    assert html_tag(client, **{"Accept-Language": "ar"}) == ("ar", "rtl")


def test_a_cookie_beats_the_browser_language_on_signed_out_pages(client: FlaskClient) -> None:
    client.set_cookie(COOKIE, "pl")
    assert html_tag(client, **{"Accept-Language": "cy"}) == ("pl", "ltr")


def test_a_cookie_with_a_language_we_do_not_offer_is_ignored(client: FlaskClient) -> None:
    client.set_cookie(COOKIE, "fr")
    assert html_tag(client, **{"Accept-Language": "cy"}) == ("cy", "ltr")


def test_the_signed_in_persons_saved_choice_beats_cookie_and_browser(
        service_user_client: FlaskClient, service_user: Any) -> None:
    service_user.user.locale = "ar"
    db.session.commit()
    service_user_client.set_cookie(COOKIE, "pl")
    assert html_tag(service_user_client, **{"Accept-Language": "cy"}) == ("ar", "rtl")


def test_a_language_without_a_catalog_still_works_in_english(client: FlaskClient, app: Flask) -> None:
    """A language whose translations have not arrived (no .mo) shows the English text, not an error."""
    app.config["LANGUAGES"] = (*LANGUAGES, "ga")
    try:
        response = client.get("/get-help", headers={"Accept-Language": "ga"})
    finally:
        app.config["LANGUAGES"] = LANGUAGES
    assert response.status_code == 200
    assert '<html lang="ga"' in response.get_data(as_text=True)
    assert "Get help now" in response.get_data(as_text=True)


def test_every_page_offers_every_other_language_named_in_itself(client: FlaskClient) -> None:
    page = client.get("/get-help").get_data(as_text=True)
    assert 'action="/language"' in page
    assert 'name="next" value="/get-help"' in page
    for code, name, direction in (("cy", "Cymraeg", "ltr"), ("pl", "Polski", "ltr"), ("ar", "العربية", "rtl")):
        assert f'name="language" value="{code}" lang="{code}" dir="{direction}"' in page
        assert f">{name}</button>" in page
    assert 'value="en" lang="en"' not in page  # the language already shown is not offered again


def test_the_language_page_works_on_its_own(client: FlaskClient) -> None:
    page = client.get("/language?next=/privacy").get_data(as_text=True)
    assert "<h1" in page and 'name="next" value="/privacy"' in page
    assert 'value="cy" lang="cy" dir="ltr"' in page
    assert page.count('class="portal-language"') == 1, "the choice once, not again above the page"


def test_choosing_a_language_signed_out_sets_a_cookie_and_returns_to_the_page(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "cy", "next": "/privacy"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value == "cy"
    assert html_tag(client, "/privacy") == ("cy", "ltr")
    assert db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", ""])
def test_never_sent_to_another_site(client: FlaskClient, target: str) -> None:
    response = client.post("/language", data={"language": "pl", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_language_we_do_not_offer_changes_nothing(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "fr", "next": "/privacy"})
    assert response.status_code == 400
    assert client.get_cookie(COOKIE) is None


def test_signed_in_the_choice_is_saved_on_the_account_and_audited(
        service_user_client: FlaskClient, service_user: Any) -> None:
    response = service_user_client.post("/language", data={"language": "pl", "next": "/get-help"})
    assert response.status_code == 303 and response.headers["Location"] == "/get-help"
    user = db.session.get(User, service_user.user.id)
    db.session.refresh(user)
    assert user is not None and user.locale == "pl"
    actions = [(e.actor_user_id, e.action, e.record_id) for e in db.session.scalars(select(AuditEvent))]
    assert (user.id, "language_changed", user.id) in actions
    # the cookie too, so the sign-in page after signing out is in the same language
    cookie = service_user_client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value == "pl"


def test_choosing_needs_the_csrf_token(client: FlaskClient, app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/language", data={"language": "cy", "next": "/"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert client.get_cookie(COOKIE) is None


def test_a_new_account_keeps_the_language_chosen_before_signing_up(
        client: FlaskClient, key_worker: Any) -> None:
    """Rae read the invitation page in Polish: her new account says Polish, so her pages after
    signing up and her messages are too (the account's choice comes before the cookie)."""
    from portal.models import Role
    from portal.services import accounts
    from tests import factories

    person = factories.create_service_user(key_worker=key_worker, with_account=False, given_name="Rae")
    created = accounts.create_invitation(key_worker.user, "rae@example.test", Role.SERVICE_USER,
                                         service_user_id=person.id)
    db.session.commit()
    client.post("/language", data={"language": "pl", "next": "/invitation"})
    response = client.post("/invitation", data={
        "email": "rae@example.test", "code": created.code, "new_password": "my new password",
        "confirm_password": "my new password"})
    assert response.status_code == 303
    db.session.refresh(person)
    assert person.user is not None and person.user.locale == "pl"
    assert html_tag(client, "/get-help") == ("pl", "ltr")


def test_the_privacy_notice_tells_people_about_the_language_cookie(client: FlaskClient) -> None:
    text = client.get("/privacy").get_data(as_text=True)
    assert "If you choose a language, we keep your choice in a cookie" in text


def test_the_page_comes_back_with_its_query(client: FlaskClient) -> None:
    page = client.get("/get-help?view=all&page=2").get_data(as_text=True)
    assert 'name="next" value="/get-help?view=all&amp;page=2"' in page
    response = client.post("/language", data={"language": "ar", "next": "/get-help?view=all&page=2"})
    assert response.headers["Location"] == "/get-help?view=all&page=2"
