"""Forgotten passwords (issue 20): a single-use link by email, the same answer whether or not an
account exists, limited, and every other session signed out after the reset."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import LocalMessage, PasswordReset
from portal.models.base import utcnow
from portal.services import accounts, password_reset
from tests.conftest import password_and_code, sign_in
from tests.pages import error_messages


def _ask(client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/password/forgotten", data={"email": email})


def _link_path() -> str:
    body = db.session.scalars(select(LocalMessage.body).order_by(LocalMessage.id.desc())).first()
    assert body is not None, "no message was sent"
    return re.search(r"https?://[^/\s]+(/password/reset/\S+)", body).group(1)


def test_the_sign_in_page_offers_it(client) -> None:  # type: ignore[no-untyped-def]
    assert "/password/forgotten" in client.get("/login").get_data(as_text=True)


def test_the_answer_is_the_same_whether_or_not_there_is_an_account(app: Flask, client, service_user) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    known = _ask(client, service_user.user.email)
    unknown = _ask(app.test_client(), "nobody@example.test")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == "/password/forgotten/sent"
    assert db.session.scalar(select(LocalMessage.to)) == service_user.user.email  # one message, to the account
    assert len(db.session.scalars(select(LocalMessage)).all()) == 1


def test_the_link_sets_a_new_password_once_and_signs_out_everywhere(app: Flask, service_user) -> None:  # type: ignore[no-untyped-def]
    phone = sign_in(app.test_client(), service_user.user)
    laptop = app.test_client()
    _ask(laptop, service_user.user.email)
    link = _link_path()
    page = laptop.get(link)
    assert "Choose a new password" in page.get_data(as_text=True)
    stored = db.session.scalar(select(PasswordReset))
    assert link.rsplit("/", 1)[1] not in stored.token_hash  # only a hash is kept
    response = laptop.post(link, data={"new_password": "purple kettle orbit", "confirm_password": "purple kettle orbit"})
    assert response.headers["Location"] == "/login"
    assert accounts.authenticate(service_user.user.email, "purple kettle orbit") is not None
    assert phone.get("/me/").status_code == 302  # signed out everywhere
    assert "This link does not work" in laptop.get(link).get_data(as_text=True)  # once only


def test_the_new_password_follows_the_same_rules(app: Flask, client, service_user) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    _ask(client, service_user.user.email)
    page = client.post(_link_path(), data={"new_password": "password1234", "confirm_password": "password1234"})
    from bs4 import BeautifulSoup
    assert error_messages(BeautifulSoup(page.data, "html.parser"))[0].startswith("This password is used by a lot of people")


def test_a_link_stops_working_after_30_minutes_or_when_a_newer_one_is_sent(app: Flask, client, service_user) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    _ask(client, service_user.user.email)
    first = _link_path()
    _ask(client, service_user.user.email)
    second = _link_path()
    assert "This link does not work" in client.get(first).get_data(as_text=True)
    for reset in db.session.scalars(select(PasswordReset)):
        reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "This link does not work" in client.get(second).get_data(as_text=True)


def test_staff_still_need_their_second_step_after_a_reset(app: Flask, client, key_worker) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    _ask(client, key_worker.user.email)
    client.post(_link_path(), data={"new_password": "purple kettle orbit", "confirm_password": "purple kettle orbit"})
    response = client.post("/login", data={"email": key_worker.user.email, "password": "purple kettle orbit"})
    assert response.headers["Location"] == "/login/code"
    assert client.get("/staff/").status_code == 302
    assert password_and_code(app.test_client(), key_worker.user.email, "purple kettle orbit").status_code == 303


def test_asking_is_limited_per_account(app: Flask, client, service_user) -> None:  # type: ignore[no-untyped-def]
    db.session.commit()
    statuses = [_ask(client, service_user.user.email).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert len(db.session.scalars(select(LocalMessage)).all()) == 3


def test_not_offered_where_no_message_can_be_sent(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    assert password_reset.available({"NOTIFIER": "govuk_notify", "NOTIFY_RESET_EMAIL_TEMPLATE_ID": ""}) is False
    app.config.update(NOTIFIER="govuk_notify", NOTIFY_RESET_EMAIL_TEMPLATE_ID="")
    try:
        page = client.get("/password/forgotten").get_data(as_text=True)
    finally:
        app.config.update(NOTIFIER="local")
    assert "Ask your key worker or the team to send you a new invitation" in page


def test_the_link_also_goes_by_text_to_the_mobile_the_team_has(app: Flask, client, service_user) -> None:  # type: ignore[no-untyped-def]
    """A service user locked out in the evening may read texts, not email: the same single link
    goes to both (the page still says the same whether or not an account exists)."""
    service_user.phone = "07700 900123"
    db.session.commit()
    _ask(client, service_user.user.email)
    sent = db.session.scalars(select(LocalMessage).order_by(LocalMessage.id)).all()
    assert [(m.channel, m.to) for m in sent] == [("email", service_user.user.email), ("sms", "07700900123")]
    links = {re.search(r"/password/reset/\S+", m.body).group(0) for m in sent}
    assert len(links) == 1  # one link, both ways: it still works once
    assert "text message" in client.get("/password/forgotten/sent").get_data(as_text=True)


def test_no_text_where_the_trust_has_no_text_template(app: Flask, client, service_user) -> None:  # type: ignore[no-untyped-def]
    assert password_reset.by_text({"NOTIFIER": "govuk_notify", "NOTIFY_RESET_SMS_TEMPLATE_ID": ""}) is False
    assert password_reset.by_text({"NOTIFIER": "local"}) is True
    assert password_reset.available({"NOTIFIER": "govuk_notify", "NOTIFY_RESET_EMAIL_TEMPLATE_ID": "",
                                     "NOTIFY_RESET_SMS_TEMPLATE_ID": "a-template"}) is True
