"""Staff see who has seen a person's information, and produce a copy for a subject access request."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from tests import factories
from tests.conftest import PageRequest


def test_key_worker_sees_the_persons_page_and_it_is_audited(app: Flask, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    person_page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    assert {a["href"] for a in person_page.select("#their-information a")} == {
        f"/staff/service-users/{service_user.id}/information/seen",
        f"/staff/service-users/{service_user.id}/information/copy"}
    page = as_key_worker.get("staff.service_user_access_history", service_user_id=service_user.id)
    assert page.h1.get_text(" ", strip=True).endswith("Who has seen Sam's information")
    assert "Kim Keyworker, your key worker" in page.select_one("#access-history").get_text()
    row = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (row.action, row.record_id) == ("access_history_viewed", service_user.id)


def test_subject_access_copy_is_audited_as_such(app: Flask, service_user, as_team_lead: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_team_lead.get("staff.service_user_information_copy", service_user_id=service_user.id)
    assert "Sam" in page.h1.get_text()
    response = as_team_lead.client.post(f"/staff/service-users/{service_user.id}/information/copy/download")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.data)["person"]["nhs_number"] == service_user.nhs_number
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["subject_access_copy_viewed", "subject_access_downloaded"]


def test_someone_not_on_the_caseload_is_not_found(app: Flask, as_key_worker: PageRequest) -> None:
    stranger = factories.create_service_user(key_worker=factories.create_staff())
    db.session.commit()
    as_key_worker.get("staff.service_user_access_history", _expected_status=404, service_user_id=stranger.id)
    as_key_worker.get("staff.service_user_information_copy", _expected_status=404, service_user_id=stranger.id)
    assert as_key_worker.client.post(
        f"/staff/service-users/{stranger.id}/information/copy/download").status_code == 404
