"""The statement of care in the record (issue 15): a UK Core DocumentReference with the text, the
author by registration, the subject, the date and the version; each version replaces the last in one
document, and a resent or older version changes nothing."""

from __future__ import annotations

import base64
from typing import Any

from portal.extensions import db
from portal.record import contract
from portal.record import fhir_resources as fr
from portal.record.fhir_record import FhirRecord
from portal.record.statement_of_care_resource import statement_of_care
from portal.record.worker import run
from portal.services import outbox
from tests import factories
from tests.fhir_server import FhirTestServer
from tests.unit.record.conftest import FAST

SYSTEMS = fr.Systems("https://portal.test/Id")


def statement_of_care_payload(nhs_number: str, version: int = 1, text: str = "Sam is sleeping better.") -> Any:
    payload: contract.StatementOfCareAgreed = {
        "statement_id": 12, "version_id": 30 + version, "version_number": version, "nhs_number": nhs_number,
        "purpose": "clinic_letter", "author_name": "Dr Ade Bello", "author_role": "consultant_psychiatrist",
        "author_registration": "GMC 7123456", "agreed_at": "2026-12-06T10:30:00+00:00", "text": text}
    return payload


def test_a_statement_of_care_is_a_uk_core_document_reference_with_text_author_subject_date_and_version() -> None:
    resource = statement_of_care(statement_of_care_payload("9990010005", version=2), SYSTEMS)

    assert resource["resourceType"] == "DocumentReference"
    assert resource["meta"]["profile"] == ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-DocumentReference"]
    assert resource["identifier"] == [{"system": "https://portal.test/Id/statement-of-care", "value": "12"}]
    assert resource["masterIdentifier"] == {"system": "https://portal.test/Id/statement-of-care-version",
                                            "value": "12-v2"}
    assert resource["subject"]["identifier"] == {"system": fr.NHS_NUMBER_SYSTEM, "value": "9990010005"}
    assert resource["author"] == [{"type": "Practitioner", "display": "Dr Ade Bello", "identifier": {
        "system": "https://portal.test/Id/professional-registration", "value": "GMC 7123456"}}]
    assert resource["date"] == "2026-12-06T10:30:00+00:00"
    attachment = resource["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]).decode("utf-8") == "Sam is sleeping better."
    assert attachment["title"] == "Statement of care, version 2"
    assert "Consultant psychiatrist" in resource["description"]


def test_each_version_replaces_the_last_and_a_resend_changes_nothing(app, fhir_server: FhirTestServer) -> None:
    person = factories.create_service_user()
    fhir_server.add_patient(person.nhs_number)
    outbox.enqueue(person.id, contract.STATEMENT_OF_CARE_AGREED, statement_of_care_payload(person.nhs_number, 1))
    outbox.enqueue(person.id, contract.STATEMENT_OF_CARE_AGREED,
                   statement_of_care_payload(person.nhs_number, 2, "Version two."))
    db.session.commit()
    record = FhirRecord(fhir_server.base_url, "https://portal.test/Id")

    assert run(record, FAST, once=True).delivered == 2
    [document] = fhir_server.resources("DocumentReference")
    assert document["masterIdentifier"]["value"] == "12-v2"

    # The first version sent again (a resend, or a late try) does not put version 1 back
    record.send_statement_of_care(1, statement_of_care_payload(person.nhs_number, 1))
    [document] = fhir_server.resources("DocumentReference")
    assert document["masterIdentifier"]["value"] == "12-v2"
    assert base64.b64decode(document["content"][0]["attachment"]["data"]).decode("utf-8") == "Version two."
    record.close()
