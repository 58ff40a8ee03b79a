"""On PostgreSQL, two workers drain one outbox at the same time and deliver every message exactly once.

Skipped unless PORTAL_TEST_DATABASE_URL points at PostgreSQL (use a database of your own).
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import OutboxMessage, OutboxStatus
from portal.record.worker import RunResult, SyncSettings, run
from portal.services import outbox
from tests import factories
from tests.fhir_server import FhirTestServer
from tests.unit.record.conftest import fhir_record, goal_payload, session_payload

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def test_two_workers_deliver_every_message_exactly_once_in_order(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: set PORTAL_TEST_DATABASE_URL")
    with FhirTestServer() as server:
        people = []
        for _ in range(30):
            person = factories.create_service_user()
            server.add_patient(person.nhs_number)
            people.append(person)
        for step in range(20):
            for n, person in enumerate(people):
                if step % 2:
                    outbox.enqueue(person.id, "session.summary", session_payload(n * 100 + step, person.nhs_number))
                else:
                    outbox.enqueue(person.id, "goal.changed",
                                   goal_payload(n, person.nhs_number, text=f"Wording {step}"))
        db.session.commit()
        expected = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.ordering_key)).all())
        settings = SyncSettings(batch_size=5, poll=0.01, lease=60)
        results: list[RunResult] = []
        errors: list[BaseException] = []

        def worker() -> None:
            with app.app_context():
                record = fhir_record(server)
                try:
                    results.append(run(record, settings, once=True))
                except BaseException as error:  # reported below
                    errors.append(error)
                finally:
                    record.close()
                    db.session.remove()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        assert errors == []
        assert all(r.delivered > 0 for r in results), f"both workers took part: {results}"
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).where(OutboxMessage.status != OutboxStatus.DELIVERED)) == 0
        received = Counter(int(value) for value in server.received)
        assert set(received) == set(expected) and max(received.values()) == 1, "each message sent exactly once"
        per_patient: dict[str, list[int]] = defaultdict(list)
        for value in server.received:
            per_patient[expected[int(value)]].append(int(value))
        assert all(ids == sorted(ids) for ids in per_patient.values())
