"""Your information: who has seen it, and a copy of all of it (on screen, printable, or as a file)."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from portal.services import audit, goals
from tests import factories
from tests.conftest import PageRequest


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_home_links_to_your_information(app: Flask, as_service_user: PageRequest) -> None:
    page = as_service_user.get("me.home")
    links = {a.get_text(strip=True): a["href"] for a in page.select("#your-information a")}
    assert links == {"Who has seen your information": "/me/information/seen",
                     "Get a copy of your information": "/me/information/copy"}


def test_who_has_seen_it_in_plain_words_and_opening_it_is_audited(app: Flask, service_user, key_worker, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    audit.record_now(key_worker.user.id, "safety_plan_viewed", "service_user", service_user.id)
    page = as_service_user.get("me.access_history")
    assert page.h1.get_text(strip=True) == "Who has seen your information"
    first, second = page.select("#access-history > li")[:2]
    assert "You" in first.get_text() and "Looked at who has seen your information" in first.get_text()
    assert "Kim Keyworker, your key worker" in second.get_text()
    assert "Looked at your safety plan" in second.get_text()
    assert _actions()[-1] == "access_history_viewed"


def test_show_more_is_a_plain_link(app: Flask, service_user, key_worker, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        audit.record(key_worker.user.id, "service_user_viewed", "service_user", service_user.id)
    db.session.commit()
    page = as_service_user.get("me.access_history")
    assert len(page.select("#access-history > li")) == 25
    more = page.select_one("#show-more")
    assert more["href"] == "/me/information/seen?shown=50#seen-26"
    page = as_service_user.get("me.access_history", shown=50)
    assert len(page.select("#access-history > li")) > 30 and page.select_one("#show-more") is None


def test_a_copy_on_screen_and_as_a_file(app: Flask, service_user, key_worker, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goals.draft_goal(service_user.user, service_user, text="Walk to the park")
    other = factories.create_service_user(key_worker=key_worker)
    goals.draft_goal(other.user, other, text="Someone else's goal")
    page = as_service_user.get("me.information_copy")
    assert page.h1.get_text(strip=True) == "A copy of your information"
    assert "Walk to the park" in page.get_text() and "Someone else's goal" not in page.get_text()
    assert page.select_one("form#download")["action"] == "/me/information/copy/download"
    response = as_service_user.client.post("/me/information/copy/download", data={})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    copy = json.loads(response.data)
    assert (copy["version"], copy["goals"][0]["text"]) == (1, "Walk to the park")
    assert "Someone else's goal" not in response.get_data(as_text=True)
    assert copy["who_has_seen"][0]["in_words"] == "You: Downloaded a copy of all your information"
    assert _actions()[-2:] == ["information_copy_viewed", "information_downloaded"]


def test_only_service_users_open_these_pages(app: Flask, as_carer: PageRequest, as_key_worker: PageRequest) -> None:
    as_carer.get("me.access_history", _expected_status=403)
    as_key_worker.get("me.information_copy", _expected_status=403)
    assert as_carer.client.post("/me/information/copy/download").status_code == 403


def test_gender_and_ethnic_group_from_the_record_are_in_the_copy_in_words(app: Flask, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    service_user.gender, service_user.ethnic_category = "female", "N"
    db.session.commit()
    page = as_service_user.get("me.information_copy")
    rows = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in page.select("#about ~ dl .nhsuk-summary-list__row")}
    assert rows["Gender (from your health record)"] == "Female"
    assert rows["Ethnic group (from your health record)"] == "Black or Black British (N)"
