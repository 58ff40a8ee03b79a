from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Role
from tests import factories
from tests.conftest import PageRequest, password_and_code
from tests.pages import check_page, error_messages


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_sign_in_takes_each_role_to_its_own_home(app: Flask) -> None:
    homes = {
        Role.SERVICE_USER: "/me/", Role.CARER: "/carer/", Role.KEY_WORKER: "/staff/",
        Role.TEAM_LEAD: "/staff/", Role.ADMIN: "/admin/",
    }
    team = factories.create_team()
    users = {
        Role.SERVICE_USER: factories.create_service_user(team).user,
        Role.CARER: factories.create_carer().user,
        Role.KEY_WORKER: factories.create_staff(team).user,
        Role.TEAM_LEAD: factories.create_staff(team, Role.TEAM_LEAD).user,
        Role.ADMIN: factories.create_user(Role.ADMIN),
    }
    db.session.commit()
    for role, user in users.items():
        client = app.test_client()
        response = password_and_code(client, user.email.upper())
        assert response.status_code == 303
        home = client.get(response.headers["Location"], follow_redirects=True)
        assert home.request.path == homes[role]
        check_page(home.get_data(as_text=True))


def test_wrong_password_and_unknown_email_get_the_same_message(app: Flask, page_request: PageRequest) -> None:
    user = factories.create_user(Role.ADMIN, email="someone@example.test")
    db.session.commit()
    wrong_password = page_request.post("auth.login", {"email": user.email, "password": "nope-nope-nope"})
    unknown = page_request.post("auth.login", {"email": "nobody@example.test", "password": "nope-nope-nope"})
    assert error_messages(wrong_password) == error_messages(unknown)
    assert error_messages(unknown) == ["The email address or password is not right. Check them and try again."]
    # What they typed is kept (but never the password).
    assert wrong_password.select_one("#email")["value"] == "someone@example.test"
    assert not wrong_password.select_one("#password").get("value")
    assert _audit_actions().count("sign_in_failed") == 2


def test_empty_sign_in_form_shows_each_error(page_request: PageRequest) -> None:
    page = page_request.post("auth.login", {"email": "", "password": ""})
    assert page.title.get_text().startswith("Error: Sign in")
    assert error_messages(page) == ["Enter your email address", "Enter your password"]
    links = [a["href"] for a in page.select(".nhsuk-error-summary__list a")]
    assert links == ["#email", "#password"]
    assert page.select_one("#email-error") is not None


def test_badly_formed_email_is_explained(page_request: PageRequest) -> None:
    page = page_request.post("auth.login", {"email": "not an email", "password": "x"})
    assert error_messages(page) == ["Enter an email address in the correct format, like name@example.com"]
    assert page.select_one("#email")["value"] == "not an email"


def test_inactive_account_cannot_sign_in(app: Flask, page_request: PageRequest) -> None:
    user = factories.create_user(Role.ADMIN, active=False)
    db.session.commit()
    page = page_request.post("auth.login", {"email": user.email, "password": factories.PASSWORD})
    assert error_messages(page)


def test_failed_sign_ins_are_rate_limited(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user = factories.create_user(Role.ADMIN)
    db.session.commit()
    statuses = [
        client.post("/login", data={"email": user.email, "password": "wrong-password"}).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    # Even the right password is refused until the limit passes.
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user = factories.create_user(Role.ADMIN)
    db.session.commit()
    for _ in range(7):
        assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 303
        client.post("/logout")


def test_sign_in_starts_a_fresh_session_and_is_audited(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user = factories.create_user(Role.ADMIN)
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    password_and_code(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")
    assert "signed_in" in _audit_actions()


def test_next_only_goes_to_this_site(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user = factories.create_user(Role.ADMIN)
    db.session.commit()
    response = password_and_code(client, user.email, login_url="/login?next=//evil.example/")
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = password_and_code(client, user.email, login_url="/login?next=/admin/")
    assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("next_url", ["/%09/evil.example/", "/%0A/evil.example/", "/%20/evil.example/",
                                      "/%5C/evil.example/", "/%5C%5Cevil.example/", "https://evil.example/",
                                      "%2F%2Fevil.example/", "%2F%5Cevil.example/", "/%0D/evil.example/",
                                      "/%09%2Fevil.example", "%09//evil.example/", "javascript:alert(1)",
                                      "%5C%5Cevil.example/", "/%E3%80%82/evil.example/", "evil.example",
                                      "/" + "a" * 100_000])
def test_next_that_a_browser_could_read_as_another_site_or_that_is_huge_is_not_followed(  # type: ignore[no-untyped-def]
        app: Flask, client, next_url: str) -> None:
    user = factories.create_user(Role.ADMIN)
    db.session.commit()
    response = password_and_code(client, user.email, login_url=f"/login?next={next_url}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_next_keeps_a_page_with_its_query(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user = factories.create_user(Role.ADMIN)
    db.session.commit()
    response = password_and_code(client, user.email, login_url="/login?next=%2Fadmin%2F%3Fq%3DSam%2520Taylor%26page%3D2")
    assert response.headers["Location"] == "/admin/?q=Sam%20Taylor&page=2"


def test_sign_out_ends_the_session_everywhere(app: Flask, admin_client) -> None:  # type: ignore[no-untyped-def]
    with admin_client.session_transaction() as session:
        stolen_cookie_session = dict(session)
    assert admin_client.post("/logout").status_code == 303
    assert admin_client.get("/admin/").status_code == 302
    # Replaying the old session cookie does not work: the session token has changed.
    other = app.test_client()
    with other.session_transaction() as session:
        session.update(stolen_cookie_session)
    assert other.get("/admin/").status_code == 302


def test_signed_out_people_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/me/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_csrf_is_checked_on_every_form(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": "a@example.test", "password": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert b"This page timed out" in response.data
