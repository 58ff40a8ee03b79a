"""Consent and carers at the data layer, without a request: every consent level, history,
the outbox messages, private parts, scoping and invitations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    CarerConsent,
    CarerContribution,
    CarerLink,
    ContactMethod,
    OutboxMessage,
    Role,
)
from portal.services import accounts, care_plans, carers, consent, goals, measures, safety_plans
from portal.services.errors import NotAllowed, NotFound
from tests import factories

ALL = ("involvement", "goals", "care_plan", "safety_plan", "questionnaire_results")


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand-ins for the goals, care plan and safety plan services that record being called."""
    calls: list[str] = []

    def stand_in(name: str, result: object):  # type: ignore[no-untyped-def]
        def load(person, *args):  # type: ignore[no-untyped-def]
            calls.append(name)
            return result
        return load

    monkeypatch.setattr(goals, "active_goals", stand_in("goals", "goals content"))
    monkeypatch.setattr(care_plans, "current_agreed", stand_in("care_plans", None))  # no agreed plan
    monkeypatch.setattr(safety_plans, "current", stand_in("safety_plans", "safety_plans content"))
    monkeypatch.setattr(safety_plans, "has_content", bool)
    monkeypatch.setattr(measures, "history", stand_in("measures", []))  # once for DIALOG, once for ReQoL-10
    return calls


