"""The outbox worker against a real HTTP FHIR server: order, retries, dead letters, idempotency."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import CarerDetailConflict, CarerRecordLink, OutboxMessage, OutboxStatus
from portal.models.base import utcnow
from portal.record import fhir_resources as fr
from portal.record.fhir_record import FhirRecord
from portal.record.local import LocalRecord
from portal.record.worker import SyncSettings, backoff_seconds, claim, deliver_one, retry_dead_letter, run
from portal.services import outbox
from tests import factories
from tests.fhir_server import FaultPlan, FhirTestServer
from tests.unit.record.conftest import (
    FAST,
    IDENTIFIER_BASE,
    carer_payload,
    dialog_payload,
    goal_payload,
    reqol_payload,
    session_payload,
)

QR_SYSTEM = f"{IDENTIFIER_BASE}/questionnaire-response"


def person_in_record(server: FhirTestServer):  # type: ignore[no-untyped-def]
    person = factories.create_service_user()
    server.add_patient(person.nhs_number, name=[{"use": "official", "family": person.family_name, "given": ["Test"]}])
    return person


def send(person, kind: str, payload: dict) -> OutboxMessage:  # type: ignore[no-untyped-def]
    message = outbox.enqueue(person.id, kind, payload)
    db.session.commit()
    return message


def status_of(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get_one(OutboxMessage, message_id)


def test_a_reqol_arrives_as_a_questionnaire_response_and_its_total_observation(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    message = send(person, "questionnaire_response.submitted", reqol_payload(41, person.nhs_number))

    assert run(record, FAST, once=True).delivered == 1

    [response] = fhir_server.by_identifier("QuestionnaireResponse", QR_SYSTEM, "41")
    [total] = fhir_server.resources("Observation")
    patient = fhir_server.by_identifier("Patient", "https://fhir.nhs.uk/Id/nhs-number", person.nhs_number)[0]
    assert response["subject"]["reference"] == f"Patient/{patient['id']}"
    assert total["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response['id']}"}]
    assert total["valueInteger"] == 29
    sent = status_of(message.id)
    assert (sent.status, sent.attempts, sent.delivered_at is not None) == (OutboxStatus.DELIVERED, 1, True)


def test_a_correction_amends_the_same_response_and_observation_in_the_record(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    send(person, "questionnaire_response.submitted", reqol_payload(41, person.nhs_number))
    run(record, FAST, once=True)
    [first] = fhir_server.resources("QuestionnaireResponse")

    corrected = reqol_payload(52, person.nhs_number, version=2, supersedes_response_id=41, first_response_id=41,
                              scores={"total": 31, "clinical_range": False, "physical_health": 1})
    message = send(person, "questionnaire_response.submitted", corrected)
    assert run(record, FAST, once=True).delivered == 1

    [response] = fhir_server.resources("QuestionnaireResponse")
    [total] = fhir_server.resources("Observation")
    assert (response["id"], response["identifier"]["value"], response["status"]) == (first["id"], "41", "amended")
    assert (total["valueInteger"], total["status"]) == (31, "amended")
    assert total["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{first['id']}"}]
    versions = (response["meta"]["versionId"], total["meta"]["versionId"])

    # Sent again (a retry after a lost response): nothing changes
    outbox.enqueue(person.id, "questionnaire_response.submitted", corrected)
    db.session.commit()
    assert run(record, FAST, once=True).delivered == 1
    assert status_of(message.id).status is OutboxStatus.DELIVERED
    assert (fhir_server.resources("QuestionnaireResponse")[0]["meta"]["versionId"],
            fhir_server.resources("Observation")[0]["meta"]["versionId"]) == versions


def test_a_correction_lands_even_when_the_first_version_never_reached_the_record(app, fhir_server, record) -> None:
    # The record kept the first version's total (16, "final") but refused its QuestionnaireResponse.
    person = person_in_record(fhir_server)
    first = reqol_payload(41, person.nhs_number, scores={"total": 16, "clinical_range": True, "physical_health": 1})
    refused = send(person, "questionnaire_response.submitted", first)
    fhir_server.refuse = lambda resource: "refused" if resource["resourceType"] == "QuestionnaireResponse" else None
    fhir_server.put(fr.score_observations(first, fr.Systems(IDENTIFIER_BASE), "Patient/1")[0])
    assert run(record, FAST, once=True).dead == 1
    fhir_server.refuse = None

    corrected = reqol_payload(52, person.nhs_number, version=2, supersedes_response_id=41, first_response_id=41,
                              scores={"total": 12, "clinical_range": True, "physical_health": 1})
    outbox.enqueue(person.id, "questionnaire_response.submitted", corrected)
    # An administrator gives the first up (marks it handled) rather than retrying it.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == refused.id).values(status=OutboxStatus.DELIVERED))
    db.session.commit()
    assert run(record, FAST, once=True).delivered == 1

    [response] = fhir_server.resources("QuestionnaireResponse")
    [total] = fhir_server.resources("Observation")
    assert (response["identifier"]["value"], response["status"]) == ("41", "amended")
    assert (total["valueInteger"], total["status"]) == (12, "amended")
    assert total["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response['id']}"}]


def test_a_lost_response_is_retried_without_making_a_duplicate(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    message = send(person, "questionnaire_response.submitted", dialog_payload(42, person.nhs_number))
    # The Questionnaire is published; then the first part of the response (12 entries: two parts) is
    # kept by the server, but the portal never hears.
    fhir_server.faults = FaultPlan(script=["ok", "lose_response"])

    assert run(record, FAST, once=True).retried == 1
    assert len(fhir_server.resources("QuestionnaireResponse")) == 1
    assert len(fhir_server.resources("Observation")) == 7
    status_of(message.id).next_attempt_at = utcnow()
    db.session.commit()
    assert run(record, FAST, once=True).delivered == 1

    assert len(fhir_server.resources("QuestionnaireResponse")) == 1
    assert len(fhir_server.resources("Observation")) == 11
    assert fhir_server.log == [f"{message.id}-questionnaire", f"{message.id}-1", f"{message.id}-2"]


def test_a_server_error_is_retried_later_with_backoff(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    message = send(person, "session.summary", session_payload(5, person.nhs_number))
    fhir_server.faults = FaultPlan(error_500=1.0)
    settings = SyncSettings(max_attempts=5, backoff_base=60, backoff_max=600, lease=30, batch_size=5, poll=0)
    before = utcnow()

    assert run(record, settings, once=True).retried == 1

    waiting = status_of(message.id)
    assert waiting.status is OutboxStatus.PENDING and waiting.attempts == 1
    assert "HTTP 500" in waiting.last_error
    assert before + timedelta(seconds=30) <= waiting.next_attempt_at <= utcnow() + timedelta(seconds=60)
    assert fhir_server.resources("DocumentReference") == []


def test_retry_after_from_a_429_is_respected(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    message = send(person, "session.summary", session_payload(5, person.nhs_number))
    fhir_server.faults = FaultPlan(too_many=1.0, retry_after="120")

    run(record, FAST, once=True)

    assert status_of(message.id).next_attempt_at >= utcnow() + timedelta(seconds=110)


def test_a_message_that_keeps_failing_becomes_a_dead_letter_after_the_last_attempt(app, fhir_server, record) -> None:
    person = factories.create_service_user()  # not in the record: the patient reference cannot resolve
    message = send(person, "session.summary", session_payload(5, person.nhs_number))
    settings = SyncSettings(max_attempts=3, backoff_base=0.001, backoff_max=0.001, lease=30, batch_size=5, poll=0.001)

    result = run(record, settings, max_messages=3)

    dead = status_of(message.id)
    assert (result.retried, result.dead) == (2, 1)
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 3)
    assert dead.last_error.startswith("gave up: ") and "412" in dead.last_error
    assert person.nhs_number not in dead.last_error


def test_a_permanent_error_is_dead_at_once_and_nothing_is_sent(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    invalid = send(person, "goal.changed", goal_payload(1, person.nhs_number) | {"created_at": "last week"})
    unknown = send(factories.create_service_user(), "letter.posted", {"nhs_number": "9990000018"})

    run(record, FAST, once=True)

    assert status_of(invalid.id).status is OutboxStatus.DEAD
    assert "not valid FHIR R4" in status_of(invalid.id).last_error
    assert status_of(unknown.id).last_error == "no mapping for message kind 'letter.posted'"
    assert status_of(invalid.id).attempts == 1
    assert fhir_server.requests == 0


def test_a_dead_letter_holds_back_that_patients_later_messages_until_it_is_retried(app, fhir_server, record) -> None:
    sam, alex = person_in_record(fhir_server), person_in_record(fhir_server)
    bad = send(sam, "goal.changed", goal_payload(1, sam.nhs_number) | {"created_at": "soon"})
    later = send(sam, "session.summary", session_payload(2, sam.nhs_number))
    other = send(alex, "session.summary", session_payload(3, alex.nhs_number))

    run(record, FAST, once=True)

    assert status_of(bad.id).status is OutboxStatus.DEAD
    assert status_of(later.id).status is OutboxStatus.PENDING and status_of(later.id).attempts == 0
    assert status_of(other.id).status is OutboxStatus.DELIVERED

    status_of(bad.id).payload = goal_payload(1, sam.nhs_number)  # the bug is fixed, then an admin retries
    assert retry_dead_letter(bad.id)
    db.session.commit()
    run(record, FAST, once=True)
    assert [status_of(m.id).status for m in (bad, later)] == [OutboxStatus.DELIVERED] * 2
    assert fhir_server.log == [str(other.id), str(bad.id), str(later.id)]


def test_one_patients_messages_wait_behind_a_failing_one_while_others_go(app, fhir_server) -> None:
    sam, alex = person_in_record(fhir_server), person_in_record(fhir_server)
    first = send(sam, "session.summary", session_payload(1, sam.nhs_number))
    second = send(sam, "session.summary", session_payload(2, sam.nhs_number))
    for_alex = send(alex, "session.summary", session_payload(3, alex.nhs_number))
    settings = SyncSettings(max_attempts=10, backoff_base=3600, backoff_max=3600, lease=30, batch_size=10, poll=0)
    fhir_server.faults = FaultPlan(error_500=1.0)
    record = FhirRecord(fhir_server.base_url, IDENTIFIER_BASE, timeout=2)
    run(record, settings, once=True)  # both heads fail and back off for an hour
    fhir_server.faults = FaultPlan()
    status_of(for_alex.id).next_attempt_at = utcnow()
    db.session.commit()

    run(record, settings, once=True)

    assert status_of(for_alex.id).status is OutboxStatus.DELIVERED
    assert status_of(first.id).status is OutboxStatus.PENDING
    assert status_of(second.id).attempts == 0, "sent before the message ahead of it"


def test_claims_are_heads_of_queues_and_a_claim_is_a_lease(app) -> None:
    sam, alex = factories.create_service_user(), factories.create_service_user()
    a1, a2 = send(sam, "k", {"nhs_number": "1"}), send(sam, "k", {"nhs_number": "1"})
    b1 = send(alex, "k", {"nhs_number": "2"})

    assert [c.id for c in claim(FAST)] == [a1.id, b1.id]
    assert claim(FAST) == [], "claimed messages are leased, and the next of each queue waits"
    assert status_of(a2.id).attempts == 0


def test_changing_a_goal_updates_one_goal_and_adds_each_rating_once(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    send(person, "goal.changed", goal_payload(7, person.nhs_number, ratings=1))
    send(person, "goal.changed", goal_payload(7, person.nhs_number, ratings=2))
    send(person, "goal.changed", goal_payload(7, person.nhs_number, status="achieved", ratings=2))

    assert run(record, FAST, once=True).delivered == 3

    [goal] = fhir_server.resources("Goal")
    assert (goal["lifecycleStatus"], goal["meta"]["versionId"]) == ("completed", "2")
    assert sorted(o["valueInteger"] for o in fhir_server.resources("Observation")) == [2, 3]


def test_a_goals_tenth_rating_sends_one_observation_and_no_transaction_is_over_the_limit(app, record) -> None:
    sizes: list[int] = []
    with FhirTestServer(max_transaction_entries=8) as server:
        person = person_in_record(server)

        def rated(count: int) -> dict:
            payload = goal_payload(7, person.nhs_number)
            payload["ratings"] = [{"rating": n % 11, "rated_at": f"2026-10-{n + 1:02d}T10:00:00+00:00",
                                   "rated_by": "service_user"} for n in range(count)]
            return payload

        original = server._transaction

        def counting(bundle: dict, refuse_one: str = "") -> tuple:
            sizes.append(len(bundle["entry"]))
            return original(bundle, refuse_one)

        server._transaction = counting  # type: ignore[method-assign]
        record = FhirRecord(server.base_url, IDENTIFIER_BASE)
        send(person, "goal.changed", rated(9))  # one message: the goal and nine ratings, sent in two parts
        assert run(record, FAST, once=True).delivered == 1
        assert sizes == [8, 2]
        sizes.clear()
        send(person, "goal.changed", rated(10))
        assert run(record, FAST, once=True).delivered == 1

        assert sizes == [1], "only the new rating went; the goal itself had not changed"
        assert len(server.resources("Observation")) == 10 and len(server.resources("Goal")) == 1


def test_a_flag_raised_again_more_urgent_is_updated_and_a_resent_raise_never_reopens_it(
        app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    raised = {"flag_id": 3, "nhs_number": person.nhs_number, "reason": "reqol_item6", "tier": "routine"}
    first = send(person, "flag.raised", raised)
    send(person, "flag.raised", {**raised, "tier": "urgent"})  # a later answer in the same response
    assert run(record, FAST, once=True).delivered == 2
    [flag] = fhir_server.resources("Flag")
    assert "Urgent" in flag["code"]["text"]

    send(person, "flag.acknowledged", {"flag_id": 3, "nhs_number": person.nhs_number,
                                       "outcome": "spoke_with_person", "closed_by_name": "Priya Shah"})
    assert run(record, FAST, once=True).delivered == 1
    again = status_of(first.id)
    again.status, again.next_attempt_at = OutboxStatus.PENDING, utcnow()
    db.session.commit()
    assert run(record, FAST, once=True).delivered == 1

    [flag] = fhir_server.resources("Flag")
    assert flag["status"] == "inactive" and "Urgent" in flag["code"]["text"]


def test_an_acknowledged_flag_is_made_inactive(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    send(person, "flag.raised", {"flag_id": 3, "nhs_number": person.nhs_number, "reason": "reqol_item_6"})
    send(person, "flag.acknowledged", {"flag_id": 3, "nhs_number": person.nhs_number})

    assert run(record, FAST, once=True).delivered == 2

    [flag] = fhir_server.resources("Flag")
    assert flag["status"] == "inactive" and "end" in flag["period"]


def test_a_carer_change_merges_with_a_change_made_in_the_record(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    carer = factories.create_carer(person, name="Jo Taylor")
    send(person, "related_person.updated", carer_payload(carer.id, person.nhs_number))
    run(record, FAST, once=True)
    [created] = fhir_server.resources("RelatedPerson")
    assert created["relationship"][0]["text"] == "Mother"
    # The ward changes Jo's mobile in the record; the portal changes her email and, separately, her mobile.
    changed = dict(created)
    changed["telecom"] = [t if t.get("use") != "mobile" else {**t, "value": "07700900777"} for t in created["telecom"]]
    fhir_server.put(changed)
    send(person, "related_person.updated", carer_payload(carer.id, person.nhs_number, email="jo.t@example.test",
                                                         mobile="07700900555"))

    assert run(record, FAST, once=True).delivered == 1

    [merged] = fhir_server.resources("RelatedPerson")
    telecom = {t.get("use", t["system"]): t["value"] for t in merged["telecom"]}
    assert telecom["email"] == "jo.t@example.test", "the portal's one-sided change went in"
    assert telecom["mobile"] == "07700900777", "the record's change was not overwritten"
    [conflict] = db.session.scalars(select(CarerDetailConflict)).all()
    assert (conflict.field, conflict.portal_value, conflict.record_value) == ("mobile", "07700900555", "07700900777")
    link = db.session.scalar(select(CarerRecordLink))
    assert link.version == merged["meta"]["versionId"] and link.snapshot["email"] == "jo.t@example.test"


def test_an_older_carer_message_sent_again_never_puts_old_details_back(app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    carer = factories.create_carer(person, name="Jo Taylor")
    first = send(person, "related_person.updated", carer_payload(carer.id, person.nhs_number, mobile="07700900111"))
    send(person, "related_person.updated", carer_payload(carer.id, person.nhs_number, mobile="07700900222"))
    assert run(record, FAST, once=True).delivered == 2
    snapshot = dict(db.session.scalar(select(CarerRecordLink)).snapshot)

    # An administrator resends the first, older message (or it is processed late).
    again = status_of(first.id)
    again.status, again.next_attempt_at = OutboxStatus.PENDING, utcnow()
    db.session.commit()
    assert run(record, FAST, once=True).delivered == 1

    [resource] = fhir_server.resources("RelatedPerson")
    assert {t["value"] for t in resource["telecom"] if t.get("use") == "mobile"} == {"07700900222"}
    db.session.expire_all()
    assert db.session.scalar(select(CarerRecordLink)).snapshot == snapshot, "what the portal remembers stays newest"
    assert db.session.scalars(select(CarerDetailConflict)).all() == []


def test_a_refused_entry_inside_an_answer_of_200_is_a_dead_letter_with_a_readable_reason(
        app, fhir_server, record) -> None:
    person = person_in_record(fhir_server)
    fhir_server.refuse = lambda resource: ("Invalid canonical format for 'Sam Taylor' on 2026-11-30"
                                           if resource["resourceType"] == "Observation" else None)
    message = send(person, "questionnaire_response.submitted", reqol_payload(5, person.nhs_number))

    assert run(record, FAST, once=True).dead == 1

    dead = status_of(message.id)
    assert dead.status is OutboxStatus.DEAD and dead.delivered_at is None
    assert dead.last_error == ("The record refused entry 2 (Observation): 400 Bad Request. "
                               "error invalid at Observation.identifier: Invalid canonical format for \u2026 on [date]")
    assert fhir_server.resources("QuestionnaireResponse") == [], "nothing of a refused transaction is kept"


@pytest.mark.parametrize(("status", "outcome"), [("429 Too Many Requests", "retry"), ("503", "retry"),
                                                  ("412 Precondition Failed", "retry"), ("404 Not Found", "dead"),
                                                  ("", "dead")])
def test_each_entry_status_decides_the_outcome(app, record, status: str, outcome: str) -> None:
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset", "entry": []})
        entries = [{"response": {"status": "201 Created"}}, {"response": {"status": status}}]
        return httpx.Response(200, json={"resourceType": "Bundle", "type": "transaction-response",
                                         "entry": entries})

    person = factories.create_service_user()
    record = FhirRecord("https://fhir.test/R4", IDENTIFIER_BASE, transport=httpx.MockTransport(answer))
    message = send(person, "questionnaire_response.submitted", reqol_payload(6, person.nhs_number))
    record._published.add("*")  # the Questionnaire is known to be there: one transaction of two entries

    import portal.record.fhir_record as module
    original = module.FhirRecord._publish_questionnaire
    module.FhirRecord._publish_questionnaire = lambda self, *args: None  # type: ignore[method-assign]
    try:
        result = run(record, FAST, once=True)
    finally:
        module.FhirRecord._publish_questionnaire = original  # type: ignore[method-assign]
    assert (result.retried, result.dead, result.delivered) == ((1, 0, 0) if outcome == "retry" else (0, 1, 0))
    assert status_of(message.id).last_error.startswith("The record refused entry 2 (Observation)")


def test_the_local_record_takes_every_kind(app) -> None:
    person = factories.create_service_user()
    for payload in (reqol_payload(1, person.nhs_number), dialog_payload(2, person.nhs_number)):
        send(person, "questionnaire_response.submitted", payload)
    send(person, "goal.changed", goal_payload(1, person.nhs_number))
    send(person, "related_person.updated", carer_payload(factories.create_carer(person).id, person.nhs_number))

    assert run(LocalRecord(), FAST, once=True).delivered == 4


@pytest.mark.parametrize("attempts", [1, 2, 5, 12, 40])
def test_backoff_grows_exponentially_with_jitter_and_a_cap(attempts: int) -> None:
    rng = random.Random(attempts)
    delays = [backoff_seconds(attempts, 2.0, 1800.0, rng) for _ in range(200)]
    ceiling = min(1800.0, 2.0 * 2 ** (attempts - 1))
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len({round(d, 6) for d in delays}) > 100, "jitter spreads retries out"


def test_one_lost_claim_race_is_harmless(app, fhir_server, record) -> None:
    """Two workers hold the same claim only if a lease ran out: the late one's outcome is ignored."""
    person = person_in_record(fhir_server)
    send(person, "session.summary", session_payload(9, person.nhs_number))
    [mine] = claim(SyncSettings(lease=0.0))
    [theirs] = claim(SyncSettings(lease=30.0))  # my lease had already run out
    assert deliver_one(record, theirs, FAST) == "delivered"
    assert deliver_one(record, mine, FAST) == "delivered"  # sent again, changed nothing
    assert len(fhir_server.resources("DocumentReference")) == 1
    assert status_of(mine.id).attempts == 2
