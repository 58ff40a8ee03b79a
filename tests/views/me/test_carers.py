"""The service user's carers: what each may see, changing and withdrawing it, inviting a carer."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, CarerConsent, CarerLink, OutboxMessage
from portal.services import consent
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def _checked(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [box["value"] for box in page.select("input[name=scopes]") if box.has_attr("checked")]


def test_my_carers_shows_what_each_may_see(app: Flask, carer, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.get("me.carers_list")
    row = page.select_one(f"#carer-{carer.id}")
    assert "Jo Taylor" in row.get_text() and "Nothing" in row.get_text()
    factories.create_consent(carer, service_user, ("involvement", "goals"))
    db.session.commit()
    items = [li.get_text(strip=True) for li in as_service_user.get("me.carers_list").select(f"#carer-{carer.id} .nhsuk-list--bullet li")]
    assert items == ["That you are under the team, and who your key worker is", "Your goals and how they are going"]


def test_choosing_what_a_carer_may_see_works_at_once_and_is_audited(app: Flask, carer, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.get("me.carer_consent", carer_id=carer.id)
    assert page.h1.get_text(strip=True) == "What can Jo Taylor see?"
    assert _checked(page) == ["nothing"]
    as_service_user.post("me.carer_consent", {"scopes": ["involvement", "safety_plan"]}, _expected_status=303,
                         carer_id=carer.id)
    link = factories.link_of(carer, service_user)
    assert consent.current_scopes(link) == {consent.Scope.INVOLVEMENT, consent.Scope.SAFETY_PLAN}
    assert _checked(as_service_user.get("me.carer_consent", carer_id=carer.id)) == ["involvement", "safety_plan"]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "consent.changed"))
    assert message.payload["scopes"] == ["involvement", "safety_plan"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "carer_consent_changed")) is not None


def test_withdrawing_keeps_the_history(app: Flask, carer, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    as_service_user.post("me.carer_consent", {"scopes": ["goals"]}, _expected_status=303, carer_id=carer.id)
    as_service_user.post("me.carer_consent", {"scopes": ["nothing"]}, _expected_status=303, carer_id=carer.id)
    assert consent.current_scopes(factories.link_of(carer, service_user)) == frozenset()
    assert len(db.session.scalars(select(CarerConsent)).all()) == 2
    page = as_service_user.get("me.carer_consent", carer_id=carer.id)
    assert len(page.select("details li")) == 2


def test_nothing_with_something_else_or_no_choice_gets_a_clear_error(app: Flask, carer, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.post("me.carer_consent", {"scopes": ["nothing", "goals"]}, carer_id=carer.id)
    assert error_messages(page) == ["You chose Nothing and something else. Choose Nothing, or the things they may see."]
    assert _checked(page) == ["goals", "nothing"]
    page = as_service_user.post("me.carer_consent", {}, carer_id=carer.id)
    assert error_messages(page) == ["Choose what they may see, or choose Nothing"]
    assert db.session.scalar(select(CarerConsent)) is None


def test_someone_elses_carer_gives_404(app: Flask, as_service_user: PageRequest) -> None:
    other = factories.create_service_user()
    their_carer = factories.create_carer(other)
    as_service_user.get("me.carer_consent", _expected_status=404, carer_id=their_carer.id)
    as_service_user.post("me.carer_consent", {"scopes": ["goals"]}, _expected_status=404, carer_id=their_carer.id)
    assert db.session.scalar(select(CarerConsent)) is None


def test_the_service_user_never_sees_a_private_part(app: Flask, carer, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    factories.create_contribution(carer, service_user, private=("worries",), what_helps="Walking the dog",
                                  worries="He drinks more than he says")
    db.session.commit()
    text = as_service_user.get("me.carers_list").get_text()
    assert "Walking the dog" in text
    assert "He drinks more than he says" not in text


def test_inviting_a_carer_shows_a_code_once(app: Flask, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.post("me.invite_carer", {"name": "Ali Khan", "relationship": "Friend",
                                                    "email": "ali@example.test"})
    assert page.select_one("#invitation-code").get_text(strip=True).count("-") == 2
    link = db.session.scalar(select(CarerLink).where(CarerLink.service_user_id == service_user.id))
    assert link.carer.name == "Ali Khan"
    errors = error_messages(as_service_user.post("me.invite_carer", {"name": "", "relationship": "", "email": "nope"}))
    assert errors == ["Enter the carer's name", "Say how they are related, like mother, partner or friend",
                      "Enter an email address in the correct format, like name@example.com"]


def test_inviting_an_existing_carer_again_is_explained_and_keeps_what_was_typed(  # type: ignore[no-untyped-def]
        app: Flask, carer, service_user, as_service_user: PageRequest) -> None:
    page = as_service_user.post("me.invite_carer", {"name": "Jo Again", "relationship": "Partner",
                                                    "email": carer.user.email})
    assert error_messages(page) == ["This person is already a carer here. Check the list of carers."]
    assert page.select_one("input[name=name]")["value"] == "Jo Again"
    assert page.select_one("input[name=email]")["value"] == carer.user.email


def test_the_consent_page_speaks_to_sam_and_the_history_says_what_changed(app: Flask, carer, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.get("me.carer_consent", carer_id=carer.id)
    labels = [" ".join(label.get_text(" ").split()) for label in page.select(".nhsuk-checkboxes__label")]
    assert labels[:4] == ["That you are under the team, and who your key worker is", "Your goals and how they are going",
                          "Your care plan", "Your safety plan"]
    assert not [label for label in labels if "Sam" in label]

    as_service_user.post("me.carer_consent", {"scopes": ["goals", "care_plan"]}, _expected_status=303, carer_id=carer.id)
    as_service_user.post("me.carer_consent", {"scopes": ["care_plan", "safety_plan"]}, _expected_status=303,
                         carer_id=carer.id)
    as_service_user.post("me.carer_consent", {"scopes": ["nothing"]}, _expected_status=303, carer_id=carer.id)
    history = [" ".join(li.get_text(" ").split()) for li in
               as_service_user.get("me.carer_consent", carer_id=carer.id).select("#consent-history li")]
    assert [line.split(": ", 1)[1] for line in history] == [
        "You changed it. Jo Taylor can no longer see: Your care plan; Your safety plan.",
        "You changed it. Jo Taylor can now see: Your safety plan. Jo Taylor can no longer see: "
        "Your goals and how they are going.",
        "You changed it. Jo Taylor can now see: Your goals and how they are going; Your care plan.",
    ]
