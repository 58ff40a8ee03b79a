"""Signing in with NHS login and NHS CIS2 against a real OpenID Provider (npm ``oidc-provider``).

The portal is driven with Flask's test client; the provider's own pages with httpx, as a browser
would (its cookies kept). The browser tests (tests/browser/test_nhs_login.py) walk the same journeys
in Chromium; these cover every outcome quickly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ExternalIdentity, IdentityCheck, Role, ServiceUser
from portal.oidc.client import forget_cached_metadata
from tests import factories
from tests.oidc_provider import (
    SAM_BIRTHDATE,
    SAM_NHS_NUMBER,
    STAFF_EMAIL,
    OpenIDProvider,
    start_provider,
)

PORTAL = "http://portal.test"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIDProvider]:
    yield from start_provider([PORTAL], tmp_path_factory.mktemp("oidc"))


@pytest.fixture
def nhs_app(app: Flask, provider: OpenIDProvider, monkeypatch: pytest.MonkeyPatch) -> Flask:
    for key, value in {**provider.portal_settings(), "PUBLIC_BASE_URL": PORTAL}.items():
        monkeypatch.setitem(app.config, key, value)
    forget_cached_metadata()
    provider.tamper("")
    return app


@pytest.fixture
def sam(nhs_app: Flask) -> ServiceUser:
    key_worker = factories.create_staff()
    person = factories.create_service_user(key_worker=key_worker, nhs_number=SAM_NHS_NUMBER,
                                           date_of_birth=SAM_BIRTHDATE, given_name="Sam", family_name="Taylor")
    db.session.commit()
    return person


def sign_in_at_provider(client: FlaskClient, start: str, person: str) -> Any:
    """Start at the portal, sign in at the provider as ``person``, and return the portal's answer to
    the provider's redirect."""
    started = client.get(start)
    assert started.status_code == 303, started.get_data(as_text=True)
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        answer = browser.get(started.headers["Location"])
        while answer.is_redirect:
            location = str(answer.next_request.url) if answer.next_request else answer.headers["Location"]
            if location.startswith(PORTAL):
                break
            answer = browser.get(location)
        if not answer.is_redirect:  # the provider's sign-in page
            form = BeautifulSoup(answer.text, "html.parser").find("form")
            assert form is not None, answer.text
            answer = browser.post(str(answer.url.join(form["action"])), data={"person": person})
            while answer.is_redirect:
                location = str(answer.next_request.url) if answer.next_request else answer.headers["Location"]
                if location.startswith(PORTAL):
                    break
                answer = browser.get(location)
    assert location.startswith(PORTAL), answer.text
    back = urlsplit(location)
    return client.get(f"{back.path}?{back.query}")


def test_both_are_off_unless_configured(client: FlaskClient) -> None:
    assert client.get("/nhs-login/start").status_code == 404
    assert client.get("/cis2/callback").status_code == 404
    page = client.get("/login").get_data(as_text=True)
    assert "NHS login" not in page and "NHS Care Identity" not in page


