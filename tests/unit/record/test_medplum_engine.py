"""The Medplum test server (tests/medplum/server.mjs) answers with Medplum's FHIR behaviour, not ours.

Each test proves a behaviour that our sync code meets in a real record: conditional create,
validation, version checks, search, and Medplum's limit on transactions that need strict isolation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.medplum_engine import MedplumFhirServer

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
PORTAL_GOAL = "https://portal.test/Id/goal"
PATIENT_URN = "urn:uuid:6f1c1d0e-58b4-4c57-9f0e-2a9c4d1e7b10"
# A questionnaire canonical with a space in its version: Medplum's validator refuses it.
CANONICAL_WITH_SPACE = "https://example.org/Questionnaire/reqol10|ReQoL-10 English (UK)"


@pytest.fixture
def fhir(medplum_fhir: MedplumFhirServer) -> Iterator[httpx.Client]:
    medplum_fhir.reset()
    with httpx.Client(base_url=medplum_fhir.base_url, timeout=10,
                      headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"}) as client:
        yield client


def patient(nhs_number: str = "9000000009") -> dict[str, Any]:
    return {"resourceType": "Patient", "identifier": [{"system": NHS_NUMBER, "value": nhs_number}]}


def goal(value: str, subject: str, status: str = "active") -> dict[str, Any]:
    return {"resourceType": "Goal", "lifecycleStatus": status, "description": {"text": "Get back to swimming"},
            "subject": {"reference": subject}, "identifier": [{"system": PORTAL_GOAL, "value": value}]}


def transaction(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}


def conditional_transaction(entries: int) -> dict[str, Any]:
    """A conditional create of the patient, then conditional updates of goals: all need strict isolation."""
    first = {"fullUrl": PATIENT_URN, "resource": patient(),
             "request": {"method": "POST", "url": "Patient", "ifNoneExist": f"identifier={NHS_NUMBER}|9000000009"}}
    goals = [{"resource": goal(str(n), PATIENT_URN), "request": {"method": "PUT", "url": f"Goal?identifier={PORTAL_GOAL}|{n}"}}
             for n in range(1, entries)]
    return transaction(first, *goals)


def search(fhir: httpx.Client, resource_type: str, **params: str) -> list[dict[str, Any]]:
    response = fhir.get(resource_type, params=params)
    assert response.status_code == 200, response.text
    return [entry["resource"] for entry in response.json().get("entry", [])]


def issues(response: httpx.Response) -> list[tuple[str, str]]:
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    return [(issue["details"]["text"], ",".join(issue.get("expression", []))) for issue in outcome["issue"]]


def test_conditional_create_twice_makes_one_resource(fhir: httpx.Client) -> None:
    if_none_exist = {"If-None-Exist": f"identifier={NHS_NUMBER}|9000000009"}

    first = fhir.post("Patient", json=patient(), headers=if_none_exist)
    second = fhir.post("Patient", json=patient(), headers=if_none_exist)

    assert first.status_code == 201
    assert first.headers["Location"] == f"{fhir.base_url}Patient/{first.json()['id']}"
    assert first.headers["ETag"] == f'W/"{first.json()["meta"]["versionId"]}"'
    assert first.headers["Content-Type"].startswith("application/fhir+json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert len(search(fhir, "Patient")) == 1


def test_conditional_create_in_a_transaction_twice_makes_one_resource(fhir: httpx.Client) -> None:
    bundle = transaction({"resource": patient(), "request": {
        "method": "POST", "url": "Patient", "ifNoneExist": f"identifier={NHS_NUMBER}|9000000009"}})

    first = fhir.post("", json=bundle)
    second = fhir.post("", json=bundle)

    assert first.status_code == second.status_code == 200
    assert first.json()["type"] == "transaction-response"
    assert [entry["response"]["status"] for entry in first.json()["entry"]] == ["201"]
    assert [entry["response"]["status"] for entry in second.json()["entry"]] == ["200"]
    assert len(search(fhir, "Patient")) == 1


def test_a_questionnaire_canonical_with_a_space_is_refused_and_the_transaction_writes_nothing(fhir: httpx.Client) -> None:
    response = fhir.post("", json=transaction(
        {"fullUrl": PATIENT_URN, "resource": patient(), "request": {"method": "POST", "url": "Patient"}},
        {"resource": {"resourceType": "QuestionnaireResponse", "status": "completed",
                      "questionnaire": CANONICAL_WITH_SPACE, "subject": {"reference": PATIENT_URN}},
         "request": {"method": "POST", "url": "QuestionnaireResponse"}},
    ))

    # Medplum refuses the whole transaction (not a 200 with one failed entry), and nothing is written.
    assert response.status_code == 400
    assert issues(response) == [("Invalid canonical format", "QuestionnaireResponse.questionnaire")]
    assert search(fhir, "Patient") == []
    assert search(fhir, "QuestionnaireResponse") == []


def test_in_a_batch_the_invalid_entry_alone_is_refused(fhir: httpx.Client) -> None:
    response = fhir.post("", json={"resourceType": "Bundle", "type": "batch", "entry": [
        {"resource": patient(), "request": {"method": "POST", "url": "Patient"}},
        {"resource": {"resourceType": "QuestionnaireResponse", "status": "completed",
                      "questionnaire": CANONICAL_WITH_SPACE}, "request": {"method": "POST", "url": "QuestionnaireResponse"}},
    ]})

    assert response.status_code == 200
    assert [entry["response"]["status"] for entry in response.json()["entry"]] == ["201", "400"]
    refused = response.json()["entry"][1]["response"]["outcome"]
    assert refused["issue"][0]["expression"] == ["QuestionnaireResponse.questionnaire"]
    assert len(search(fhir, "Patient")) == 1


def test_an_observation_without_status_or_code_is_refused(fhir: httpx.Client) -> None:
    response = fhir.post("Observation", json={"resourceType": "Observation", "subject": {"reference": "Patient/1"}})

    assert response.status_code == 400
    assert issues(response) == [("Missing required property", "Observation.status"),
                                ("Missing required property", "Observation.code")]
    assert search(fhir, "Observation") == []


def test_a_conditional_create_is_validated_too(fhir: httpx.Client) -> None:
    response = fhir.post("Observation", json={"resourceType": "Observation", "code": {"text": "x"}},
                         headers={"If-None-Exist": "identifier=https://portal.test/Id/observation|1"})

    assert response.status_code == 400
    assert issues(response) == [("Missing required property", "Observation.status")]
    assert search(fhir, "Observation") == []


def test_an_update_with_a_stale_version_is_refused(fhir: httpx.Client) -> None:
    created = fhir.post("Goal", json=goal("1", "Patient/1")).json()
    updated = fhir.put(f"Goal/{created['id']}", json={**created, "lifecycleStatus": "completed"},
                       headers={"If-Match": f'W/"{created["meta"]["versionId"]}"'})
    assert updated.status_code == 200

    stale = fhir.put(f"Goal/{created['id']}", json={**created, "lifecycleStatus": "cancelled"},
                     headers={"If-Match": f'W/"{created["meta"]["versionId"]}"'})
    in_transaction = fhir.post("", json=transaction({
        "resource": {**created, "lifecycleStatus": "cancelled"},
        "request": {"method": "PUT", "url": f"Goal/{created['id']}", "ifMatch": f'W/"{created["meta"]["versionId"]}"'}}))

    assert stale.status_code == in_transaction.status_code == 412
    assert issues(stale) == [("Precondition Failed", "")]
    assert fhir.get(f"Goal/{created['id']}").json()["lifecycleStatus"] == "completed"


def test_search_by_identifier_and_by_patient_finds_the_resource(fhir: httpx.Client) -> None:
    subject = fhir.post("Patient", json=patient()).json()
    fhir.post("Patient", json=patient("9000000017"))
    mine = fhir.post("Goal", json=goal("1", f"Patient/{subject['id']}")).json()
    fhir.post("Goal", json=goal("2", "Patient/someone-else"))

    assert [p["id"] for p in search(fhir, "Patient", identifier=f"{NHS_NUMBER}|9000000009")] == [subject["id"]]
    assert [g["id"] for g in search(fhir, "Goal", identifier=f"{PORTAL_GOAL}|1")] == [mine["id"]]
    assert [g["id"] for g in search(fhir, "Goal", patient=f"Patient/{subject['id']}")] == [mine["id"]]


def test_conditional_update_creates_then_updates_the_same_resource(fhir: httpx.Client) -> None:
    url = f"Goal?identifier={PORTAL_GOAL}|1"

    created = fhir.put(url, json=goal("1", "Patient/1"))
    updated = fhir.put(url, json=goal("1", "Patient/1", status="completed"))

    assert created.status_code == 201
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    history = fhir.get(f"Goal/{created.json()['id']}/_history").json()
    assert [entry["resource"]["lifecycleStatus"] for entry in history["entry"]] == ["completed", "active"]
    # Medplum's MemoryRepository reversed the stored list on every read; the server puts it back.
    again = fhir.get(f"Goal/{created.json()['id']}/_history").json()
    assert [entry["resource"]["lifecycleStatus"] for entry in again["entry"]] == ["completed", "active"]


def test_a_transaction_with_nine_conditional_entries_is_refused_and_eight_pass(fhir: httpx.Client) -> None:
    refused = fhir.post("", json=conditional_transaction(9))
    accepted = fhir.post("", json=conditional_transaction(8))

    assert refused.status_code == 400
    assert issues(refused) == [("Transaction requires strict isolation but has too many entries", "")]
    assert accepted.status_code == 200
    assert [entry["response"]["status"] for entry in accepted.json()["entry"]] == ["201"] * 8
    patient_id = accepted.json()["entry"][0]["resource"]["id"]
    goals = search(fhir, "Goal", patient=f"Patient/{patient_id}")
    assert len(goals) == 7  # the urn:uuid reference was rewritten to the created patient


def test_max_transaction_entries_lowers_the_limit_for_conditional_transactions_only() -> None:
    with MedplumFhirServer(max_transaction_entries=3) as server, httpx.Client(base_url=server.base_url) as fhir:
        four_conditional = fhir.post("", json=conditional_transaction(4))
        three_conditional = fhir.post("", json=conditional_transaction(3))
        four_plain = fhir.post("", json=transaction(
            *({"resource": patient(f"900000{n:04d}"), "request": {"method": "POST", "url": "Patient"}} for n in range(4))))

    assert four_conditional.status_code == 400
    assert issues(four_conditional) == [("Transaction requires strict isolation but has too many entries", "")]
    assert three_conditional.status_code == 200
    assert four_plain.status_code == 200


def test_a_conditional_reference_is_resolved_to_the_one_resource_it_names(fhir: httpx.Client) -> None:
    made = fhir.post("Patient", json=patient())
    by_identifier = f"Patient?identifier={NHS_NUMBER}|9000000009"

    answer = fhir.post("", json=transaction(
        {"resource": goal("1", by_identifier), "request": {"method": "POST", "url": "Goal"}}))
    nobody = fhir.post("", json=transaction(
        {"resource": goal("2", f"Patient?identifier={NHS_NUMBER}|9000000017"), "request": {"method": "POST",
                                                                                         "url": "Goal"}}))

    assert answer.status_code == 200, answer.text
    [stored] = search(fhir, "Goal", identifier=f"{PORTAL_GOAL}|1")
    assert stored["subject"]["reference"] == f"Patient/{made.json()['id']}"
    assert nobody.status_code == 400 and search(fhir, "Goal", identifier=f"{PORTAL_GOAL}|2") == []
