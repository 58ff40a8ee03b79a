"""Goals, session summaries and consent: a message the record processes late, or gets twice, never
overwrites newer data. Each write reads first, skips when the record holds this or a newer message's
data, and sends ``If-Match``; a 412 means read again and decide again."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from portal.record import fhir_resources as fr
from portal.record.fhir_record import FhirRecord
from portal.record.port import TransientError
from tests import factories
from tests.fhir_server import FaultPlan, FhirTestServer
from tests.unit.record.conftest import IDENTIFIER_BASE, consent_payload, fhir_record, goal_payload, session_payload

SYSTEMS = fr.Systems(IDENTIFIER_BASE)
CONSENT_VERSIONS = (["involvement"], ["goals", "involvement"], [])


def _goal(nhs_number: str, n: int) -> dict[str, Any]:
    return goal_payload(7, nhs_number, text=f"Goal words, version {n}", ratings=n)


def _summary(nhs_number: str, n: int) -> dict[str, Any]:
    return session_payload(3, nhs_number, text=f"Summary, version {n}")


def _consent(nhs_number: str, n: int) -> dict[str, Any]:
    return consent_payload(4, nhs_number, list(CONSENT_VERSIONS[n - 1]))


def _goal_content(resource: dict) -> object:
    return resource["description"]["text"]


def _summary_content(resource: dict) -> object:
    return base64.b64decode(resource["content"][0]["attachment"]["data"]).decode()


def _consent_content(resource: dict) -> object:
    return (resource["status"], sorted(p["code"][0]["coding"][0]["code"]
                                       for p in resource["provision"].get("provision", [])))


KINDS = {
    "goal": ("send_goal", "Goal", _goal, _goal_content, fr.goal),
    "session summary": ("send_session_summary", "DocumentReference", _summary, _summary_content, fr.session_summary),
    "consent": ("send_consent", "Consent", _consent, _consent_content, fr.consent),
}


class Kind:
    def __init__(self, name: str, server: FhirTestServer) -> None:
        self.method, self.resource_type, self.payload, self.content, self.build = KINDS[name]
        person = factories.create_service_user()
        server.add_patient(person.nhs_number)
        self.nhs_number, self.server = person.nhs_number, server

    def send(self, record: FhirRecord, message_id: int, version: int) -> None:
        getattr(record, self.method)(message_id, self.payload(self.nhs_number, version))

    def expected(self, version: int) -> object:
        return self.content(self.build(self.payload(self.nhs_number, version), SYSTEMS))

    def current(self) -> dict:
        [resource] = self.server.resources(self.resource_type)
        return resource


@pytest.mark.parametrize("name", KINDS)
def test_a_request_the_record_processes_late_does_not_overwrite_newer_data(app, fhir_server, name) -> None:
    kind = Kind(name, fhir_server)
    record = fhir_record(fhir_server, timeout=0.3)
    kind.send(record, 1, 1)
    # Message 2: the reads go through (a goal's: itself, then which ratings the record has); the write
    # is held past the client's time-out, then processed.
    reads = ["ok", "ok"] if name == "goal" else ["ok"]
    fhir_server.faults = FaultPlan(script=[*reads, "late"], late_seconds=1.0)
    with pytest.raises(TransientError):
        kind.send(record, 2, 2)
    kind.send(record, 2, 2)  # the worker tries again, and it lands
    kind.send(record, 3, 3)  # then the next change

    fhir_server.wait_for_late()

    assert fhir_server.late_outcomes == [412], "the late write was refused: the version it read had gone"
    assert kind.content(kind.current()) == kind.expected(3)
    assert fhir_server.log == ["1", "2", "3"]
    record.close()


@pytest.mark.parametrize("name", KINDS)
def test_an_older_message_arriving_after_a_newer_one_changes_nothing(app, fhir_server, record, name) -> None:
    """A worker whose lease ran out sends its older message after the newer one went through."""
    kind = Kind(name, fhir_server)
    kind.send(record, 1, 1)
    kind.send(record, 3, 3)

    kind.send(record, 2, 2)
    kind.send(record, 3, 3)  # and a repeat of the newest, say after a lost response

    assert kind.content(kind.current()) == kind.expected(3)
    assert fhir_server.log == ["1", "3"]


def _write_between_read_and_write(server: FhirTestServer, kind: Kind, resource: Callable[[dict], dict]) -> None:
    def hook(bundle: dict) -> None:
        current = kind.current()
        server.put({**resource(current), "id": current["id"]})

    server.before_transaction = hook


@pytest.mark.parametrize("name", KINDS)
def test_a_newer_message_written_between_read_and_write_wins(app, fhir_server, record, name) -> None:
    kind = Kind(name, fhir_server)
    kind.send(record, 1, 1)
    newer = fr.stamped(kind.build(kind.payload(kind.nhs_number, 3), SYSTEMS), SYSTEMS, 5)
    _write_between_read_and_write(fhir_server, kind, lambda current: newer)

    kind.send(record, 4, 2)  # 412, read again: message 5 is there, so message 4 is older and stops

    assert kind.content(kind.current()) == kind.expected(3)
    assert fhir_server.received[-1] == "4" and fhir_server.log == ["1"], "one try, refused, not sent again"


@pytest.mark.parametrize("name", KINDS)
def test_an_older_write_between_read_and_write_is_read_again_then_replaced(app, fhir_server, record, name) -> None:
    kind = Kind(name, fhir_server)
    kind.send(record, 1, 1)
    _write_between_read_and_write(fhir_server, kind, lambda current: {**current, "language": "en-GB"})

    kind.send(record, 4, 2)

    current = kind.current()
    assert kind.content(current) == kind.expected(2) and fr.stamp_of(current, SYSTEMS) == 4
    assert fhir_server.received[-2:] == ["4", "4"], "refused once (412), then read again and written"
