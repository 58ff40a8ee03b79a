"""Messages per second delivered by the outbox worker, with one and two workers, to two FHIR servers:
the project's own test server (``tests/fhir_server.py``) and Medplum's FHIR engine (``tests/medplum``:
validates every write, transactions of at most 8 conditional entries, one request at a time).

One worker runs on SQLite (a temporary file). Two workers need PostgreSQL: set
PORTAL_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<your bench database>
(it is emptied). Run: .venv/bin/python bench/sync.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Base  # noqa: E402
from portal.record.fhir_record import FhirRecord  # noqa: E402
from portal.record.worker import SyncSettings, run  # noqa: E402
from portal.services import outbox  # noqa: E402
from tests import factories  # noqa: E402
from tests.fhir_server import NHS_NUMBER_SYSTEM, FhirTestServer  # noqa: E402
from tests.medplum_engine import MedplumFhirServer  # noqa: E402
from tests.unit.record.conftest import IDENTIFIER_BASE, dialog_payload, reqol_payload, session_payload  # noqa: E402

MESSAGES = 1000
PATIENTS = 100
# Medplum's engine, as tests/medplum wraps it, answers one request at a time from memory and validates
# every write; measured on 2026-12-01 a transaction took up to about 1 s inside it (our client spends
# milliseconds), so it is a correctness peer, not a speed one: fewer messages (make bench stays under 10 minutes).
MESSAGES_TO = {"test": MESSAGES, "medplum": 20}


@contextmanager
def fhir_server(kind: str) -> Iterator[tuple[str, Callable[[str], None]]]:
    """(base URL, add a patient by NHS number) of a running server of this kind."""
    if kind == "test":
        with FhirTestServer() as server:
            yield server.base_url, lambda nhs: server.add_patient(nhs) and None
        return
    with MedplumFhirServer() as medplum, httpx.Client(base_url=medplum.base_url) as client:
        def add_patient(nhs: str) -> None:
            client.post("Patient", json={"resourceType": "Patient",
                                         "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": nhs}]},
                        headers={"Content-Type": "application/fhir+json"}).raise_for_status()
        yield medplum.base_url, add_patient


def bench(database_url: str, workers: int, kind: str) -> float:
    messages = MESSAGES_TO[kind]
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context(), fhir_server(kind) as (base_url, add_patient):
        with db.engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.create_all(db.engine)
        people = []
        for _ in range(PATIENTS):
            person = factories.create_service_user()
            add_patient(person.nhs_number)
            people.append(person)
        for n in range(messages):
            person = people[n % PATIENTS]
            payload = (reqol_payload, dialog_payload, session_payload)[n % 3](n, person.nhs_number)
            kind = "session.summary" if n % 3 == 2 else "questionnaire_response.submitted"
            outbox.enqueue(person.id, kind, payload)
        db.session.commit()
        settings = SyncSettings(batch_size=20, poll=0.01)
        delivered: list[int] = []

        def worker() -> None:
            with app.app_context():
                record = FhirRecord(base_url, IDENTIFIER_BASE, timeout=30)
                try:
                    delivered.append(run(record, settings, once=True).delivered)
                finally:
                    record.close()
                    db.session.remove()

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        assert sum(delivered) == messages, delivered
        with db.engine.begin() as connection:
            Base.metadata.drop_all(connection)
        return messages / elapsed


def main() -> None:
    print(f"sync: {PATIENTS} patients; ReQoL, DIALOG in two parts, session summaries, one after another")
    postgres = os.environ.get("PORTAL_BENCH_DATABASE_URL")
    for kind, name in (("test", "the project's test FHIR server"), ("medplum", "Medplum's FHIR engine")):
        print(f" {MESSAGES_TO[kind]} messages to {name}:")
        with tempfile.TemporaryDirectory() as folder:
            rate = bench(f"sqlite:///{folder}/bench.sqlite3", 1, kind)
            print(f"  SQLite, 1 worker:      {rate:7.1f} messages/s")
        if not postgres:
            print("  PostgreSQL: skipped (set PORTAL_BENCH_DATABASE_URL to a database of your own)")
            continue
        for workers in (1, 2):
            label = f"{workers} worker{'s' if workers > 1 else ' '}"
            print(f"  PostgreSQL, {label}: {bench(postgres, workers, kind):7.1f} messages/s")


if __name__ == "__main__":
    main()
