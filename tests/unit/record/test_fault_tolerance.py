"""The fault test: 1,000 mixed messages while the record fails a third of requests, refuses entries
inside answers of 200, is down for a stretch and takes no more than 8 entries in a transaction.
A refused entry makes a dead letter with a readable reason, never "delivered"; once an administrator
retries them, every message has arrived exactly once, and each patient's in the order written."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import OutboxMessage, OutboxStatus
from portal.record.worker import SyncSettings, retry_dead_letter, run
from portal.services import outbox
from tests import factories
from tests.fhir_server import FaultPlan, FhirTestServer
from tests.unit.record.conftest import (
    care_plan_payload,
    carer_payload,
    consent_payload,
    dialog_payload,
    fhir_record,
    goal_payload,
    reqol_payload,
    session_payload,
)

PATIENTS = 40
PER_PATIENT = 25
SCOPES = (["involvement"], ["involvement", "goals"], [], ["care_plan", "safety_plan"])


def messages_for(n: int, nhs: str, carer_id: int) -> list[tuple[str, dict[str, Any]]]:
    """25 messages of every kind for one patient; ids are unique across patients."""
    base = n * 1000
    out: list[tuple[str, dict[str, Any]]] = []
    for step in range(PER_PATIENT):
        key = base + step
        kind = step % 9
        if kind == 0:
            out.append(("questionnaire_response.submitted", reqol_payload(key, nhs)))
        elif kind == 1:
            out.append(("questionnaire_response.submitted", dialog_payload(key, nhs)))
        elif kind == 2:
            out.append(("goal.changed", goal_payload(base, nhs, text=f"Goal wording {step}", ratings=1 + step // 9)))
        elif kind == 3:
            out.append(("flag.raised", {"flag_id": key, "nhs_number": nhs, "reason": "dialog_personal_safety"}))
        elif kind == 4:
            out.append(("flag.acknowledged", {"flag_id": key - 1, "nhs_number": nhs}))
        elif kind == 5:
            out.append(("care_plan.agreed", care_plan_payload(key, nhs, [base])))
        elif kind == 6:
            out.append(("session.summary", session_payload(key, nhs, f"Session {step}")))
        elif kind == 7:
            out.append(("consent.changed", consent_payload(carer_id, nhs, SCOPES[step % 4])))
        else:
            out.append(("related_person.updated", carer_payload(carer_id, nhs, email=f"jo{step}@example.test")))
    return out


@pytest.fixture
def quick_commits(app: Flask) -> Iterator[None]:
    """On SQLite, skip the disk flush on commit (crash safety is not what this test is about)."""
    if db.engine.dialect.name != "sqlite":
        yield
        return
    connection = db.session.connection()
    connection.exec_driver_sql("PRAGMA synchronous=OFF")
    db.session.commit()
    yield
    db.session.connection().exec_driver_sql("PRAGMA synchronous=FULL")
    db.session.commit()


def test_every_message_arrives_exactly_once_in_order_despite_faults_and_an_outage(app, quick_commits) -> None:
    faults = FaultPlan(error_500=0.10, too_many=0.06, timeout=0.02, timeout_seconds=0.15, drop=0.07,
                       lose_response=0.08, refuse_entry=0.01, busy_entry=0.03, seed=20261123)
    with FhirTestServer(faults=faults, max_transaction_entries=8) as server:
        queues = []
        for n in range(PATIENTS):
            person = factories.create_service_user()
            server.add_patient(person.nhs_number)
            queues.append((person, messages_for(n + 1, person.nhs_number, factories.create_carer(person).id)))
        for step in range(PER_PATIENT):  # written interleaved, as real use would
            for person, messages in queues:
                outbox.enqueue(person.id, *messages[step])
        db.session.commit()
        expected = db.session.execute(select(OutboxMessage.id, OutboxMessage.ordering_key)
                                      .order_by(OutboxMessage.id)).all()
        assert len(expected) == 1000

        outage = threading.Thread(target=_outage, args=(server,), daemon=True)
        outage.start()
        record = fhir_record(server, timeout=0.1)
        settings = SyncSettings(max_attempts=1000, backoff_base=0.005, backoff_max=0.2, lease=30, batch_size=20,
                                poll=0.005)
        stop = threading.Event()
        watchdog = threading.Timer(60, stop.set)
        watchdog.start()
        started = time.monotonic()
        def stop_when_drained() -> None:
            if _waiting() == 0:
                stop.set()

        def drain() -> None:
            stop.clear()
            run(record, settings, stop=stop, between_batches=stop_when_drained)

        try:
            drain()
            # Refused entries made dead letters (holding back what came after them for that patient), each
            # with the server's reason and none of the personal data the server put in it.
            dead = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)).all()
            assert dead, "some entries were refused"
            for message in dead:
                assert message.last_error.startswith("The record refused entry"), message.last_error
                assert "error invalid at " in message.last_error and "injected refusal for" in message.last_error
                assert not {"Sam", "9990010005", "1990-05-14"} & set(message.last_error.replace("'", " ").split())
            refused = len(dead)
            faults.refuse_entry = 0.0  # the trust fixes what the record refused; an administrator retries
            for message in dead:
                retry_dead_letter(message.id)
            db.session.commit()
            drain()
        finally:
            watchdog.cancel()
            record.close()
        elapsed = time.monotonic() - started
        outage.join()

        assert _waiting() == 0, f"still waiting after {elapsed:.0f}s"
        assert db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.DEAD)) == 0
        # Exactly once: every message changed the record once, and no retry changed it again.
        arrived = server.messages
        assert sorted(arrived) == [message_id for message_id, _ in expected]
        # In order, per patient.
        by_key = dict(expected)
        per_patient: dict[str, list[int]] = defaultdict(list)
        for message_id in arrived:
            per_patient[by_key[message_id]].append(message_id)
        assert all(ids == sorted(ids) for ids in per_patient.values())
        # And nothing is duplicated in the record itself.
        for resource_type in ("QuestionnaireResponse", "Goal", "Flag", "CarePlan", "DocumentReference", "Consent",
                              "RelatedPerson", "Observation"):
            resources = server.resources(resource_type)
            identifiers = [(i["system"], i["value"]) for r in resources
                           for i in (r["identifier"] if isinstance(r["identifier"], list) else [r["identifier"]])]
            assert len(identifiers) == len(set(identifiers)), resource_type
        assert len(server.resources("QuestionnaireResponse")) == PATIENTS * 6
        assert len(server.resources("Goal")) == PATIENTS
        assert {f["status"] for f in server.resources("Flag")} == {"inactive"}
        assert all(g["description"]["text"] == "Goal wording 20" for g in server.resources("Goal"))
        assert {r["telecom"][-1]["value"] for r in server.resources("RelatedPerson")} == {"jo17@example.test"}
        failed = sum(count for fault, count in server.fault_counts.items() if fault != "ok")
        print(f"\nfault test: 1000 messages in {elapsed:.1f}s, {server.requests} requests, "
              f"{failed} failed on purpose ({dict(sorted(server.fault_counts.items()))}), outage 1.5s, "
              f"{refused} dead letters retried")
        assert failed / server.requests > 0.25


def _waiting() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(OutboxMessage.status != OutboxStatus.DELIVERED)) or 0


def _outage(server: FhirTestServer) -> None:
    """Once the server has answered 500 requests, it refuses connections for 1.5 seconds."""
    deadline = time.monotonic() + 30
    while server.requests < 500 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.down()
    time.sleep(1.5)
    server.up()
