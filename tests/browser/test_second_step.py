"""A new member of staff sets up an authenticator app on a phone, by keyboard (issue 20)."""

from __future__ import annotations

import pyotp
from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import RecoveryCode, SecondFactor, User
from tests.browser.conftest import DEMO_PASSWORD, Demo, Page, assert_accessible, expect, horizontal_overflow


def test_a_key_worker_without_an_app_sets_one_up_before_seeing_any_record(
        phone: Page, live_server: str, demo: Demo, live_app) -> None:  # type: ignore[no-untyped-def]
    # Given Tom has no authenticator app yet (a new starter, or reset by an administrator)
    with live_app.app_context():
        tom = db.session.scalar(select(User.id).filter_by(email="key.worker2@example.test"))
        db.session.execute(delete(SecondFactor).filter_by(user_id=tom))
        db.session.commit()
        db.session.remove()
    # When he signs in with his password
    phone.goto(f"{live_server}/login")
    phone.get_by_label("Email address").fill("key.worker2@example.test")
    phone.locator("input[name=password]").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    # Then he is asked to set up an app, with a QR code drawn by the portal, before any record
    expect(phone.locator("h1")).to_have_text("Set up an authenticator app")
    expect(phone.locator(".portal-qr-code svg")).to_be_visible()
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0, "the page scrolls sideways at 320px"
    phone.goto(f"{live_server}/staff/")
    expect(phone).to_have_url(f"{live_server}/login?next=%2Fstaff%2F")
    phone.go_back()
    # When he types the key into his app instead of scanning, and the code it shows
    phone.get_by_text("I cannot scan the code").click()
    key = phone.locator(".portal-secret-key code").inner_text().replace(" ", "")
    phone.get_by_label("Code").fill(pyotp.TOTP(key).now())
    phone.keyboard.press("Enter")
    # Then he sees 10 recovery codes, once, and is signed in
    expect(phone.locator("h1")).to_have_text("Save your recovery codes")
    expect(phone.locator(".portal-recovery-codes li")).to_have_count(10)
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0, "the page scrolls sideways at 320px"
    phone.get_by_role("link", name="I have saved my codes").click()
    expect(phone).to_have_url(f"{live_server}/staff/")
    with live_app.app_context():
        assert db.session.scalar(select(SecondFactor.secret).filter_by(user_id=tom)) == key
        assert len(db.session.scalars(select(RecoveryCode).filter_by(user_id=tom)).all()) == 10
        db.session.remove()
