"""Every kind of message the portal writes to the outbox is one the clinical record knows.

A producer that enqueues a new kind without a mapping would have its messages dead-lettered
(and, worse, hold back everything after them for that person): these tests fail first.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest

from portal.extensions import db
from portal.record import contract, port
from portal.record.fhir_record import FhirRecord
from portal.record.local import LocalRecord
from portal.record.worker import run
from portal.services import outbox
from tests import factories
from tests.fhir_server import FhirTestServer
from tests.unit.record.conftest import (
    FAST,
    care_plan_payload,
    care_team_payload,
    carer_payload,
    consent_payload,
    dialog_payload,
    goal_payload,
    key_worker_payload,
    safety_plan_payload,
    session_payload,
)
from tests.unit.record.test_statement_of_care_resource import statement_of_care_payload

PORTAL = Path(__file__).resolve().parents[3] / "portal"


def enqueued_kinds() -> dict[str, list[str]]:
    """Kind -> where it is enqueued, from every ``outbox.enqueue(...)`` / ``enqueue(...)`` call under ``portal/``.

    The kind argument is evaluated in its module, so a constant (``KEY_WORKER_CHANGED``,
    ``contract.RELATED_PERSON_UPDATED``) counts as well as a string literal.
    """
    found: dict[str, list[str]] = {}
    for path in sorted(PORTAL.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_enqueue(node.func)]
        if not calls:
            continue
        module = importlib.import_module(".".join(path.relative_to(PORTAL.parent).with_suffix("").parts))
        for call in calls:
            where = f"{path.relative_to(PORTAL.parent)}:{call.lineno}"
            argument = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "kind"), None)
            assert argument is not None, f"{where}: enqueue without a kind"
            try:
                kind = eval(compile(ast.Expression(argument), where, "eval"), vars(module))  # noqa: S307
            except NameError:
                pytest.fail(f"{where}: the kind must be a string or a module-level constant, "
                            f"not {ast.unparse(argument)!r}")
            found.setdefault(kind, []).append(where)
    return found


def _is_enqueue(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr == "enqueue" and isinstance(func.value, ast.Name) and func.value.id == "outbox"
    return isinstance(func, ast.Name) and func.id == "enqueue"


def test_every_kind_the_portal_enqueues_has_a_mapping_to_the_record() -> None:
    found = enqueued_kinds()
    assert sum(map(len, found.values())) >= len(contract.KINDS), "the scan found too few enqueue calls: is it still looking?"
    unknown = {kind: where for kind, where in found.items() if kind not in contract.KINDS}
    assert unknown == {}, "enqueued but unknown to the record (add them to portal/record/contract.py)"
    assert {contract.KEY_WORKER_CHANGED, contract.SAFETY_PLAN_UPDATED} <= set(found)


def test_every_kind_in_the_contract_has_a_port_method_in_both_adapters() -> None:
    assert set(port.HANDLERS) == set(contract.KINDS)
    for kind, method in port.HANDLERS.items():
        assert hasattr(port.ClinicalRecord, method), f"{kind}: ClinicalRecord has no {method}"
        for adapter in (LocalRecord, FhirRecord):
            assert callable(getattr(adapter, method, None)), f"{kind}: {adapter.__name__} has no {method}"


def samples(nhs_number: str, carer_id: int) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Messages that deliver each kind (with what must go first); a new kind without a sample fails below."""
    flag = {"flag_id": 3, "nhs_number": nhs_number, "reason": "reqol_item_6"}
    return {
        contract.QUESTIONNAIRE_RESPONSE_SUBMITTED: [(contract.QUESTIONNAIRE_RESPONSE_SUBMITTED,
                                                     dialog_payload(1, nhs_number))],
        contract.FLAG_RAISED: [(contract.FLAG_RAISED, flag)],
        contract.FLAG_ACKNOWLEDGED: [(contract.FLAG_RAISED, flag),
                                     (contract.FLAG_ACKNOWLEDGED, {"flag_id": 3, "nhs_number": nhs_number})],
        contract.GOAL_CHANGED: [(contract.GOAL_CHANGED, goal_payload(4, nhs_number))],
        contract.CARE_PLAN_AGREED: [(contract.CARE_PLAN_AGREED, care_plan_payload(5, nhs_number, [4]))],
        contract.SESSION_SUMMARY: [(contract.SESSION_SUMMARY, session_payload(6, nhs_number))],
        contract.RELATED_PERSON_UPDATED: [(contract.RELATED_PERSON_UPDATED, carer_payload(carer_id, nhs_number))],
        contract.CONSENT_CHANGED: [(contract.CONSENT_CHANGED, consent_payload(carer_id, nhs_number, ["goals"]))],
        contract.KEY_WORKER_CHANGED: [(contract.KEY_WORKER_CHANGED, key_worker_payload(nhs_number))],
        contract.SAFETY_PLAN_UPDATED: [(contract.SAFETY_PLAN_UPDATED, safety_plan_payload(nhs_number))],
        contract.STATEMENT_OF_CARE_AGREED: [(contract.STATEMENT_OF_CARE_AGREED,
                                             statement_of_care_payload(nhs_number))],
        contract.CARE_TEAM_CHANGED: [(contract.CARE_TEAM_CHANGED, care_team_payload(nhs_number))],
    }


@pytest.mark.parametrize("kind", contract.KINDS)
@pytest.mark.parametrize("adapter", ["local", "fhir"])
def test_every_kind_is_delivered_by_both_adapters(app, fhir_server: FhirTestServer, kind: str, adapter: str) -> None:
    person = factories.create_service_user()
    fhir_server.add_patient(person.nhs_number)
    carer = factories.create_carer(person)
    payloads = samples(person.nhs_number, carer.id)
    assert set(payloads) == set(contract.KINDS), "give every kind a sample payload"
    for message_kind, payload in payloads[kind]:
        outbox.enqueue(person.id, message_kind, payload)
    db.session.commit()
    record = LocalRecord() if adapter == "local" else FhirRecord(fhir_server.base_url, "https://portal.test/Id")

    result = run(record, FAST, once=True)

    assert (result.delivered, result.dead) == (len(payloads[kind]), 0)
    if adapter == "fhir":
        assert len(fhir_server.messages) == len(payloads[kind]), "each message changed the FHIR server"
