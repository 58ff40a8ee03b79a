"""A second step at sign-in (issue 20): staff must use an authenticator app; others may."""

from __future__ import annotations

import time

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, RecoveryCode, Role, SecondFactor
from portal.services import second_factor
from tests import factories
from tests.conftest import password_and_code, sign_in
from tests.pages import error_messages


def _password_only(client, email: str) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 303
    return response.headers["Location"]


def _staff_endpoints(app: Flask) -> list[str]:
    """Every staff and admin page without arguments, from the URL map (new ones are walked too)."""
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/staff", "/admin")) and "GET" in rule.methods and not rule.arguments
    )


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.TEAM_LEAD, Role.ADMIN])
def test_no_staff_page_opens_with_the_password_alone(app: Flask, client, role: Role) -> None:  # type: ignore[no-untyped-def]
    user = factories.create_staff(role=role).user if role is not Role.ADMIN else factories.create_user(Role.ADMIN)
    db.session.commit()
    assert _password_only(client, user.email) == "/login/code"
    endpoints = _staff_endpoints(app)
    assert len(endpoints) > 10
    opened = [url for url in endpoints if client.get(url).status_code == 200]
    assert opened == []
    # With the code from the app, they open
    client.post("/login/code", data={"code": factories.totp_code(user.id)})
    assert client.get("/admin/" if role is Role.ADMIN else "/staff/").status_code == 200


def test_staff_without_an_app_set_one_up_before_they_are_signed_in(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user = factories.create_staff().user
    second_factor.reset(factories.create_user(Role.ADMIN), user)  # a new member of staff
    assert _password_only(client, user.email) == "/login/set-up-code"
    page = client.get("/login/set-up-code").get_data(as_text=True)
    assert "<svg" in page and "QR code to scan with your authenticator app" in page
    assert client.get("/staff/").status_code == 302  # not signed in yet
    with client.session_transaction() as session:
        secret = session["pending_secret"]
    wrong = client.post("/login/set-up-code", data={"code": "000000"})
    assert wrong.status_code == 200
    response = client.post("/login/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/account/recovery-codes/new"
    codes_page = client.get("/account/recovery-codes/new").get_data(as_text=True)
    assert codes_page.count("<code>") == 10
    # shown once only
    assert client.get("/account/recovery-codes/new").status_code == 302
    assert client.get("/staff/").status_code == 200
    assert all(len(row.code_hash) == 64 for row in db.session.scalars(select(RecoveryCode)))


def test_a_wrong_code_says_so_and_a_code_works_once(app: Flask, client, key_worker) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    _password_only(client, key_worker.user.email)
    page = client.post("/login/code", data={"code": "123 456"})
    assert page.status_code == 200
    from bs4 import BeautifulSoup
    assert error_messages(BeautifulSoup(page.data, "html.parser"))[0].startswith("This code is not right.")
    code = factories.totp_code(key_worker.user.id)
    assert client.post("/login/code", data={"code": code}).status_code == 303
    client.post("/logout")
    other = app.test_client()
    _password_only(other, key_worker.user.email)
    assert other.post("/login/code", data={"code": code}).status_code == 200  # the same code again: refused


def test_the_replay_rule_and_clock_drift(app: Flask, key_worker) -> None:  # type: ignore[no-untyped-def]
    now = time.time()
    totp = pyotp.TOTP(factories.TOTP_SECRET)
    user = key_worker.user
    assert second_factor.verify(user, totp.at(now - 30), now)  # a phone 30 seconds slow
    assert not second_factor.verify(user, totp.at(now - 30), now)
    assert second_factor.verify(user, totp.at(now), now)
    assert not second_factor.verify(user, totp.at(now - 90), now)  # too old


def test_a_recovery_code_works_once(app: Flask, key_worker) -> None:  # type: ignore[no-untyped-def]
    codes = second_factor.new_recovery_codes(key_worker.user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert second_factor.verify(key_worker.user, codes[3].lower())
    assert not second_factor.verify(key_worker.user, codes[3])
    assert second_factor.recovery_codes_left(key_worker.user) == 9


def test_wrong_codes_are_limited(app: Flask, client, key_worker) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    _password_only(client, key_worker.user.email)
    statuses = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_the_second_step_must_be_finished_within_10_minutes(app: Flask, client, key_worker) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    _password_only(client, key_worker.user.email)
    with client.session_transaction() as session:
        session["pending_since"] = time.time() - 11 * 60
    response = client.post("/login/code", data={"code": factories.totp_code(key_worker.user.id)})
    assert response.headers["Location"] == "/login"


def test_where_they_were_going_is_kept_through_the_second_step(app: Flask, client, key_worker) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    response = password_and_code(client, key_worker.user.email, login_url="/login?next=/staff/team")
    assert response.headers["Location"] == "/staff/team"


def test_an_administrator_resets_a_lost_second_step(app: Flask, admin_client, key_worker) -> None:  # type: ignore[no-untyped-def]
    phone = sign_in(app.test_client(), key_worker.user)
    page = admin_client.get("/admin/accounts").get_data(as_text=True)
    assert key_worker.user.email in page
    response = admin_client.post(f"/admin/accounts/{key_worker.user.id}/second-step/reset")
    assert response.status_code == 303
    assert db.session.scalar(select(SecondFactor).filter_by(user_id=key_worker.user.id)) is None
    assert phone.get("/staff/").status_code == 302  # signed out everywhere
    assert _password_only(app.test_client(), key_worker.user.email) == "/login/set-up-code"
    assert db.session.scalar(select(AuditEvent).filter_by(action="second_factor_reset")).record_id == key_worker.user.id


def test_only_administrators_reset(app: Flask, key_worker_client, key_worker) -> None:  # type: ignore[no-untyped-def]
    assert key_worker_client.post(f"/admin/accounts/{key_worker.user.id}/second-step/reset").status_code == 403
    assert db.session.scalar(select(SecondFactor).filter_by(user_id=key_worker.user.id)) is not None


def test_a_service_user_may_turn_it_on_and_off(app: Flask, service_user, service_user_client) -> None:  # type: ignore[no-untyped-def]
    assert "Set up an authenticator app" in service_user_client.get("/account/second-step").get_data(as_text=True)
    service_user_client.get("/account/second-step/set-up")
    with service_user_client.session_transaction() as session:
        secret = session["pending_secret"]
    service_user_client.post("/account/second-step/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert _password_only(app.test_client(), service_user.user.email) == "/login/code"
    service_user_client.post("/account/second-step/removal")
    assert _password_only(app.test_client(), service_user.user.email) == "/"


def test_staff_cannot_turn_it_off(app: Flask, key_worker_client, key_worker) -> None:  # type: ignore[no-untyped-def]
    key_worker_client.post("/account/second-step/removal")
    assert db.session.scalar(select(SecondFactor).filter_by(user_id=key_worker.user.id)) is not None


def test_a_wrong_code_while_setting_up_keeps_the_same_key(app: Flask, service_user_client) -> None:  # type: ignore[no-untyped-def]
    """The app has scanned the key already: a typing mistake must not change it under the person."""
    service_user_client.get("/account/second-step/set-up")
    with service_user_client.session_transaction() as session:
        secret = session["pending_secret"]
    page = service_user_client.post("/account/second-step/set-up", data={"code": "000000"})
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page.get_data(as_text=True)
    response = service_user_client.post("/account/second-step/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/account/recovery-codes/new"