def test_the_sign_in_page_offers_both_once_configured(nhs_app: Flask, client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "Continue with NHS login" in page and "Sign in with NHS Care Identity" in page


def test_sam_signs_in_with_nhs_login_at_p9_matched_by_nhs_number_and_birth_date(
        sam: ServiceUser, client: FlaskClient) -> None:
    answer = sign_in_at_provider(client, "/nhs-login/start", "sam")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    assert client.get("/me/").status_code == 200
    link = db.session.scalar(select(ExternalIdentity))
    assert link is not None and link.user_id == sam.user_id and link.subject == "sam"
    # The next time, the link is used (nothing new is made).
    client.post("/logout")
    sign_in_at_provider(client, "/nhs-login/start", "sam")
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 1
    assert client.get("/me/").status_code == 200


def test_a_service_user_without_an_account_gets_one_with_no_password(nhs_app: Flask, client: FlaskClient) -> None:
    person = factories.create_service_user(with_account=False, nhs_number=SAM_NHS_NUMBER, date_of_birth=SAM_BIRTHDATE)
    db.session.commit()
    sign_in_at_provider(client, "/nhs-login/start", "sam")
    db.session.refresh(person)
    assert person.user is not None and person.user.password_hash is None and person.user.role is Role.SERVICE_USER
    assert client.get("/me/").status_code == 200


def test_a_different_birth_date_shows_nothing_and_goes_to_the_key_worker(
        sam: ServiceUser, client: FlaskClient) -> None:
    answer = sign_in_at_provider(client, "/nhs-login/start", "sam-other-birthdate")
    assert answer.status_code == 403
    assert "We need to check this is you" in answer.get_data(as_text=True)
    assert client.get("/me/").status_code in (302, 303)  # not signed in
    assert db.session.scalar(select(ExternalIdentity)) is None
    check = db.session.scalar(select(IdentityCheck))
    assert check is not None and check.service_user_id == sam.id and check.resolved_at is None
    # Trying again adds no second check.
    sign_in_at_provider(client, "/nhs-login/start", "sam-other-birthdate")
    assert db.session.scalar(select(func.count()).select_from(IdentityCheck)) == 1


def test_the_key_worker_checks_and_links_it_then_the_person_signs_in(
        sam: ServiceUser, client: FlaskClient, app: Flask) -> None:
    sign_in_at_provider(client, "/nhs-login/start", "sam-other-birthdate")
    check = db.session.scalar(select(IdentityCheck))
    assert check is not None
    staff_client = app.test_client()
    from tests.conftest import password_and_code

    password_and_code(staff_client, sam.key_worker.user.email)
    caseload = staff_client.get("/staff/").get_data(as_text=True)
    assert "NHS login" in caseload
    page = staff_client.get("/staff/identity-checks")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and sam.display_name in text and "4 December 1991" in text
    assert staff_client.post(f"/staff/identity-checks/{check.id}", data={"decision": "same_person"}).status_code == 303
    answer = sign_in_at_provider(client, "/nhs-login/start", "sam-other-birthdate")
    assert answer.status_code == 303
    assert client.get("/me/").status_code == 200


def test_another_key_worker_cannot_see_or_decide_the_check(sam: ServiceUser, client: FlaskClient, app: Flask) -> None:
    sign_in_at_provider(client, "/nhs-login/start", "sam-other-birthdate")
    check = db.session.scalar(select(IdentityCheck))
    assert check is not None
    other = factories.create_staff()
    db.session.commit()
    from tests.conftest import password_and_code

    staff_client = app.test_client()
    password_and_code(staff_client, other.user.email)
    assert sam.display_name not in staff_client.get("/staff/identity-checks").get_data(as_text=True)
    assert staff_client.post(f"/staff/identity-checks/{check.id}", data={"decision": "same_person"}).status_code == 404
    assert db.session.scalar(select(ExternalIdentity)) is None


def test_someone_not_under_the_team_sees_nothing_but_a_carer_can_use_an_invitation(
        nhs_app: Flask, client: FlaskClient) -> None:
    answer = sign_in_at_provider(client, "/nhs-login/start", "not-known-here")
    assert "We could not find you" in answer.get_data(as_text=True)
    person = factories.create_service_user()
    carer = factories.create_carer(person, with_account=False)
    staff = factories.create_staff()
    db.session.commit()
    from portal.services import accounts

    code = accounts.create_invitation(staff.user, "jo@example.test", Role.CARER, carer_id=carer.id).code
    wrong = client.post("/nhs-login/invitation", data={"email": "jo@example.test", "code": "WRONG-CODE-0000"})
    assert wrong.status_code == 200 and "nhsuk-error-summary" in wrong.get_data(as_text=True)
    joined = client.post("/nhs-login/invitation", data={"email": "jo@example.test", "code": code})
    assert joined.status_code == 303
    db.session.refresh(carer)
    assert carer.user is not None and carer.user.password_hash is None
    assert client.get("/carer/").status_code == 200
    client.post("/logout")
    sign_in_at_provider(client, "/nhs-login/start", "not-known-here")
    assert client.get("/carer/").status_code == 200


def test_at_p5_care_information_waits_for_the_step_up_to_p9(sam: ServiceUser, client: FlaskClient) -> None:
    sign_in_at_provider(client, "/nhs-login/start", "sam-p5")
    refused = client.get("/me/")
    assert refused.status_code == 303 and refused.headers["Location"].startswith("/nhs-login/check-your-identity")
    assert "photo ID" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert client.get("/get-help").status_code == 200  # help needs no step-up
    answer = sign_in_at_provider(client, "/nhs-login/start?level=P9", "sam-p5")
    assert answer.status_code == 303
    assert client.get("/me/").status_code == 200


def test_without_an_nhs_number_yet_nhs_login_must_check_who_they_are(nhs_app: Flask, client: FlaskClient) -> None:
    answer = sign_in_at_provider(client, "/nhs-login/start", "no-nhs-number-yet")
    assert answer.status_code == 403 and "Check my identity with NHS login" in answer.get_data(as_text=True)


@pytest.mark.parametrize("tampered", ["wrong_nonce", "expired", "wrong_audience"])
def test_an_id_token_that_fails_a_check_signs_nobody_in(
        sam: ServiceUser, client: FlaskClient, provider: OpenIDProvider, tampered: str) -> None:
    provider.tamper(tampered)
    answer = sign_in_at_provider(client, "/nhs-login/start", "sam")
    assert answer.status_code == 400 and "Signing in did not work" in answer.get_data(as_text=True)
    assert client.get("/me/").status_code in (302, 303)
    assert db.session.scalar(select(ExternalIdentity)) is None


def test_a_forged_state_is_refused(sam: ServiceUser, client: FlaskClient) -> None:
    client.get("/nhs-login/start")
    answer = client.get("/nhs-login/callback?code=anything&state=not-the-one")
    assert answer.status_code == 400
    assert client.get("/nhs-login/callback?code=anything&state=x").status_code == 400  # nothing pending now


def test_after_the_provider_rotates_its_keys_sign_in_still_works_without_a_restart(
        sam: ServiceUser, client: FlaskClient, provider: OpenIDProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in_at_provider(client, "/nhs-login/start", "sam")  # the old key is now cached
    client.post("/logout")
    provider.rotate_keys()
    monkeypatch.setattr("portal.oidc.client.REFETCH_KEYS_AFTER_SECONDS", 0)
    answer = sign_in_at_provider(client, "/nhs-login/start", "sam")
    assert answer.status_code == 303
    assert client.get("/me/").status_code == 200


# --- CIS2 --------------------------------------------------------------------------------------------


@pytest.fixture
def priya(nhs_app: Flask) -> Any:
    staff = factories.create_staff()
    staff.user.email = STAFF_EMAIL
    db.session.commit()
    return staff


def test_a_key_worker_signs_in_with_cis2_without_the_portal_s_own_second_step(priya: Any, client: FlaskClient) -> None:
    answer = sign_in_at_provider(client, "/cis2/start", "staff-key-worker")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    assert client.get("/staff/").status_code == 200
    link = db.session.scalar(select(ExternalIdentity))
    assert link is not None and link.user_id == priya.user_id


def test_the_selected_role_gives_the_portal_role(priya: Any, client: FlaskClient) -> None:
    sign_in_at_provider(client, "/cis2/start", "staff-team-lead")
    db.session.refresh(priya.user)
    assert priya.user.role is Role.TEAM_LEAD


@pytest.mark.parametrize(("person", "heading"), [
    ("staff-unmapped-role", "Your role does not give access to this portal"),
    ("staff-no-account", "You do not have an account in this portal"),
    ("staff-weak-check", "Sign in with a stronger check"),
])
def test_cis2_refusals_have_a_clear_page(priya: Any, client: FlaskClient, person: str, heading: str) -> None:
    answer = sign_in_at_provider(client, "/cis2/start", person)
    assert answer.status_code == 403 and heading in answer.get_data(as_text=True)
    assert client.get("/staff/").status_code in (302, 303)


def test_the_portal_proves_who_it_is_with_a_signed_jwt(nhs_app: Flask, provider: OpenIDProvider, tmp_path: Path) -> None:
    """Without the right private key, the provider refuses the code exchange (private_key_jwt)."""
    from portal.oidc.settings import client_settings

    settings = client_settings(nhs_app.config, "nhs_login")
    assert settings is not None
    from portal.oidc.client import OpenIDClient

    assertion = OpenIDClient(settings).client_assertion(f"{provider.issuer}/token")
    from joserfc import jwt

    claims = jwt.decode(assertion, provider.client_keys["portal-nhs-login"], algorithms=["RS512"]).claims
    assert claims["iss"] == claims["sub"] == "portal-nhs-login" and claims["aud"] == f"{provider.issuer}/token"


def test_someone_who_signs_in_only_with_nhs_login_has_no_password_to_change(
        nhs_app: Flask, client: FlaskClient) -> None:
    factories.create_service_user(with_account=False, nhs_number=SAM_NHS_NUMBER, date_of_birth=SAM_BIRTHDATE)
    db.session.commit()
    sign_in_at_provider(client, "/nhs-login/start", "sam")
    page = client.get("/account/password")
    assert page.status_code == 200 and "You do not have a password here" in page.get_data(as_text=True)
    assert client.post("/account/password", data={"current_password": "x"}).status_code == 200


def test_a_carer_joining_with_nhs_login_keeps_the_language_they_chose(nhs_app: Flask, client: FlaskClient) -> None:
    """Issue 17: Jo read the pages in Polish before joining, so her new account says Polish."""
    from portal.services import accounts

    person = factories.create_service_user()
    carer = factories.create_carer(person, with_account=False)
    staff = factories.create_staff()
    db.session.commit()
    code = accounts.create_invitation(staff.user, "jo@example.test", Role.CARER, carer_id=carer.id).code
    client.post("/language", data={"language": "pl", "next": "/"})
    sign_in_at_provider(client, "/nhs-login/start", "not-known-here")
    assert client.post("/nhs-login/invitation", data={"email": "jo@example.test", "code": code}).status_code == 303
    db.session.refresh(carer)
    assert carer.user is not None and carer.user.locale == "pl"
