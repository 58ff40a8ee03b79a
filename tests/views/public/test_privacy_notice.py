"""The privacy notice tells the truth: each rule it states is checked here against the code that
enforces it, so changing who can see a record without changing the notice fails a test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from portal.blueprints.public import presenters
from portal.extensions import db
from portal.models import Role
from portal.services import consent, measures, risk
from tests import factories
from tests.conftest import PageRequest, sign_in


def notice_text(page_request: PageRequest) -> str:
    return " ".join(page_request.get("public.privacy_notice").get_text(" ").split())


def section(page_request: PageRequest, heading: str) -> str:
    """The text under one <h3> (or <h2>), up to the next heading."""
    page = page_request.get("public.privacy_notice")
    found = page.find(lambda tag: tag.name in ("h2", "h3") and tag.get_text(strip=True) == heading)
    assert found is not None, heading
    parts = []
    for sibling in found.find_next_siblings():
        if sibling.name in ("h2", "h3"):
            break
        parts.append(sibling.get_text(" "))
    return " ".join(" ".join(parts).split())


def as_staff(app: Flask, staff: Any) -> PageRequest:
    return PageRequest(sign_in(app.test_client(), staff.user))


# Who can see a service user's record ------------------------------------------------------------

def test_the_notice_names_the_key_worker_and_team_lead_not_the_whole_team(page_request: PageRequest) -> None:
    text = notice_text(page_request)

    assert "key worker is the member of staff named as yours. They can see everything about you" in text
    assert "team lead runs your team. They can see everything about everyone the team looks after" in text
    assert "Other staff in your team cannot open your information." in text
    assert "the team that cares for you" not in text


def test_only_the_key_worker_and_team_lead_can_open_the_record(app: Flask, team: Any, key_worker: Any,
                                                                service_user: Any, team_lead: Any) -> None:
    # What the notice says above, as the portal enforces it.
    colleague = factories.create_staff(team, Role.KEY_WORKER, name="Cal Colleague")
    other_lead = factories.create_staff(factories.create_team("Another team"), Role.TEAM_LEAD, name="Olu Other")

    as_staff(app, key_worker).get("staff.service_user", service_user_id=service_user.id)
    as_staff(app, team_lead).get("staff.service_user", service_user_id=service_user.id)
    as_staff(app, colleague).get("staff.service_user", _expected_status=404, service_user_id=service_user.id)
    as_staff(app, other_lead).get("staff.service_user", _expected_status=404, service_user_id=service_user.id)


def test_anyone_in_the_team_sees_a_worrying_answer_as_the_notice_says(app: Flask, team: Any, service_user: Any,
                                                                        page_request: PageRequest) -> None:
    assert "everyone in your team can see your name and that answer or worry" in notice_text(page_request)
    response = measures.start_or_resume(service_user.user, service_user, "reqol10")
    flag = risk.raise_answer_flag(service_user.user, response, "reqol_item6", "urgent",
                                  now=datetime.now(UTC) - timedelta(hours=1))
    db.session.commit()
    colleague = factories.create_staff(team, Role.KEY_WORKER, name="Dee Duty")

    page = as_staff(app, colleague).get("staff.flag", flag_id=flag.id)

    assert "Sam Taylor" in page.h1.get_text()


def test_administrators_cannot_open_a_record(service_user: Any, as_admin: PageRequest,
                                             page_request: PageRequest) -> None:
    assert "Administrators look after the portal and its accounts. They cannot open your information." in (
        notice_text(page_request))
    as_admin.get("staff.service_user", _expected_status=403, service_user_id=service_user.id)


# Carers -------------------------------------------------------------------------------------------

def test_every_thing_a_carer_can_be_shown_is_listed(app: Flask, page_request: PageRequest) -> None:
    listed = [li.get_text(strip=True) for li in page_request.get("public.privacy_notice").select("#carer-scopes li")]

    assert set(presenters.CARER_SCOPE_TEXT) == set(consent.SCOPES)  # a new scope needs its sentence
    with app.test_request_context():
        assert listed == [str(presenters.CARER_SCOPE_TEXT[scope]) for scope in consent.SCOPES]
    assert "If you share nothing, they see nothing about you." in notice_text(page_request)


def test_a_carer_with_no_consent_sees_nothing(app: Flask, carer: Any, service_user: Any) -> None:
    view = consent.shared_view(carer, service_user.id, audit_view=False)
    assert view.sees_nothing


# The law, retention, rights, the controller -------------------------------------------------------

def test_the_lawful_basis_is_public_task_and_health_care(page_request: PageRequest) -> None:
    text = notice_text(page_request)
    assert "(Article 6(1)(e))" in text
    assert "(Article 9(2)(h))" in text


def test_retention_shows_the_nhs_code_defaults(page_request: PageRequest) -> None:
    text = section(page_request, "How long we keep it")
    assert "for 20 years after your last contact with our services" in text
    assert "for 10 years after their death, if that is sooner" in text
    assert "Records Management Code of Practice" in text


def test_retention_shows_the_trusts_own_setting(app: Flask, page_request: PageRequest) -> None:
    app.config.update(RETENTION_YEARS=25, RETENTION_YEARS_AFTER_DEATH=12)
    try:
        text = section(page_request, "How long we keep it")
    finally:
        app.config.update(RETENTION_YEARS=20, RETENTION_YEARS_AFTER_DEATH=10)
    assert "for 25 years after your last contact" in text
    assert "for 12 years after their death" in text
    assert "Records Management Code of Practice" not in text  # no longer the code's figures


def test_the_trust_is_the_data_controller(app: Flask, page_request: PageRequest) -> None:
    assert f"{app.config['TRUST_NAME']} is responsible for the information in this portal" in (
        notice_text(page_request))


def test_rights_and_how_to_use_them(page_request: PageRequest) -> None:
    text = section(page_request, "Your rights")
    for right in ("see the information we keep about you", "ask us to correct", "object", "complain"):
        assert right in text
    assert "Information Commissioner's Office (ICO)" in notice_text(page_request)
    ico = page_request.get("public.privacy_notice").find("a", string="ico.org.uk/make-a-complaint")
    assert ico is not None and ico["href"] == "https://ico.org.uk/make-a-complaint/"


@pytest.mark.parametrize(("contact", "expected"), [
    ("", "Tell your key worker. They can also tell you how to contact the trust's data protection officer."),
    ("dpo@example.nhs.uk, 1 Trust Road, Northshire", "dpo@example.nhs.uk, 1 Trust Road, Northshire"),
])
def test_the_data_protection_officer_contact_when_set(app: Flask, page_request: PageRequest, contact: str,
                                                      expected: str) -> None:
    app.config["DATA_PROTECTION_CONTACT"] = contact
    try:
        text = section(page_request, "How to use your rights")
    finally:
        app.config["DATA_PROTECTION_CONTACT"] = ""
    assert expected in text


def test_the_contact_is_shown_as_text_not_html(app: Flask, page_request: PageRequest) -> None:
    app.config["DATA_PROTECTION_CONTACT"] = "<b>dpo</b>"
    try:
        page = page_request.get("public.privacy_notice")
    finally:
        app.config["DATA_PROTECTION_CONTACT"] = ""
    assert page.select_one(".portal-data-protection-contact").get_text() == "<b>dpo</b>"


# Where things go, and the pages people can use ------------------------------------------------------

def test_the_clinical_record_is_named_only_when_the_portal_sends_to_one(app: Flask,
                                                                       page_request: PageRequest) -> None:
    assert "It is not copied to another record system." in notice_text(page_request)
    app.config["RECORD_ADAPTER"] = "fhir"
    try:
        text = notice_text(page_request)
    finally:
        app.config["RECORD_ADAPTER"] = "local"
    assert "also copied to the clinical record at" in text


def test_gov_uk_notify_is_named_only_when_it_sends_the_reminders(app: Flask, page_request: PageRequest) -> None:
    assert "GOV.UK Notify" not in notice_text(page_request)
    app.config["NOTIFIER"] = "govuk_notify"
    try:
        assert "GOV.UK Notify" in notice_text(page_request)
    finally:
        app.config["NOTIFIER"] = "local"


@pytest.mark.parametrize(("endpoint", "words"), [
    (presenters.ACCESS_HISTORY_ENDPOINT, "Who has seen my information"),
    (presenters.INFORMATION_COPY_ENDPOINT, "Download my information"),
])
def test_the_pages_to_see_and_download_your_information_are_named(app: Flask, page_request: PageRequest,
                                                                   endpoint: str, words: str) -> None:
    page = page_request.get("public.privacy_notice")
    assert words in page.get_text()
    link = page.find("a", string=words)
    if endpoint in app.view_functions:
        assert link is not None and link["href"] == page_request.url(endpoint)
    else:
        assert link is None  # never a link to a page that does not exist


def test_a_carer_is_pointed_to_their_own_pages(app: Flask, as_carer: PageRequest) -> None:
    page = as_carer.get("public.privacy_notice")
    for endpoint in presenters.CARER_ENDPOINTS.values():
        if endpoint in app.view_functions:
            assert page.find("a", href=as_carer.url(endpoint)) is not None
    assert not page.select('a[href^="/me/"]')


def test_no_link_to_a_page_that_does_not_exist(app: Flask) -> None:
    with app.test_request_context():
        assert presenters.url_if_page_exists("me.no_such_page") is None
        assert presenters.url_if_page_exists("public.privacy_notice") == "/privacy"
