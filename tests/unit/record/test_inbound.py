"""Pulling from the record: demographics and carers come in; a detail changed on both sides waits for a person."""

from __future__ import annotations

import time

import pytest
import sqlalchemy
from sqlalchemy import select

from portal.extensions import db
from portal.models import CarerDetailConflict, CarerLink, CarerRecordLink, OutboxMessage, PatientRecordSync, Role
from portal.models.base import utcnow
from portal.record import fhir_resources as fr
from portal.record.worker import run
from portal.services import outbox
from portal.services.record_sync import pull_due, pull_for_user, pull_patient, resolve_conflict
from tests import factories
from tests.conftest import password_and_code
from tests.fhir_server import FaultPlan, FhirTestServer
from tests.unit.record.conftest import FAST, IDENTIFIER_BASE, carer_payload, fhir_record


def _carer_in_record(server: FhirTestServer, nhs_number: str, patient_id: str, name: str, mobile: str,
                     link: str | None = None) -> dict:
    resource = {"resourceType": "RelatedPerson", "active": True, "patient": {"reference": f"Patient/{patient_id}"},
                "relationship": [fr.carer_relationship("Brother")], "name": [{"text": name}],
                "telecom": [{"system": "phone", "use": "mobile", "value": mobile}]}
    if link:
        resource["identifier"] = [{"system": f"{IDENTIFIER_BASE}/carer-link", "value": link}]
    return server.put(resource)


def test_demographics_and_a_carer_only_the_record_knows_come_into_the_portal(app, fhir_server, record) -> None:
    person = factories.create_service_user(phone="07700900001")
    patient = fhir_server.add_patient(person.nhs_number, telecom=[{"system": "phone", "value": "07700900999"}],
                                      address=[{"use": "home", "line": ["2 Mill Lane"], "postalCode": "LS6 2AB"}])
    _carer_in_record(fhir_server, person.nhs_number, patient["id"], "Max Taylor", "07700900444")

    result = pull_patient(record, person)

    assert (person.phone, person.address, person.postcode) == ("07700900999", "2 Mill Lane", "LS6 2AB")
    assert result.carers_added == 1
    [link] = db.session.scalars(select(CarerLink).where(CarerLink.service_user_id == person.id)).all()
    assert (link.carer.name, link.carer.mobile, link.relationship_type) == ("Max Taylor", "07700900444", "Brother")
    assert db.session.get_one(PatientRecordSync, person.id).pulled_at is not None
    pull_patient(record, person)
    assert len(db.session.scalars(select(CarerLink).where(CarerLink.service_user_id == person.id)).all()) == 1


def _synced_carer(app, fhir_server, record):  # type: ignore[no-untyped-def]
    person = factories.create_service_user()
    fhir_server.add_patient(person.nhs_number)
    carer = factories.create_carer(person, name="Jo Taylor", relationship="Mother")
    carer.mobile = "07700900123"
    outbox.enqueue(person.id, "related_person.updated", carer_payload(carer.id, person.nhs_number))
    db.session.commit()
    run(record, FAST, once=True)
    [resource] = fhir_server.resources("RelatedPerson")
    return person, carer, resource


def _change_mobile_in_record(fhir_server: FhirTestServer, resource: dict, mobile: str) -> None:
    changed = dict(resource)
    changed["telecom"] = [t if t.get("use") != "mobile" else {**t, "value": mobile} for t in resource["telecom"]]
    fhir_server.put(changed)


def test_a_change_made_only_in_the_record_updates_the_portal(app, fhir_server, record) -> None:
    person, carer, resource = _synced_carer(app, fhir_server, record)
    _change_mobile_in_record(fhir_server, resource, "07700900888")

    pull_patient(record, person)

    assert carer.mobile == "07700900888"
    assert db.session.scalars(select(CarerDetailConflict)).all() == []


def test_a_detail_changed_on_both_sides_is_kept_as_both_until_a_key_worker_chooses(app, fhir_server, record) -> None:
    person, carer, resource = _synced_carer(app, fhir_server, record)
    _change_mobile_in_record(fhir_server, resource, "07700900888")
    carer.mobile = "07700900555"  # changed in the portal too, not yet sent
    db.session.commit()

    result = pull_patient(record, person)

    assert result.conflicts == 1 and carer.mobile == "07700900555"
    [conflict] = db.session.scalars(select(CarerDetailConflict)).all()
    assert (conflict.portal_value, conflict.record_value) == ("07700900555", "07700900888")
    key_worker = factories.create_staff(person.team)
    link = db.session.scalar(select(CarerLink).where(CarerLink.carer_id == carer.id))
    resolve_conflict(key_worker.user, person, conflict, link, "portal")
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "related_person.updated")
                                  .order_by(OutboxMessage.id)).all()
    assert messages[-1].payload["mobile"] == "07700900555"

    run(record, FAST, once=True)

    [sent] = fhir_server.resources("RelatedPerson")
    assert {t.get("use"): t["value"] for t in sent["telecom"]}["mobile"] == "07700900555"
    assert db.session.scalar(select(CarerRecordLink)).snapshot["mobile"] == "07700900555"


