"""Carers for key workers: stale details, consent given in person, contributions read,
acknowledged and brought into the care plan."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, CarePlanEntry, CarerContribution
from portal.services import carers, consent
from tests import factories
from tests.conftest import PageRequest


def test_the_carers_page_shows_stale_details_and_current_consent(app: Flask, carer, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    carer.details_confirmed_on = date.today() - timedelta(days=400)
    fresh = factories.create_carer(service_user, name="Ali Khan")
    fresh.details_confirmed_on = date.today()
    fresh.mobile, fresh.interpreter_needed = "07700900982", True
    factories.create_consent(fresh, service_user, ("goals",))
    db.session.commit()
    page = as_key_worker.get("staff.service_user_carers", service_user_id=service_user.id)
    assert "Details need checking" in page.select_one(f"#carer-{carer.id}").get_text()
    ali = page.select_one(f"#carer-{fresh.id}").get_text(" ")
    assert "Details need checking" not in ali
    assert "07700 900982" in ali and "needs an interpreter" in ali and "Sam's goals" in ali


def test_recording_consent_given_in_person(app: Flask, carer, service_user, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    as_key_worker.post("staff.record_carer_consent", {"scopes": ["involvement"]}, _expected_status=303,
                       service_user_id=service_user.id, carer_id=carer.id)
    decision = consent.current(factories.link_of(carer, service_user))
    assert (decision.in_person, decision.recorded_by_id, decision.involvement) == (True, key_worker.user_id, True)
    page = as_key_worker.get("staff.service_user_carers", service_user_id=service_user.id)
    assert "given in person" in page.select_one(f"#carer-{carer.id}").get_text()


def test_staff_outside_the_caseload_get_404(app: Flask, carer, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import sign_in

    colleague = PageRequest(sign_in(app.test_client(), factories.create_staff(key_worker.team).user))
    contribution = factories.create_contribution(carer, service_user)
    colleague.get("staff.service_user_carers", _expected_status=404, service_user_id=service_user.id)
    colleague.post("staff.record_carer_consent", {"scopes": ["goals"]}, _expected_status=404,
                   service_user_id=service_user.id, carer_id=carer.id)
    colleague.get("staff.carer_contribution", _expected_status=404, service_user_id=service_user.id,
                  contribution_id=contribution.id)
    colleague.post("staff.acknowledge_carer_contribution", _expected_status=404, service_user_id=service_user.id,
                   contribution_id=contribution.id)
    assert consent.current(factories.link_of(carer, service_user)) is None
    assert contribution.acknowledged_at is None


def test_reading_and_acknowledging_a_contribution_is_audited(app: Flask, carer, service_user, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    contribution = factories.create_contribution(carer, service_user, private=("worries",), what_helps="Walks",
                                                 worries="Secret worry", wants_carers_assessment=True)
    db.session.commit()
    assert [c.id for c in carers.new_contributions_for(key_worker.user)] == [contribution.id]
    listing = as_key_worker.get("staff.new_carer_contributions")
    assert "Jo Taylor about Sam Taylor" in listing.select_one("#new-contributions").get_text()
    page = as_key_worker.get("staff.carer_contribution", service_user_id=service_user.id, contribution_id=contribution.id)
    rows = {row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True) for row in page.select("#contribution-parts .nhsuk-summary-list__row")}
    assert rows["Is there anything you are worried about?"].startswith("Do not share with Sam")
    assert "Do not share" not in rows["What helps?"]
    assert "carer's assessment" in page.select_one(".nhsuk-warning-callout").get_text()
    as_key_worker.post("staff.acknowledge_carer_contribution", _expected_status=303, service_user_id=service_user.id,
                       contribution_id=contribution.id)
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.record_type == "carer_contribution"))]
    assert actions == ["carer_contribution_viewed", "carer_contribution_acknowledged"]
    assert carers.new_contributions_for(key_worker.user) == []
    assert "Nothing new from carers" in as_key_worker.get("staff.new_carer_contributions").get_text()


def test_bringing_a_contribution_into_the_care_plan_leaves_out_private_parts(app: Flask, carer, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    contribution = factories.create_contribution(carer, service_user, private=("worries",), what_helps="Walks",
                                                 worries="Secret worry")
    db.session.commit()
    as_key_worker.post("staff.bring_carer_contribution_into_care_plan", _expected_status=303,
                       service_user_id=service_user.id, contribution_id=contribution.id)
    entry = db.session.scalar(select(CarePlanEntry))
    assert entry.text == "What helps?: Walks"
    assert entry.author_role.value == "carer"
    page = as_key_worker.get("staff.carer_contribution", service_user_id=service_user.id, contribution_id=contribution.id)
    assert page.select_one("#in-care-plan") is not None
    assert db.session.get(CarerContribution, contribution.id).acknowledged_at is not None


def test_a_key_worker_adds_and_invites_a_carer(app: Flask, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_key_worker.post("staff.invite_carer", {"name": "Ali Khan", "relationship": "Friend",
                                                     "email": "ali@example.test"}, service_user_id=service_user.id)
    assert page.select_one("#invitation-code") is not None
    carers_page = as_key_worker.get("staff.service_user_carers", service_user_id=service_user.id)
    assert "Ali Khan" in carers_page.get_text()
