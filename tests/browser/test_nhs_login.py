"""NHS login and NHS CIS2 in Chromium on a phone, against npm ``oidc-provider`` (issue 20).

The provider's own sign-in page asks which test person is signing in (tests/oidc/provider.mjs).
Every outcome is also covered, faster, in tests/views/auth/test_nhs_login_and_cis2.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import ExternalIdentity, IdentityCheck
from portal.oidc.client import forget_cached_metadata
from tests import factories
from tests.browser.conftest import Page, assert_accessible, expect, horizontal_overflow
from tests.oidc_provider import SAM_BIRTHDATE, SAM_NHS_NUMBER, STAFF_EMAIL, OpenIDProvider, start_provider


@pytest.fixture(scope="module")
def provider(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIDProvider]:
    yield from start_provider([live_server], tmp_path_factory.mktemp("oidc-browser"))


@pytest.fixture
def configured(live_app: Flask, live_server: str, provider: OpenIDProvider) -> Iterator[Flask]:
    settings = {**provider.portal_settings(), "PUBLIC_BASE_URL": live_server}
    before = {key: live_app.config.get(key) for key in settings}
    live_app.config.update(settings)
    forget_cached_metadata()
    provider.tamper("")
    with live_app.app_context():
        key_worker = factories.create_staff()
        key_worker.user.email = STAFF_EMAIL
        factories.create_service_user(key_worker=key_worker, nhs_number=SAM_NHS_NUMBER,
                                      date_of_birth=SAM_BIRTHDATE, given_name="Sam", family_name="Taylor")
        db.session.commit()
        db.session.remove()
    yield live_app
    live_app.config.update(before)
    forget_cached_metadata()


def sign_in_with(page: Page, live_server: str, button: str, person: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name=button).click()
    page.get_by_label("Who is signing in").fill(person)
    page.get_by_role("button", name="Continue").click()


def signed_in_records(app: Flask) -> list[Any]:
    with app.app_context():
        links = list(db.session.scalars(select(ExternalIdentity.subject)))
        db.session.remove()
    return links


def test_sam_signs_in_with_nhs_login_on_a_phone(phone: Page, live_server: str, configured: Flask) -> None:
    phone.goto(f"{live_server}/login")
    expect(phone.get_by_role("link", name="Continue with NHS login")).to_be_visible()
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0, "the sign-in page scrolls sideways at 320px"
    sign_in_with(phone, live_server, "Continue with NHS login", "sam")
    expect(phone).to_have_url(f"{live_server}/me/")
    assert signed_in_records(configured) == ["sam"]


@pytest.mark.parametrize("tampered", ["wrong_nonce", "expired", "wrong_audience"])
def test_an_id_token_that_fails_a_check_signs_nobody_in(
        phone: Page, live_server: str, configured: Flask, provider: OpenIDProvider, tampered: str) -> None:
    provider.tamper(tampered)
    sign_in_with(phone, live_server, "Continue with NHS login", "sam")
    expect(phone.locator("h1")).to_have_text("Signing in did not work")
    assert_accessible(phone)
    phone.goto(f"{live_server}/me/")
    expect(phone).to_have_url(f"{live_server}/login?next=%2Fme%2F")
    assert signed_in_records(configured) == []


def test_sign_in_still_works_after_the_provider_rotates_its_keys(
        phone: Page, live_server: str, configured: Flask, provider: OpenIDProvider,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in_with(phone, live_server, "Continue with NHS login", "sam")
    expect(phone).to_have_url(f"{live_server}/me/")
    phone.get_by_role("button", name="Sign out").first.click()
    provider.rotate_keys()  # a new key; the portal still holds the old one
    monkeypatch.setattr("portal.oidc.client.REFETCH_KEYS_AFTER_SECONDS", 0)
    sign_in_with(phone, live_server, "Continue with NHS login", "sam")
    expect(phone).to_have_url(f"{live_server}/me/")


def test_at_p5_sam_is_offered_the_step_up_before_seeing_his_care(
        phone: Page, live_server: str, configured: Flask) -> None:
    sign_in_with(phone, live_server, "Continue with NHS login", "sam-p5")
    expect(phone.locator("h1")).to_have_text("Check your identity to see your care")
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0, "the step-up page scrolls sideways at 320px"
    phone.get_by_role("link", name="Check my identity with NHS login").click()
    phone.get_by_label("Who is signing in").fill("sam-p5")
    phone.get_by_role("button", name="Continue").click()
    expect(phone).to_have_url(f"{live_server}/me/")


def test_a_different_birth_date_shows_nothing_and_waits_for_the_key_worker(
        phone: Page, live_server: str, configured: Flask) -> None:
    sign_in_with(phone, live_server, "Continue with NHS login", "sam-other-birthdate")
    expect(phone.locator("h1")).to_have_text("We need to check this is you")
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0, "the page scrolls sideways at 320px"
    phone.goto(f"{live_server}/me/")
    expect(phone).to_have_url(f"{live_server}/login?next=%2Fme%2F")
    with configured.app_context():
        assert db.session.scalar(select(IdentityCheck.subject)) == "sam-other-birthdate"
        db.session.remove()


def test_a_key_worker_signs_in_with_cis2_and_a_role_that_opens_nothing_is_told_so(
        phone: Page, live_server: str, configured: Flask) -> None:
    sign_in_with(phone, live_server, "Sign in with NHS Care Identity", "staff-unmapped-role")
    expect(phone.locator("h1")).to_have_text("Your role does not give access to this portal")
    assert_accessible(phone)
    phone.get_by_role("link", name="Sign in again").click()  # and choose another role
    phone.get_by_label("Who is signing in").fill("staff-key-worker")
    phone.get_by_role("button", name="Continue").click()
    expect(phone).to_have_url(f"{live_server}/staff/")