def test_choosing_the_records_value_copies_it_into_the_portal(app, fhir_server, record) -> None:
    person, carer, resource = _synced_carer(app, fhir_server, record)
    _change_mobile_in_record(fhir_server, resource, "07700900888")
    carer.mobile = "07700900555"
    db.session.commit()
    pull_patient(record, person)
    [conflict] = db.session.scalars(select(CarerDetailConflict)).all()
    link = db.session.scalar(select(CarerLink).where(CarerLink.carer_id == carer.id))

    resolve_conflict(factories.create_staff(person.team).user, person, conflict, link, "record")

    assert carer.mobile == "07700900888"
    pull_patient(record, person)
    assert db.session.scalars(select(CarerDetailConflict).where(CarerDetailConflict.status == "open")).all() == []


@pytest.mark.parametrize("role", [Role.SERVICE_USER, Role.KEY_WORKER])
def test_sign_in_pull_never_fails_when_the_record_is_down(app, role, monkeypatch) -> None:
    server = FhirTestServer().start()
    url = server.base_url
    server.down()
    monkeypatch.setitem(app.config, "RECORD_ADAPTER", "fhir")
    monkeypatch.setitem(app.config, "FHIR_BASE_URL", url)
    monkeypatch.setitem(app.config, "FHIR_CONNECT_TIMEOUT_SECONDS", 0.5)
    key_worker = factories.create_staff()
    person = factories.create_service_user(key_worker=key_worker)
    user = person.user if role is Role.SERVICE_USER else key_worker.user
    db.session.commit()  # sign-in has committed before it pulls

    assert pull_for_user(user) == 0

    assert "ConnectError" in db.session.get_one(PatientRecordSync, person.id).last_error


def test_sign_in_pull_brings_in_the_record_for_a_service_user(app, fhir_server, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "RECORD_ADAPTER", "fhir")
    monkeypatch.setitem(app.config, "FHIR_BASE_URL", fhir_server.base_url)
    monkeypatch.setitem(app.config, "RECORD_IDENTIFIER_BASE", IDENTIFIER_BASE)
    person = factories.create_service_user(email="old@example.test")
    fhir_server.add_patient(person.nhs_number, telecom=[{"system": "email", "value": "new@example.test"}])

    assert pull_for_user(person.user) == 1
    assert person.email == "new@example.test"
    assert fhir_record(fhir_server).find_patient("9990000000") is None


def test_with_the_local_record_neither_sign_in_nor_the_schedule_pulls_anything(app, monkeypatch) -> None:
    """The portal's own tables are the record: not one query, not one row written."""
    monkeypatch.setitem(app.config, "RECORD_ADAPTER", "local")
    key_worker = factories.create_staff()
    person = factories.create_service_user(key_worker=key_worker)
    factories.create_service_user(key_worker=key_worker)
    db.session.commit()  # as at sign-in
    users = (person.user, key_worker.user)  # loaded, but not their caseload or service user
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sqlalchemy.event.listen(db.engine, "before_cursor_execute", count)
    try:
        pulled = (*map(pull_for_user, users), pull_due())
    finally:
        sqlalchemy.event.remove(db.engine, "before_cursor_execute", count)

    assert pulled == (0, 0, 0)
    assert statements == []
    assert db.session.scalars(select(PatientRecordSync)).all() == []


def test_the_scheduled_pull_takes_only_those_not_pulled_recently(app, fhir_server, monkeypatch) -> None:
    _point_at(app, monkeypatch, fhir_server)
    fresh = factories.create_service_user(email="fresh@example.test")
    stale = factories.create_service_user(email="stale@example.test")
    for person in (fresh, stale):
        fhir_server.add_patient(person.nhs_number, telecom=[{"system": "email", "value": "new@example.test"}])
    db.session.add(PatientRecordSync(service_user_id=fresh.id, pulled_at=utcnow()))
    db.session.commit()

    assert pull_due() == 1

    assert (fresh.email, stale.email) == ("fresh@example.test", "new@example.test")
    assert db.session.get_one(PatientRecordSync, stale.id).pulled_at is not None


