"""Refused requests go in the audit trail: who (nobody, when signed out) and which part of the portal,
never the address they typed. A flood of refusals is capped, and a trail that cannot be written
never turns a refusal into a server error."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.models import AuditEvent
from portal.services.audit import REFUSALS_RECORDED
from tests import factories
from tests.conftest import PageRequest

PER_WINDOW = REFUSALS_RECORDED.amount


def _refusals() -> list[tuple[str, int | None, str, int | None]]:
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_user_id, AuditEvent.record_type, AuditEvent.record_id)
        .where(AuditEvent.action.like("access_refused%")).order_by(AuditEvent.id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_page_for_another_role_is_refused_and_recorded(app: Flask, service_user: Any,
                                                         as_service_user: PageRequest) -> None:
    as_service_user.get("staff.home", _expected_status=403)
    as_service_user.get("admin.home", _expected_status=403)
    assert _refusals() == [("access_refused", service_user.user_id, "staff", None),
                           ("access_refused", service_user.user_id, "admin", None)]


def test_someone_elses_record_is_not_found_and_recorded(app: Flask, key_worker: Any,
                                                        as_key_worker: PageRequest) -> None:
    other = factories.create_service_user(key_worker=factories.create_staff(key_worker.team))
    page = as_key_worker.get("staff.service_user", _expected_status=404, service_user_id=other.id)
    assert other.family_name not in page.get_text()  # what the test set up is still there
    assert _refusals() == [("access_refused", key_worker.user_id, "staff", None)]


def test_something_a_service_does_not_allow_is_recorded(app: Flask, service_user: Any, key_worker: Any,
                                                        as_key_worker: PageRequest) -> None:
    service_user.discharged_on = date.today()
    db.session.commit()
    as_key_worker.post("staff.start_session", _expected_status=403, service_user_id=service_user.id)
    assert _refusals() == [("access_refused", key_worker.user_id, "staff", None)]


def test_a_signed_out_probe_is_recorded_with_nobody_as_the_actor(app: Flask, client: FlaskClient) -> None:
    response = client.get("/staff/?name=Sam+Taylor")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _refusals() == [("access_refused", None, "staff", None)]
    assert "Sam" not in repr(db.session.scalars(select(AuditEvent)).all())


def test_a_failed_security_check_on_a_form_is_recorded(app: Flask, key_worker: Any, key_worker_client: FlaskClient,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = key_worker_client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert "This page timed out" in response.get_data(as_text=True)
    assert _refusals() == [("access_refused", key_worker.user_id, "auth", None)]


def test_a_web_address_that_does_not_exist_is_not_recorded(app: Flask, client: FlaskClient,
                                                           as_key_worker: PageRequest) -> None:
    assert client.get("/no-such-page").status_code == 404
    assert as_key_worker.client.get("/staff/no-such-page").status_code == 404
    assert as_key_worker.client.get("/static/no-such-file.css").status_code == 404
    assert _refusals() == []


def test_a_flood_of_refusals_from_one_person_records_a_few_then_says_the_rest_were_left_out(
        app: Flask, service_user: Any, carer: Any, as_service_user: PageRequest, as_carer: PageRequest) -> None:
    for _ in range(PER_WINDOW + 15):
        as_service_user.get("staff.home", _expected_status=403)  # still refused every time
    as_carer.get("staff.home", _expected_status=403)  # someone else is still recorded

    refusals = _refusals()
    assert refusals.count(("access_refused", service_user.user_id, "staff", None)) == PER_WINDOW
    assert refusals.count(("access_refused_suppressed", service_user.user_id, "staff", None)) == 1
    assert refusals[-1] == ("access_refused", carer.user_id, "staff", None)
    assert len(refusals) == PER_WINDOW + 2


def test_a_flood_of_signed_out_probes_is_capped_per_address(app: Flask, client: FlaskClient) -> None:
    for _ in range(PER_WINDOW + 5):
        client.get("/admin/", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    client.get("/admin/", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert [action for action, *_ in _refusals()] == (
        ["access_refused"] * PER_WINDOW + ["access_refused_suppressed", "access_refused"])


def test_a_refusal_the_trail_cannot_take_still_shows_the_refusal_page_and_logs_nothing_personal(
        app: Flask, service_user: Any, as_service_user: PageRequest, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_audit_rows(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            raise OperationalError(statement, parameters, Exception("disk I/O error"))

    # Migration tests run alembic's logging set-up, which disables every logger that exists by then.
    monkeypatch.setattr(app.logger, "disabled", False)
    event.listen(db.engine, "before_cursor_execute", refuse_audit_rows)
    try:
        with caplog.at_level(logging.WARNING):
            page = as_service_user.get("staff.home", _expected_status=403)
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse_audit_rows)

    assert page.h1.get_text(strip=True) == "You cannot see this page"
    assert "could not be recorded" in caplog.text
    for personal in (service_user.given_name, service_user.family_name, service_user.user.email):
        assert personal not in caplog.text
    assert _refusals() == []