def _messages(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


# What a carer may see ---------------------------------------------------------------------------

def test_with_no_decision_a_carer_sees_nothing_and_nothing_is_loaded(app: Flask, carer, service_user, loaded) -> None:  # type: ignore[no-untyped-def]
    view = consent.shared_view(carer, service_user.id)
    assert view.sees_nothing
    assert (view.involvement, view.goals, view.care_plan, view.safety_plan, view.questionnaire_results) == (
        None, None, None, None, None)
    assert loaded == []


@pytest.mark.parametrize("scope", ALL)
def test_each_scope_on_its_own_shows_only_that_section(app: Flask, carer, service_user, loaded, scope: str) -> None:  # type: ignore[no-untyped-def]
    factories.create_consent(carer, service_user, (scope,))
    view = consent.shared_view(carer, service_user.id)
    shown = {name for name in ALL if getattr(view, name) is not None}
    assert shown == {scope}
    assert loaded == {"involvement": [], "goals": ["goals"], "care_plan": ["care_plans"],
                      "safety_plan": ["safety_plans"], "questionnaire_results": ["measures", "measures"]}[scope]


def test_involvement_shows_the_team_and_key_worker(app: Flask, carer, service_user, key_worker, loaded) -> None:  # type: ignore[no-untyped-def]
    factories.create_consent(carer, service_user, ("involvement",))
    involvement = consent.shared_view(carer, service_user.id).involvement
    assert involvement == consent.Involvement("Test Team", "Kim Keyworker", "Mental health nurse")


def test_every_scope_shows_every_section(app: Flask, carer, service_user, loaded) -> None:  # type: ignore[no-untyped-def]
    factories.create_consent(carer, service_user, ALL)
    view = consent.shared_view(carer, service_user.id)
    assert view.scopes == frozenset(consent.Scope)
    assert view.goals.content == "goals content"
    assert view.safety_plan.content == "safety_plans content"
    assert sorted(loaded) == ["care_plans", "goals", "measures", "measures", "safety_plans"]


def test_the_latest_decision_wins_and_a_withdrawal_hides_everything_at_once(app: Flask, carer, service_user, loaded) -> None:  # type: ignore[no-untyped-def]
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    factories.create_consent(carer, service_user, ALL, changed_at=earlier)
    assert consent.shared_view(carer, service_user.id).scopes == frozenset(consent.Scope)
    factories.create_consent(carer, service_user, (), changed_at=earlier + timedelta(days=1))
    assert consent.shared_view(carer, service_user.id).sees_nothing
    assert len(consent.history(factories.link_of(carer, service_user))) == 2  # nothing overwritten


def test_a_carer_gets_not_found_for_someone_they_do_not_care_for(app: Flask, carer) -> None:  # type: ignore[no-untyped-def]
    stranger = factories.create_service_user()
    with pytest.raises(NotFound):
        consent.shared_view(carer, stranger.id)
    other_carer = factories.create_carer(stranger)
    factories.create_consent(other_carer, stranger, ALL)
    with pytest.raises(NotFound):  # someone else's consent does not open it up
        consent.shared_view(carer, stranger.id)


def test_one_persons_consent_does_not_apply_to_another_the_carer_cares_for(app: Flask, carer, service_user, loaded) -> None:  # type: ignore[no-untyped-def]
    second = factories.create_service_user(given_name="Robin")
    db.session.add(CarerLink(carer_id=carer.id, service_user_id=second.id, relationship_type="Aunt"))
    factories.create_consent(carer, service_user, ALL)
    assert consent.shared_view(carer, second.id).sees_nothing


def test_care_plan_leaves_out_its_goals_unless_goals_are_shared(app: Flask, carer, service_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Version:
        number, agreed_at, next_review_on = 2, datetime(2026, 1, 1, tzinfo=UTC), date(2027, 1, 1)
        content = {"sections": {"what_matters": [{"text": "My dog"}], "adjustments": []},
                   "goals": [{"text": "Get back to work"}]}

    monkeypatch.setattr(care_plans, "current_agreed", lambda person: Version())
    plan = consent.care_plan_for(frozenset({consent.Scope.CARE_PLAN}), service_user).content
    assert plan.sections == {"what_matters": [{"text": "My dog"}]}
    assert plan.goals is None
    both = consent.care_plan_for(frozenset({consent.Scope.CARE_PLAN, consent.Scope.GOALS}), service_user).content
    assert both.goals == [{"text": "Get back to work"}]


def test_a_shared_section_with_nothing_in_it_yet_is_shown_empty(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    factories.create_consent(carer, service_user, ALL)
    view = consent.shared_view(carer, service_user.id)  # the real services: no goals, plans or safety plan yet
    assert (view.goals, view.care_plan, view.safety_plan) == (consent.Section([]), consent.Section(None),
                                                              consent.Section(None))


# Changing consent ----------------------------------------------------------------------------

def test_the_service_user_changes_consent_audited_and_sent_to_the_record(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    link = factories.link_of(carer, service_user)
    decision = carers.change_consent(service_user.user, link, ["goals", "involvement"])
    assert consent.current_scopes(link) == {consent.Scope.INVOLVEMENT, consent.Scope.GOALS}
    assert (decision.in_person, decision.recorded_by_role, decision.recorded_by_id) == (False, Role.SERVICE_USER,
                                                                                        service_user.user_id)
    [message] = _messages("consent.changed")
    assert message.ordering_key == f"service_user:{service_user.id}"
    assert message.payload == {
        "carer_id": carer.id, "nhs_number": service_user.nhs_number, "scopes": ["involvement", "goals"],
        "recorded_by_role": "service_user", "in_person": False, "changed_at": decision.changed_at.isoformat(),
    }
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "carer_consent_changed"))
    assert (event.actor_user_id, event.record_type, event.record_id) == (service_user.user_id, "carer_link", link.id)


def test_a_key_worker_records_consent_given_in_person(app: Flask, carer, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    link = factories.link_of(carer, service_user)
    carers.change_consent(service_user.user, link, ALL)
    decision = carers.change_consent(key_worker.user, link, [])
    assert (decision.in_person, decision.recorded_by_role, decision.recorded_by_id) == (True, Role.KEY_WORKER,
                                                                                        key_worker.user_id)
    assert consent.current_scopes(link) == frozenset()
    assert [m.payload["scopes"] for m in _messages("consent.changed")] == [list(ALL), []]
    assert _messages("consent.changed")[1].payload["in_person"] is True
    assert db.session.scalar(select(CarerConsent).where(CarerConsent.id != decision.id)).care_plan is True  # kept


def test_only_the_person_or_their_staff_can_change_consent(app: Flask, carer, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    link = factories.link_of(carer, service_user)
    with pytest.raises(NotFound):
        carers.change_consent(factories.create_service_user().user, link, ALL)
    with pytest.raises(NotFound):
        carers.change_consent(factories.create_staff(key_worker.team).user, link, ALL)  # not their caseload
    with pytest.raises(NotAllowed):
        carers.change_consent(carer.user, link, ALL)  # a carer cannot give themselves access
    assert consent.current(link) is None
    with pytest.raises(NotFound):
        carers.link_for_service_user(factories.create_service_user().user, carer.id)


# Contact details -----------------------------------------------------------------------------

@pytest.mark.parametrize(("confirmed", "stale"), [
    (None, True), (date(2026, 3, 15), False), (date(2025, 3, 15), False), (date(2025, 3, 14), True),
])
def test_details_are_stale_when_over_twelve_months_old(app: Flask, confirmed, stale) -> None:  # type: ignore[no-untyped-def]
    carer = factories.create_carer()
    carer.details_confirmed_on = confirmed
    assert carers.details_stale(carer, date(2026, 3, 15)) is stale


def test_twelve_months_before_29_february_is_28_february() -> None:
    assert carers._months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)


def test_updating_details_normalises_confirms_and_sends_one_message_per_person(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    second = factories.create_service_user()
    db.session.add(CarerLink(carer_id=carer.id, service_user_id=second.id, relationship_type="Aunt"))
    db.session.flush()
    links = {link.service_user_id: link for link in carer.links}
    carers.update_details(carer.user, carer, carers.CarerDetails(
        name=" Jo Taylor ", mobile="+44 7700 900 982", phone="(01632) 960 001", email="Jo@Example.TEST",
        address="1 High Street\nLeeds", postcode="ls1 4ap", preferred_contact=ContactMethod.TEXT,
        contact_times="Evenings", language="Welsh", interpreter_needed=True, young_carer=True,
        relationships={links[service_user.id].id: "Mum"},
    ), today=date(2026, 5, 1))
    assert (carer.mobile, carer.phone, carer.postcode, carer.email) == ("07700900982", "01632960001", "LS1 4AP",
                                                                       "jo@example.test")
    messages = _messages("related_person.updated")
    assert sorted(m.ordering_key for m in messages) == sorted(f"service_user:{i}" for i in (service_user.id, second.id))
    first = next(m for m in messages if m.ordering_key == f"service_user:{service_user.id}")
    assert first.payload == {
        "carer_id": carer.id, "nhs_number": service_user.nhs_number, "name": "Jo Taylor", "relationship": "Mum",
        "phone": "01632960001", "mobile": "07700900982", "email": "jo@example.test",
        "address": "1 High Street\nLeeds", "postcode": "LS1 4AP", "preferred_contact": "text", "language": "Welsh",
        "interpreter_needed": True, "young_carer": True, "confirmed_on": "2026-05-01",
    }
    assert next(m for m in messages if m is not first).payload["relationship"] == "Aunt"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "carer_details_updated")).record_id == carer.id


def test_a_carer_can_only_change_their_own_details(app: Flask, carer) -> None:  # type: ignore[no-untyped-def]
    other = factories.create_carer()
    with pytest.raises(NotAllowed):
        carers.update_details(other.user, carer, carers.CarerDetails(name="Not Jo"))
    with pytest.raises(NotAllowed):
        carers.confirm_details(other.user, carer)


def test_confirming_details_records_the_date_and_tells_the_record(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    carers.confirm_details(carer.user, carer, today=date(2026, 6, 1))
    assert carer.details_confirmed_on == date(2026, 6, 1)
    assert _messages("related_person.updated")[0].payload["confirmed_on"] == "2026-06-01"


# Contributions -------------------------------------------------------------------------------

def test_a_carer_can_always_give_information_even_when_they_may_see_nothing(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    assert consent.current(factories.link_of(carer, service_user)) is None
    contribution = carers.add_contribution(carer.user, carer, service_user.id,
                                           {"how_things_have_been": "Low", "worries": "Money"}, {"worries"})
    assert contribution.worries_private and not contribution.how_things_have_been_private
    with pytest.raises(NotFound):
        carers.add_contribution(carer.user, carer, factories.create_service_user().id, {"worries": "x"})


def test_private_parts_are_never_shared_with_the_service_user(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    factories.create_contribution(carer, service_user, private=("worries",), how_things_have_been="Better",
                                  worries="He drinks more than he says")
    factories.create_contribution(carer, service_user, private=("worries",), worries="Only private")
    [shared] = carers.contributions_for_service_user(service_user)
    assert shared.parts == [("how_things_have_been", "Better")]


def test_new_contributions_are_scoped_to_the_caseload_and_leave_once_acknowledged(app: Flask, carer, service_user, key_worker, team_lead) -> None:  # type: ignore[no-untyped-def]
    mine = factories.create_contribution(carer, service_user)
    colleague = factories.create_staff(key_worker.team)
    other = factories.create_service_user(key_worker=colleague)
    theirs = factories.create_contribution(factories.create_carer(other), other)
    elsewhere = factories.create_service_user()
    factories.create_contribution(factories.create_carer(elsewhere), elsewhere)
    assert carers.new_contributions_for(key_worker.user) == [mine]
    assert carers.new_contributions_for(team_lead.user) == [mine, theirs]
    assert (carers.count_new_contributions_for(key_worker.user), carers.count_new_contributions_for(team_lead.user)) == (1, 2)
    carers.acknowledge(key_worker.user, mine)
    assert carers.new_contributions_for(key_worker.user) == []
    assert carers.count_new_contributions_for(key_worker.user) == 0
    assert mine.acknowledged_by_id == key_worker.user_id
    with pytest.raises(NotFound):
        carers.contribution_for_staff(key_worker.user, other.id, theirs.id)
    with pytest.raises(NotFound):  # the right id under the wrong person
        carers.contribution_for_staff(key_worker.user, service_user.id, theirs.id)


def test_bringing_into_the_care_plan_leaves_out_private_parts(app: Flask, carer, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    from portal.models import AuthorRole, CarePlanEntry

    contribution = factories.create_contribution(carer, service_user, private=("worries",),
                                                 what_helps="Walks", worries="Secret worry")
    carers.bring_into_care_plan(key_worker.user, contribution, {"what_helps": "What helps?"})
    entry = db.session.scalar(select(CarePlanEntry))
    assert entry.text == "What helps?: Walks"
    assert entry.author_role is AuthorRole.CARER
    assert contribution.brought_into_care_plan_at is not None and contribution.acknowledged_at is not None
    with pytest.raises(carers.CannotBringIntoCarePlan):
        carers.bring_into_care_plan(key_worker.user, contribution, {})
    only_private = factories.create_contribution(carer, service_user, private=("worries",), worries="Secret")
    with pytest.raises(carers.CannotBringIntoCarePlan):
        carers.bring_into_care_plan(key_worker.user, only_private, {})


# Invitations ---------------------------------------------------------------------------------

def test_inviting_a_new_carer_records_them_and_the_code_sets_up_their_account(app: Flask, service_user) -> None:  # type: ignore[no-untyped-def]
    invitation = carers.invite_carer(service_user.user, service_user, name="Ali Khan", relationship="Friend",
                                     email="ali@example.test", days=7)
    assert not invitation.existing_account
    link = db.session.scalar(select(CarerLink).where(CarerLink.service_user_id == service_user.id))
    assert (link.carer.name, link.relationship_type) == ("Ali Khan", "Friend")
    assert consent.current(link) is None  # they see nothing until the service user chooses
    user = accounts.accept_invitation("ali@example.test", invitation.created.code, "a-long-enough-password")
    assert user.carer is link.carer


def test_an_existing_carer_adds_a_second_person_with_a_code(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    second = factories.create_service_user(given_name="Robin")
    invitation = carers.invite_carer(second.user, second, name="ignored", relationship="ignored",
                                     email=carer.user.email, days=7)
    assert invitation.existing_account
    assert [link.service_user_id for link in carer.links] == [service_user.id]  # not linked until they accept
    with pytest.raises(accounts.InvitationProblem):
        carers.accept_link_invitation(factories.create_carer().user, invitation.created.code, "Aunt")
    link = carers.accept_link_invitation(carer.user, invitation.created.code, "Aunt")
    assert (link.service_user_id, link.relationship_type) == (second.id, "Aunt")
    with pytest.raises(accounts.InvitationProblem):  # single use
        carers.accept_link_invitation(carer.user, invitation.created.code, "Aunt")


def test_inviting_gives_nothing_away_about_who_has_an_account(app: Flask, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    # Inviting the address of a staff account looks exactly like inviting a new carer...
    invitation = carers.invite_carer(service_user.user, service_user, name="Kim", relationship="Friend",
                                     email=key_worker.user.email, days=7)
    assert not invitation.existing_account
    assert [link.carer.name for link in service_user.carer_links] == ["Kim"]
    # ...but the code cannot make a second account for that address
    with pytest.raises(accounts.InvitationProblem):
        accounts.accept_invitation(key_worker.user.email, invitation.created.code, "a-long-enough-password")
    with pytest.raises(NotFound):
        carers.invite_carer(factories.create_service_user().user, service_user, name="X", relationship="Y",
                            email="x@example.test", days=7)
    assert db.session.scalar(select(CarerContribution)) is None


def test_a_lost_code_is_replaced_without_adding_the_carer_twice(app: Flask, service_user) -> None:  # type: ignore[no-untyped-def]
    first = carers.invite_carer(service_user.user, service_user, name="Kim", relationship="Friend",
                                email="kim@example.test", days=7)
    second = carers.invite_carer(service_user.user, service_user, name="Kim", relationship="Friend",
                                 email="KIM@example.test", days=7)
    assert first.created.code != second.created.code
    assert len(service_user.carer_links) == 1
    with pytest.raises(accounts.InvitationProblem):  # only the newest code works
        accounts.accept_invitation("kim@example.test", first.created.code, "a-long-enough-password")
    user = accounts.accept_invitation("kim@example.test", second.created.code, "a-long-enough-password")
    assert user.carer is service_user.carer_links[0].carer


def test_someone_already_their_carer_is_not_invited_again(app: Flask, carer, service_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(carers.AlreadyTheirCarer):
        carers.invite_carer(service_user.user, service_user, name="Jo", relationship="Partner",
                            email=carer.user.email, days=7)


def test_a_carer_viewing_what_is_shared_is_audited_without_content(app: Flask, carer, service_user, loaded) -> None:  # type: ignore[no-untyped-def]
    consent.shared_view(carer, service_user.id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "carer_viewed_shared")) is None
    factories.create_consent(carer, service_user, ("goals",))
    consent.shared_view(carer, service_user.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "carer_viewed_shared"))
    assert (event.actor_user_id, event.record_type, event.record_id) == (carer.user_id, "service_user", service_user.id)
