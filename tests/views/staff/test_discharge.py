"""Discharge: a team lead records it (when the portal is the record) and can undo it; a discharged
person is off the caseload, the team view and the "no key worker" count, has nothing due, and is
told on their home page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, MeasureAssignment
from portal.services import measures
from portal.services.errors import NotAllowed
from tests import factories
from tests.conftest import PageRequest, password_and_code
from tests.pages import error_messages


def today() -> date:
    """Worked out when each test runs, never at import (a run may cross midnight)."""
    return date.today()


def discharge_form(day: date) -> dict[str, str]:
    return {"discharged_on-day": str(day.day), "discharged_on-month": str(day.month),
            "discharged_on-year": str(day.year)}


def _audit_actions(person: Any) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.record_id == person.id,
        AuditEvent.action.in_(("service_user_discharged", "service_user_reopened"))).order_by(AuditEvent.id)))


def test_a_team_lead_records_a_discharge_and_undoes_it(app: Flask, team_lead: Any, service_user: Any,
                                                       as_team_lead: PageRequest) -> None:
    page = as_team_lead.get("staff.service_user", service_user_id=service_user.id)
    assert page.select_one("#care-status").get_text(" ", strip=True).startswith("Care Under the team")
    link = page.select_one("#care-status a")
    assert link.get_text(" ", strip=True) == "Record a discharge for Sam Taylor"
    assert link["href"] == f"/staff/service-users/{service_user.id}/discharge"

    # A date in the future is explained, and what was typed is kept
    tomorrow = today() + timedelta(days=1)
    page = as_team_lead.post("staff.discharge_service_user", discharge_form(tomorrow), service_user_id=service_user.id)
    assert error_messages(page) == ["The date they left must be today or in the past"]
    assert page.select_one("input[name=discharged_on-day]")["value"] == str(tomorrow.day)
    assert service_user.discharged_on is None

    as_team_lead.post("staff.discharge_service_user", discharge_form(today() - timedelta(days=2)), _expected_status=303,
                      _expected_redirect=f"/staff/service-users/{service_user.id}", service_user_id=service_user.id)
    db.session.refresh(service_user)
    assert service_user.discharged_on == today() - timedelta(days=2)
    page = as_team_lead.get("staff.service_user", service_user_id=service_user.id)
    assert "Discharged on" in page.select_one("#care-status").get_text()
    assert [b.get_text(strip=True) for b in page.select("main button")] == ["Sam is back under the team"]
    timeline = as_team_lead.get("staff.service_user_timeline", service_user_id=service_user.id)
    assert "Discharged from the team" in timeline.select_one(".portal-timeline").get_text()

    as_team_lead.post("staff.reopen_service_user", _expected_status=303, service_user_id=service_user.id)
    db.session.refresh(service_user)
    assert service_user.discharged_on is None
    assert _audit_actions(service_user) == ["service_user_discharged", "service_user_reopened"]


def test_only_team_leads_of_the_team_record_discharges(app: Flask, service_user: Any, team_lead: Any,
                                                       as_key_worker: PageRequest) -> None:
    page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    assert page.select_one("#care-status a") is None
    as_key_worker.get("staff.discharge_service_user", _expected_status=403, service_user_id=service_user.id)
    as_key_worker.post("staff.discharge_service_user", discharge_form(today()), _expected_status=403,
                       service_user_id=service_user.id)
    as_key_worker.post("staff.reopen_service_user", _expected_status=403, service_user_id=service_user.id)
    other_lead = factories.create_staff(factories.create_team(), role=team_lead.user.role)
    db.session.commit()
    client = app.test_client()
    password_and_code(client, other_lead.user.email)
    other = PageRequest(client)
    other.get("staff.discharge_service_user", _expected_status=404, service_user_id=service_user.id)
    other.post("staff.discharge_service_user", discharge_form(today()), _expected_status=404,
               service_user_id=service_user.id)
    db.session.refresh(service_user)
    assert service_user.discharged_on is None


def test_with_a_trusts_record_the_discharge_comes_from_the_record(app: Flask, service_user: Any, team_lead: Any,
                                                                  as_team_lead: PageRequest,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "RECORD_ADAPTER", "fhir")
    page = as_team_lead.get("staff.service_user", service_user_id=service_user.id)
    assert page.select_one("#care-status a") is None
    as_team_lead.get("staff.discharge_service_user", _expected_status=403, service_user_id=service_user.id)


def test_a_discharged_person_is_off_the_lists_and_has_nothing_due(
        app: Flask, team: Any, key_worker: Any, service_user: Any, as_team_lead: PageRequest,
        as_service_user: PageRequest) -> None:
    measures.assign(key_worker.user, service_user, "reqol10", today())
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")  # no key worker
    alex.discharged_on = service_user.discharged_on = today() - timedelta(days=1)
    db.session.commit()

    caseload = as_team_lead.get("staff.home")
    assert caseload.select("#caseload-results tbody tr") == []
    assert caseload.select_one("#no-key-worker-count").get_text(strip=True) == "0"
    discharged = as_team_lead.get("staff.home", show="discharged")
    rows = discharged.select("#caseload-results tbody tr")
    assert sorted(r.select_one("a").get_text(strip=True) for r in rows) == ["Alex Morgan", "Sam Taylor"]
    assert all("Discharged on" in r.get_text() and "portal-row-highlight" not in r["class"] for r in rows)
    assert as_team_lead.get("staff.team").select("#team-results tbody tr") == []

    home = as_service_user.get("me.home")
    assert "You left the care of" in home.select_one("#discharged").get_text()
    assert measures.due_measures(service_user, today()) == []
    assert db.session.scalar(select(MeasureAssignment)).completed_at is None  # kept, for if they come back


def test_nothing_is_started_or_asked_for_once_discharged(app: Flask, service_user: Any, key_worker: Any,
                                                          as_key_worker: PageRequest) -> None:
    service_user.discharged_on = today()
    db.session.commit()
    page = as_key_worker.get("staff.service_user_measures", service_user_id=service_user.id)
    assert "Nothing can be asked for while Sam is discharged." in page.select_one("#discharged").get_text()
    assert [b.get_text(strip=True) for b in page.select("main button")] == []
    as_key_worker.post("staff.start_session", _expected_status=403, service_user_id=service_user.id)
    as_key_worker.post("staff.start_session_measure", _expected_status=403, service_user_id=service_user.id)
    with pytest.raises(NotAllowed):
        measures.assign(key_worker.user, service_user, "reqol10", today() + timedelta(days=7))


@pytest.mark.parametrize("part", ["day", "month", "year"])
def test_a_date_with_a_huge_number_is_explained_and_kept(service_user: Any, as_team_lead: PageRequest,
                                                         part: str) -> None:
    typed = {**discharge_form(today()), f"discharged_on-{part}": "9" * 23}
    page = as_team_lead.post("staff.discharge_service_user", typed, service_user_id=service_user.id)
    assert error_messages(page) == ["Enter a real date, like 27 3 2027"]
    assert page.select_one(f"input[name=discharged_on-{part}]")["value"] == "9" * 23
    assert service_user.discharged_on is None
