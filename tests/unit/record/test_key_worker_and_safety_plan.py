"""A change of key worker and a changed safety plan reach the record once each, and never go backwards."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, OutboxStatus, Role
from portal.models.base import utcnow
from portal.record import contract
from portal.record.fhir_record import FhirRecord
from portal.record.worker import SyncSettings, claim, deliver_one, run
from portal.services import handover, outbox, safety_plans
from tests import factories
from tests.fhir_server import FaultPlan, FhirTestServer
from tests.unit.record.conftest import FAST, IDENTIFIER_BASE, key_worker_payload, safety_plan_payload

CARE_TEAM_SYSTEM = f"{IDENTIFIER_BASE}/key-worker-team"
SAFETY_PLAN_SYSTEM = f"{IDENTIFIER_BASE}/safety-plan"


def _in_record(server: FhirTestServer, **values: object):  # type: ignore[no-untyped-def]
    person = factories.create_service_user(**values)
    server.add_patient(person.nhs_number)
    return person


def _messages(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def _key_worker_of(team: dict) -> str:
    [participant] = team["participant"]
    return str(participant["member"]["display"])


def _steps(plan: dict) -> dict[str, str]:
    return {a["detail"]["code"]["coding"][0]["code"]: a["detail"]["description"] for a in plan.get("activity", [])}


# Both: one resource per patient, replaced on each change -------------------------------------

@pytest.mark.parametrize(("kind", "payload", "resource_type"), [
    (contract.KEY_WORKER_CHANGED, key_worker_payload, "CareTeam"),
    (contract.SAFETY_PLAN_UPDATED, safety_plan_payload, "CarePlan"),
])
def test_a_change_whose_response_was_lost_is_not_made_twice(app, fhir_server, record, kind, payload,
                                                            resource_type) -> None:
    person = _in_record(fhir_server)
    message = outbox.enqueue(person.id, kind, payload(person.nhs_number))
    db.session.commit()
    fhir_server.faults = FaultPlan(lose_response=1.0)
    assert run(record, FAST, once=True).retried == 1
    fhir_server.faults = FaultPlan()
    db.session.get_one(OutboxMessage, message.id).next_attempt_at = utcnow()
    db.session.commit()

    assert run(record, FAST, once=True).delivered == 1

    [written] = fhir_server.resources(resource_type)
    assert written["meta"]["versionId"] == "1"
    assert fhir_server.log == [str(message.id)]


# Key worker ----------------------------------------------------------------------------------

def test_a_handover_names_the_new_key_worker_in_the_patients_care_team(app, fhir_server, record) -> None:
    team = factories.create_team("North CMHT")
    lead = factories.create_staff(team, role=Role.TEAM_LEAD, name="Helen Brooks")
    priya = factories.create_staff(team, name="Priya Shah")
    tom = factories.create_staff(team, name="Tom Okafor")
    person = _in_record(fhir_server, team=team)
    handover.allocate(lead.user, person, priya.id, handover_on=date(2026, 11, 2), handover_note="First allocation")
    handover.allocate(lead.user, person, tom.id, handover_on=date(2026, 11, 3), handover_note="Priya is moving team")
    [first, second] = _messages(contract.KEY_WORKER_CHANGED)
    assert set(first.payload) == set(contract.KeyWorkerChanged.__annotations__), "the producer keeps to the contract"

    assert run(record, FAST, once=True).delivered == 4  # each handover: the key worker, and the whole care team

    [care_team] = fhir_server.by_identifier("CareTeam", CARE_TEAM_SYSTEM, person.nhs_number)
    assert _key_worker_of(care_team) == "Tom Okafor"
    assert care_team["meta"]["versionId"] == "2", "one CareTeam, changed, not a second one"
    assert care_team["name"] == "Key worker, North CMHT"
    patient = fhir_server.by_identifier("Patient", "https://fhir.nhs.uk/Id/nhs-number", person.nhs_number)[0]
    assert care_team["subject"]["reference"] == f"Patient/{patient['id']}"
    assert [m for m in fhir_server.log if m in (str(first.id), str(second.id))] == [str(first.id), str(second.id)]


def test_an_older_key_worker_message_arriving_late_does_not_undo_a_newer_one(app, fhir_server, record) -> None:
    """A worker whose lease ran out sends its (older) message after the newer one went through."""
    person = _in_record(fhir_server)
    older = outbox.enqueue(person.id, contract.KEY_WORKER_CHANGED,
                           key_worker_payload(person.nhs_number, "Priya Shah", "2026-11-02T09:00:00+00:00"))
    db.session.commit()
    [late_claim] = claim(SyncSettings(lease=0.0))
    outbox.enqueue(person.id, contract.KEY_WORKER_CHANGED,
                   key_worker_payload(person.nhs_number, "Tom Okafor", "2026-11-03T09:00:00+00:00"))
    db.session.commit()
    assert run(record, FAST, once=True).delivered == 2  # the older one again (lease over), then the newer

    assert deliver_one(record, late_claim, FAST) == "delivered"  # the first worker finally gets there

    [care_team] = fhir_server.resources("CareTeam")
    assert _key_worker_of(care_team) == "Tom Okafor"
    assert db.session.get_one(OutboxMessage, older.id).status is OutboxStatus.DELIVERED


# Safety plan ---------------------------------------------------------------------------------

def test_a_safety_plan_and_its_changes_and_review_update_one_care_plan(app, fhir_server, record) -> None:
    person = _in_record(fhir_server)
    key_worker = factories.create_staff(person.team)
    safety_plans.save(person.user, person, {"warning_signs": "I stop sleeping", "reasons_for_living": "My niece"}, 0)
    safety_plans.save(person.user, person, {"warning_signs": "I stop sleeping and stay in bed"}, 1)
    safety_plans.mark_reviewed(key_worker.user, person, on=date(2026, 11, 20))
    messages = _messages(contract.SAFETY_PLAN_UPDATED)
    assert len(messages) == 3
    assert set(messages[0].payload) == set(contract.SafetyPlanUpdated.__annotations__)

    assert run(record, FAST, once=True).delivered == 3

    [plan] = fhir_server.by_identifier("CarePlan", SAFETY_PLAN_SYSTEM, person.nhs_number)
    assert _steps(plan) == {"warning_signs": "I stop sleeping and stay in bed", "reasons_for_living": "My niece"}
    assert plan["meta"]["versionId"] == "3" and plan["title"] == "Safety plan, version 2"
    assert "2026-11-20" in plan["description"]
    assert fhir_server.log == [str(m.id) for m in messages]


def test_an_older_safety_plan_never_replaces_a_newer_one(app, fhir_server) -> None:
    person = _in_record(fhir_server)
    record = FhirRecord(fhir_server.base_url, IDENTIFIER_BASE, timeout=2)
    newer = safety_plan_payload(person.nhs_number, version=3, warning_signs="Newest words")
    record.send_safety_plan(1, newer)  # type: ignore[arg-type]
    record.send_safety_plan(2, safety_plan_payload(person.nhs_number, version=2,  # type: ignore[arg-type]
                                                   warning_signs="Older words"))
    record.send_safety_plan(3, newer | {"reviewed_on": "2026-11-21"})  # type: ignore[arg-type]
    record.send_safety_plan(4, newer)  # type: ignore[arg-type] # the review is not undone by a late copy

    [plan] = fhir_server.resources("CarePlan")
    assert _steps(plan)["warning_signs"] == "Newest words"
    assert "2026-11-21" in plan["description"]
    assert fhir_server.log == ["1", "3"]
    record.close()
