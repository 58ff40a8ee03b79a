"""Fixtures for the clinical-record tests: a running test FHIR server and an adapter pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from portal.record.fhir_record import FhirRecord
from portal.record.worker import SyncSettings
from tests.fhir_server import FaultPlan, FhirTestServer

IDENTIFIER_BASE = "https://portal.test/Id"
# Tiny backoffs so retries take milliseconds in tests, and attempts enough to outlast an outage.
FAST = SyncSettings(max_attempts=1000, backoff_base=0.002, backoff_max=0.05, lease=30.0, batch_size=20, poll=0.005)


@pytest.fixture
def fhir_server() -> Iterator[FhirTestServer]:
    with FhirTestServer(faults=FaultPlan()) as server:
        yield server


def fhir_record(server: FhirTestServer, timeout: float = 2.0) -> FhirRecord:
    return FhirRecord(server.base_url, IDENTIFIER_BASE, timeout=timeout, connect_timeout=timeout)


@pytest.fixture
def record(fhir_server: FhirTestServer) -> Iterator[FhirRecord]:
    adapter = fhir_record(fhir_server)
    yield adapter
    adapter.close()


def reqol_payload(response_id: int, nhs_number: str, **changes: Any) -> dict[str, Any]:
    answers = {"difficult_to_get_started": 1, "able_to_trust_others": 3, "unable_to_cope": 0,
               "could_do_things_wanted": 2, "felt_happy": 2, "life_not_worth_living": 0, "enjoyed_what_i_did": 3,
               "hopeful_about_future": 2, "felt_lonely": 1, "confident_in_myself": 2, "physical_health": 1}
    payload = {"response_id": response_id, "nhs_number": nhs_number, "instrument": "reqol10",
               "instrument_version": "ReQoL-10 English (UK)", "version": 1, "supersedes_response_id": None,
               "mode": "self", "submitted_at": "2026-11-20T10:15:00+00:00", "answers": answers, "more_help": [],
               "scores": {"total": 29, "clinical_range": False, "physical_health": 1}}
    payload.update(changes)
    return payload


def dialog_payload(response_id: int, nhs_number: str) -> dict[str, Any]:
    codes = ["mental_health", "physical_health", "job", "accommodation", "leisure", "friendships", "partner_family",
             "personal_safety", "medication", "practical_help", "meetings"]
    return {"response_id": response_id, "nhs_number": nhs_number, "instrument": "dialog", "instrument_version": "1",
            "version": 1, "supersedes_response_id": None, "mode": "in_session",
            "submitted_at": "2026-11-21T09:00:00+00:00", "answers": {c: (i % 7) + 1 for i, c in enumerate(codes)},
            "more_help": ["job", "personal_safety"],
            "scores": {"quality_of_life": 3.75, "treatment_satisfaction": 5.0, "more_help": [3, 8]}}


def goal_payload(goal_id: int, nhs_number: str, text: str = "Get back to swimming", status: str = "active",
                 ratings: int = 1) -> dict[str, Any]:
    return {"goal_id": goal_id, "nhs_number": nhs_number, "text": text, "status": status,
            "stop_reason": "Moved away" if status == "stopped" else None, "agreement": "together",
            "owner": "service_user", "created_at": "2026-09-01T10:00:00+00:00", "next_review_on": "2026-12-01",
            "ratings": [{"rating": min(2 + i, 10), "rated_at": f"2026-{9 + i:02d}-01T10:00:00+00:00",
                         "rated_by": "service_user"} for i in range(ratings)]}


def care_plan_payload(version_id: int, nhs_number: str, goal_ids: list[int]) -> dict[str, Any]:
    return {"care_plan_version_id": version_id, "version_number": 1, "nhs_number": nhs_number,
            "agreed_at": "2026-11-01T14:00:00+00:00", "agreed_by_role": "key_worker", "next_review_on": "2027-11-01",
            "goal_ids": goal_ids, "sections": {"what_matters": [{"text": "My dog and my allotment",
                                                                 "author_role": "service_user"}],
                                                "support": [{"text": "Weekly visit", "author_role": "key_worker"}]}}


def session_payload(session_id: int, nhs_number: str, text: str = "We reviewed goals.") -> dict[str, Any]:
    return {"session_id": session_id, "nhs_number": nhs_number, "key_worker_name": "Priya Shah",
            "started_at": "2026-11-02T10:00:00+00:00", "ended_at": "2026-11-02T10:50:00+00:00", "summary_text": text}


def consent_payload(carer_id: int, nhs_number: str, scopes: list[str]) -> dict[str, Any]:
    return {"carer_id": carer_id, "nhs_number": nhs_number, "scopes": scopes, "recorded_by_role": "key_worker",
            "in_person": True, "changed_at": "2026-11-03T12:00:00+00:00"}


def carer_payload(carer_id: int, nhs_number: str, **values: Any) -> dict[str, Any]:
    payload = {"carer_id": carer_id, "nhs_number": nhs_number, "name": "Jo Taylor", "relationship": "Mother",
               "phone": "01632960001", "mobile": "07700900123", "email": "jo@example.test", "address": "1 Park Row",
               "postcode": "LS1 4AP", "preferred_contact": "mobile", "language": "English",
               "interpreter_needed": False, "young_carer": False, "confirmed_on": "2026-11-01"}
    payload.update(values)
    return payload


def key_worker_payload(nhs_number: str, name: str = "Priya Shah", changed_at: str = "2026-11-04T09:30:00+00:00",
                       registration: str = "NMC 12A3456E") -> dict[str, Any]:
    return {"nhs_number": nhs_number, "key_worker_name": name, "key_worker_professional_registration": registration,
            "team_name": "North Leeds Community Mental Health Team", "changed_at": changed_at}


def care_team_payload(nhs_number: str, changed_at: str = "2026-11-05T09:30:00+00:00",
                      members: tuple[tuple[int, str, str, str], ...] = (
                          (7, "Dr Ade Bello", "GMC 7123456", "consultant_psychiatrist"),
                          (8, "Robin Clarke", "", "peer_support_worker"))) -> dict[str, Any]:
    """Priya as key worker, then each (staff id, name, registration, role) as a member."""
    participants = [{"staff_member_id": 3, "name": "Priya Shah", "professional_registration": "NMC 12A3456E",
                     "role": "key_worker", "role_name": "Key worker", "since": "2026-11-04T09:30:00+00:00"}]
    participants += [{"staff_member_id": staff_id, "name": name, "professional_registration": registration,
                      "role": role, "role_name": role.replace("_", " ").capitalize(), "since": changed_at}
                     for staff_id, name, registration, role in members]
    return {"nhs_number": nhs_number, "changed_at": changed_at, "team_name": "North Leeds Community Mental Health Team",
            "participants": participants}


def safety_plan_payload(nhs_number: str, version: int = 1, reviewed_on: str | None = None,
                        **steps: str) -> dict[str, Any]:
    written = {"warning_signs": "I stop sleeping and stay in my room.", "cope_on_my_own": "Walk the dog",
               "people_and_places": "", "people_to_ask": "My sister Jo", "professionals": "NHS 111, option 2",
               "safer_surroundings": "", "reasons_for_living": "My niece"}
    written.update(steps)
    return {"nhs_number": nhs_number, "version": version, "updated_at": f"2026-11-0{version}T10:00:00+00:00",
            "reviewed_on": reviewed_on, "steps": written}
