"""Carers see questionnaire results, with consent (issue 15): off by default; Sam turns it on for Jo on
his sharing page; Jo then sees his latest ReQoL-10 and DIALOG in plain words; turning it off closes the
page at once; each look is audited and the record's Consent carries the new section."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage
from portal.record import contract
from portal.services import measures
from tests.conftest import PageRequest


def _answer(person, instrument_id: str, value: int) -> None:  # type: ignore[no-untyped-def]
    response = measures.start_or_resume(person.user, person, instrument_id)
    for item in measures.questions(measures.instrument_for(instrument_id)):
        measures.save_answer(person.user, response, item, value if value in item.values else max(item.values),
                             more_help=item.number == 4 if instrument_id == "dialog" else False)
    measures.submit(person.user, response, person)


def _share(as_service_user: PageRequest, carer, scopes: list[str]) -> None:  # type: ignore[no-untyped-def]
    as_service_user.post("me.carer_consent", {"scopes": scopes}, _expected_status=303, carer_id=carer.id)


def test_results_are_shared_only_while_sam_says_so(app: Flask, carer, service_user, as_carer: PageRequest,  # type: ignore[no-untyped-def]
                                                   as_service_user: PageRequest) -> None:
    _answer(service_user, "reqol10", 2)
    _answer(service_user, "reqol10", 3)
    _answer(service_user, "dialog", 5)
    sharing = as_service_user.get("me.carer_consent", carer_id=carer.id)
    box = sharing.select_one("input[value='questionnaire_results']")
    assert box is not None and not box.has_attr("checked"), "off by default"
    as_carer.get("carer.shared_results", _expected_status=404, service_user_id=service_user.id)
    assert as_carer.get("carer.cared_for_person", service_user_id=service_user.id).select_one("#shared-results") is None

    _share(as_service_user, carer, ["goals", "questionnaire_results"])

    shared = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert shared.select_one(f"#shared-results a[href='/carer/people/{service_user.id}/results']") is not None
    page = as_carer.get("carer.shared_results", service_user_id=service_user.id).get_text(" ")
    assert "Score:" in page and "out of 40" in page and "last time" in page
    assert "Quality of life: 5.0 out of 7 on average" in page
    assert "Sam would like more help with:" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "carer_viewed_results",
                                                      AuditEvent.actor_user_id == carer.user_id)) is not None
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == contract.CONSENT_CHANGED)
                                   .order_by(OutboxMessage.id.desc()).limit(1))
    assert message.payload["scopes"] == ["goals", "questionnaire_results"]

    _share(as_service_user, carer, ["goals"])

    as_carer.get("carer.shared_results", _expected_status=404, service_user_id=service_user.id)
    assert as_carer.get("carer.cared_for_person", service_user_id=service_user.id).select_one("#shared-results") is None


def test_a_carer_of_someone_else_never_sees_the_results(app: Flask, carer, service_user,  # type: ignore[no-untyped-def]
                                                        as_carer: PageRequest) -> None:
    from tests import factories
    other = factories.create_service_user(given_name="Alex")
    factories.create_consent(factories.create_carer(other), other, ("questionnaire_results",))
    db.session.commit()
    as_carer.get("carer.shared_results", _expected_status=404, service_user_id=other.id)
