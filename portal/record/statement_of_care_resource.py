"""The statement of care (issue 15) as a UK Core DocumentReference.

One DocumentReference per statement, identified by the statement's id under the portal's
``statement-of-care`` system and replaced by each agreed version (the server's history keeps every
version); ``masterIdentifier`` names the version (``<statement id>-v<number>``), the text is the
statement in plain text, the author is the writer as a logical Practitioner reference by professional
registration (the portal does not know the record's Practitioner ids). The outbox message id stamped
on it (``fhir_resources.stamped``) keeps a resent or late older version from overwriting a newer one.
"""

from __future__ import annotations

import base64

from portal.record import contract
from portal.record import fhir_resources as fr

PURPOSE_WORDS = {"session": "a session", "clinic_letter": "a clinic letter"}


def role_words(code: str) -> str:
    """A care-team role code in words ("consultant_psychiatrist" -> "Consultant psychiatrist")."""
    return code.replace("_", " ").capitalize()


def author(payload: contract.StatementOfCareAgreed, systems: fr.Systems) -> fr.Resource:
    member: fr.Resource = {"type": "Practitioner", "display": payload["author_name"]}
    if payload.get("author_registration"):
        member["identifier"] = fr.identifier(systems("professional-registration"), payload["author_registration"])
    return member


def statement_of_care(payload: contract.StatementOfCareAgreed, systems: fr.Systems) -> fr.Resource:
    number = payload["version_number"]
    role = role_words(payload["author_role"])
    return fr.validate({
        "resourceType": "DocumentReference",
        "meta": fr.profile("DocumentReference"),
        "masterIdentifier": fr.identifier(systems("statement-of-care-version"),
                                          f"{payload['statement_id']}-v{number}"),
        "identifier": [fr.identifier(systems("statement-of-care"), payload["statement_id"])],
        "status": "current",
        "docStatus": "final",
        "type": {"text": "Statement of care"},
        "subject": fr.patient_reference(payload["nhs_number"]),
        "date": payload["agreed_at"],
        "author": [author(payload, systems)],
        "description": f"Statement of care for {PURPOSE_WORDS.get(payload['purpose'], 'a session')}, "
                       f"version {number}, agreed by {payload['author_name']} ({role})",
        "content": [{"attachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": base64.b64encode(payload["text"].encode("utf-8")).decode("ascii"),
            "title": f"Statement of care, version {number}",
            "creation": payload["agreed_at"],
        }}],
    })