def _point_at(app, monkeypatch, server: FhirTestServer) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "RECORD_ADAPTER", "fhir")
    monkeypatch.setitem(app.config, "FHIR_BASE_URL", server.base_url)
    monkeypatch.setitem(app.config, "RECORD_IDENTIFIER_BASE", IDENTIFIER_BASE)


def _sign_in(client, user) -> tuple[int, str, float]:  # type: ignore[no-untyped-def]
    db.session.commit()
    started = time.monotonic()
    response = password_and_code(client, user.email)
    return response.status_code, response.headers.get("Location", ""), time.monotonic() - started


def test_signing_in_pulls_the_service_users_record(app, client, fhir_server, monkeypatch) -> None:
    _point_at(app, monkeypatch, fhir_server)
    person = factories.create_service_user(phone="07700900001")
    fhir_server.add_patient(person.nhs_number, telecom=[{"system": "phone", "value": "07700900999"}])

    status, _, _ = _sign_in(client, person.user)

    assert status == 303
    db.session.expire_all()
    assert person.phone == "07700900999"


@pytest.mark.parametrize("role", [Role.SERVICE_USER, Role.KEY_WORKER])
def test_signing_in_works_at_once_while_the_record_refuses_connections(app, client, monkeypatch, role) -> None:
    server = FhirTestServer().start()
    _point_at(app, monkeypatch, server)
    # A budget far beyond how long a sign-in takes even on a busy machine: had the pull waited
    # (retried a refused connection until the budget ran out), the sign-in would take 10 s.
    monkeypatch.setitem(app.config, "SYNC_SIGN_IN_SECONDS", 10.0)
    server.down()
    key_worker = factories.create_staff()
    person = factories.create_service_user(key_worker=key_worker)
    user = person.user if role is Role.SERVICE_USER else key_worker.user

    status, location, seconds = _sign_in(client, user)

    assert status == 303 and location.endswith("/"), "signed in and sent on"
    assert seconds < 5.0, f"sign-in took {seconds:.2f}s: it waited for the record"
    assert client.get("/me/" if role is Role.SERVICE_USER else "/staff/").status_code == 200
    assert "ConnectError" in db.session.get_one(PatientRecordSync, person.id).last_error, "the pull was tried"


def test_signing_in_waits_at_most_the_sign_in_time_when_the_record_hangs(app, client, monkeypatch) -> None:
    server = FhirTestServer(faults=FaultPlan(timeout=1.0, timeout_seconds=12.0)).start()
    _point_at(app, monkeypatch, server)
    monkeypatch.setitem(app.config, "SYNC_SIGN_IN_SECONDS", 0.5)
    key_worker = factories.create_staff()
    for _ in range(3):
        factories.create_service_user(key_worker=key_worker)

    status, _, seconds = _sign_in(client, key_worker.user)

    assert status == 303
    assert seconds < 6.0, f"sign-in took {seconds:.2f}s with the record hanging 12 s"  # 0.5 s budget, busy machine
    assert server.requests == 1, "the first time-out stops the pull"
    server.down()


def test_a_misconfigured_record_does_not_stop_anyone_signing_in(app, client, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "RECORD_ADAPTER", "fhir")
    monkeypatch.setitem(app.config, "FHIR_AUTH", "client_credentials")  # with no token URL or client id
    person = factories.create_service_user()

    status, _, _ = _sign_in(client, person.user)

    assert status == 303
    assert client.get("/me/").status_code == 200


def test_gender_and_ethnic_category_come_from_the_record_for_the_equality_breakdown(app, fhir_server, record) -> None:
    person = factories.create_service_user()
    ethnicity = {"url": fr.ETHNIC_CATEGORY_EXTENSION, "valueCodeableConcept": {"coding": [
        {"system": "https://example.org/not-the-nhs-codes", "code": "White"},
        {"system": fr.ETHNIC_CATEGORY_SYSTEMS[0], "code": "h", "display": "Indian or British Indian"}]}}
    fhir_server.add_patient(person.nhs_number, gender="female", extension=[ethnicity])

    result = pull_patient(record, person)

    assert (person.gender, person.ethnic_category) == ("female", "H")
    assert {"gender", "ethnic_category"} <= set(result.demographics_changed)


def test_a_gender_or_ethnic_code_the_portal_does_not_know_is_left_out() -> None:
    details = fr.patient_details({"resourceType": "Patient", "gender": "M", "extension": [
        {"url": fr.ETHNIC_CATEGORY_EXTENSION, "valueCodeableConcept": {"coding": [
            {"system": "https://example.org/other", "code": "A"}]}},
        {"url": "https://example.org/another-extension", "valueString": "B"}]})
    assert (details["gender"], details["ethnic_category"]) == ("", "")
