"""The carer's pages: their details, their views for the team, and exactly what consent allows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import CarerContribution, CarerLink, OutboxMessage
from portal.services import carers
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages

VALID = {
    "name": "Jo Taylor", "mobile": "07700 900 982", "phone": "", "email": "jo@example.test", "address": "",
    "postcode": "LS6 2AB", "preferred_contact": "text", "contact_times": "Evenings", "language": "English",
}


def _details(carer, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {**VALID, **{f"relationship_{link.id}": link.relationship_type for link in carer.links}}
    data.update(changes)
    return data


def _sections(page) -> set[str]:  # type: ignore[no-untyped-def]
    return {section["id"] for section in page.select("#shared-sections section")}


# Consent, level by level, in the page ---------------------------------------------------------

def test_with_no_consent_the_carer_sees_nothing_but_can_still_tell_the_team(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert _sections(page) == set()
    assert "Sam has not chosen to share information about their care with you" in page.get_text(" ")
    assert "Kim Keyworker" not in page.get_text() and "Test Team" not in page.get_text()
    assert page.select_one(f"a[href='/carer/people/{service_user.id}/views']") is not None


@pytest.mark.parametrize(("scope", "section"), [
    ("involvement", "shared-involvement"), ("goals", "shared-goals"),
    ("care_plan", "shared-care-plan"), ("safety_plan", "shared-safety-plan"),
])
def test_each_consent_level_shows_only_its_section(app: Flask, carer, service_user, as_carer: PageRequest, scope: str, section: str) -> None:  # type: ignore[no-untyped-def]
    factories.create_consent(carer, service_user, (scope,))
    db.session.commit()
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert _sections(page) == {section}
    assert ("Kim Keyworker" in page.get_text()) is (scope == "involvement")


def test_a_discharge_is_shown_only_to_a_carer_who_may_know_about_the_team(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    service_user.discharged_on = date(2026, 10, 1)
    factories.create_consent(carer, service_user, ("goals",))
    db.session.commit()
    assert "left the care" not in as_carer.get("carer.cared_for_person", service_user_id=service_user.id).get_text()
    factories.create_consent(carer, service_user, ("involvement",))
    db.session.commit()
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert "Sam left the care of Test Team on 1 October 2026." in page.select_one("#shared-involvement").get_text()


def _goal_care_plan_and_safety_plan(key_worker, service_user) -> None:  # type: ignore[no-untyped-def]
    from portal.models import Agreement, Section
    from portal.services import care_plans, goals, safety_plans

    goals.draft_goal(key_worker.user, service_user, text="Walk to the shops on my own", agreement=Agreement.TOGETHER,
                     first_rating=3)
    care_plans.add_entry(key_worker.user, service_user, Section.WHAT_MATTERS, "Seeing my sister every week")
    care_plans.agree(key_worker.user, service_user)
    safety_plans.save(service_user.user, service_user, {"reasons_for_living": "My sister's children"}, 0)


def test_everything_shared_shows_goals_care_plan_and_safety_plan(app: Flask, carer, service_user, key_worker, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    _goal_care_plan_and_safety_plan(key_worker, service_user)
    factories.create_consent(carer, service_user, ("involvement", "goals", "care_plan", "safety_plan"))
    db.session.commit()
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert _sections(page) == {"shared-involvement", "shared-goals", "shared-care-plan", "shared-safety-plan"}
    assert "Walk to the shops on my own" in page.select_one("#shared-goals").get_text()
    assert "Latest rating: 3 out of 10" in page.select_one("#shared-goals").get_text()
    plan = page.select_one("#shared-care-plan").get_text()
    assert "Seeing my sister every week" in plan and "Walk to the shops on my own" in plan
    assert "My sister's children" in page.select_one("#shared-safety-plan").get_text()


def test_the_care_plan_alone_shows_no_goals_and_nothing_else(app: Flask, carer, service_user, key_worker, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    _goal_care_plan_and_safety_plan(key_worker, service_user)
    factories.create_consent(carer, service_user, ("care_plan",))
    db.session.commit()
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert _sections(page) == {"shared-care-plan"}
    assert "Seeing my sister every week" in page.get_text()
    assert "Walk to the shops on my own" not in page.get_text()
    assert "My sister's children" not in page.get_text()


def test_withdrawing_consent_hides_it_on_the_next_page_load(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    link = factories.link_of(carer, service_user)
    carers.change_consent(service_user.user, link, ["involvement"])
    assert "Kim Keyworker" in as_carer.get("carer.cared_for_person", service_user_id=service_user.id).get_text()
    carers.change_consent(service_user.user, link, [])
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert "Kim Keyworker" not in page.get_text()
    assert _sections(page) == set()


def test_a_carer_gets_404_for_someone_they_do_not_care_for(app: Flask, carer, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    stranger = factories.create_service_user(given_name="Stranger")
    page = as_carer.get("carer.cared_for_person", _expected_status=404, service_user_id=stranger.id)
    assert "Stranger" not in page.get_text()
    as_carer.get("carer.contribute", _expected_status=404, service_user_id=stranger.id)
    as_carer.post("carer.contribute", {"worries": "x"}, _expected_status=404, service_user_id=stranger.id)
    assert db.session.scalar(select(CarerContribution)) is None


def test_a_carer_of_two_people_switches_between_them(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    robin = factories.create_service_user(given_name="Robin", family_name="Lee")
    db.session.add(CarerLink(carer_id=carer.id, service_user_id=robin.id, relationship_type="Aunt"))
    db.session.commit()
    home = as_carer.get("carer.home")
    assert [h.get_text(" ", strip=True).split(" (")[0] for h in home.select("#cared-for h2")] == ["Sam Taylor", "Robin Lee"]
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    switch = page.select_one("nav.portal-switch")
    assert switch.select_one("[aria-current=page]").get_text() == "Sam Taylor"
    assert switch.select_one("a")["href"] == f"/carer/people/{robin.id}"


# Details ----------------------------------------------------------------------------------------

def test_a_bad_phone_number_gets_a_clear_error_and_keeps_what_was_typed(app: Flask, carer, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_carer.post("carer.details", _details(carer, mobile="0770 12", postcode="not a postcode"))
    assert error_messages(page) == ["Enter a UK mobile number, like 07700 900 982", "Enter a real postcode, like LS1 4AP"]
    assert page.select_one("input[name=mobile]")["value"] == "0770 12"
    assert page.select_one("input[name=postcode]")["value"] == "not a postcode"
    assert page.select_one("input[name=language]")["value"] == "English"
    assert page.title.get_text().startswith("Error: ")
    assert db.session.scalar(select(OutboxMessage)) is None


def test_a_preferred_contact_needs_the_means_to_use_it(app: Flask, carer, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_carer.post("carer.details", _details(carer, mobile="", preferred_contact="text"))
    assert error_messages(page) == ["Enter a mobile number, or choose another way to contact you"]
    assert page.select_one("input[name=preferred_contact][value=text]").has_attr("checked")


def test_saving_details_confirms_them_and_tells_the_record(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    link = factories.link_of(carer, service_user)
    as_carer.post("carer.details", _details(carer, **{f"relationship_{link.id}": "Mum"}, interpreter_needed="y"),
                  _expected_status=303)
    db.session.expire_all()
    assert (carer.mobile, carer.details_confirmed_on, carer.interpreter_needed) == ("07700900982", date.today(), True)
    assert link.relationship_type == "Mum"
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "related_person.updated"))
    assert message.payload["relationship"] == "Mum"
    form = as_carer.get("carer.details")
    assert form.select_one("input[name=mobile]")["value"] == "07700900982"
    assert form.select_one("input[name=preferred_contact][value=text]").has_attr("checked")


def test_stale_details_are_asked_to_be_confirmed(app: Flask, carer, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    carer.details_confirmed_on = date.today() - timedelta(days=400)
    db.session.commit()
    home = as_carer.get("carer.home")
    assert "more than 12 months ago" in home.select_one("#confirm-details").get_text()
    as_carer.post("carer.confirm_details", _expected_status=303)
    db.session.expire_all()
    assert carer.details_confirmed_on == date.today()
    assert as_carer.get("carer.home").select_one("#confirm-details") is None


# Contributions ----------------------------------------------------------------------------------

def test_contributing_views_with_a_private_part(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_carer.get("carer.contribute", service_user_id=service_user.id)
    assert len(page.select("textarea")) == 6
    assert "Do not share this with Sam" in page.get_text()
    as_carer.post("carer.contribute", {"how_things_have_been": "Better", "worries": "Secret",
                                       "worry_urgency": "next_appointment",
                                       "worries_private": "y", "wants_carers_assessment": "y"},
                  _expected_status=303, service_user_id=service_user.id)
    contribution = db.session.scalar(select(CarerContribution))
    assert (contribution.worries_private, contribution.how_things_have_been_private) == (True, False)
    assert contribution.wants_carers_assessment
    assert "Sent on" in as_carer.get("carer.cared_for_person", service_user_id=service_user.id).get_text()


def test_an_empty_contribution_gets_a_clear_error(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_carer.post("carer.contribute", {"worries_private": "y"}, service_user_id=service_user.id)
    assert error_messages(page) == ["Write something in at least one box, or ask for a carer's assessment"]
    assert page.select_one("input[name=worries_private]").has_attr("checked")


def test_adding_a_second_person_with_a_code(app: Flask, carer, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    robin = factories.create_service_user(given_name="Robin", family_name="Lee")
    invitation = carers.invite_carer(robin.user, robin, name="x", relationship="x", email=carer.user.email, days=7)
    page = as_carer.post("carer.add_person", {"code": "WRONG-CODE-1234", "relationship": "Aunt"})
    assert error_messages(page)[0].startswith("This code does not work")
    as_carer.post("carer.add_person", {"code": invitation.created.code, "relationship": "Aunt"}, _expected_status=303)
    assert "Robin Lee" in as_carer.get("carer.home").get_text()


def _told(page) -> list[str]:  # type: ignore[no-untyped-def]
    heading = next(h for h in page.select("h3") if h.get_text(strip=True) == "What you have told the team")
    return [" ".join(item.get_text(" ").split()) for item in heading.find_next("ul").select("li")]


@pytest.mark.parametrize(("scopes", "read_shown"), [
    (["involvement"], True),
    (["involvement", "goals", "care_plan", "safety_plan"], True),
    (["goals", "care_plan", "safety_plan"], False),
    ([], False),
])
def test_read_by_the_team_is_shown_only_while_involvement_is_shared(app: Flask, carer, service_user,  # type: ignore[no-untyped-def]
                                                                   as_carer: PageRequest, scopes: list[str],
                                                                   read_shown: bool) -> None:
    """Finding 5 of issue 14: "read by the team" tells the carer the team is working with the person."""
    from portal.models.base import utcnow

    link = factories.link_of(carer, service_user)
    contribution = factories.create_contribution(carer, service_user)
    contribution.acknowledged_at = utcnow()  # type: ignore[attr-defined]
    carers.change_consent(service_user.user, link, ["involvement"])
    assert _told(as_carer.get("carer.cared_for_person", service_user_id=service_user.id))[0].endswith(
        "– read by the team")
    carers.change_consent(service_user.user, link, scopes)  # changed later: earlier messages follow it
    told = _told(as_carer.get("carer.cared_for_person", service_user_id=service_user.id))
    assert len(told) == 1 and told[0].startswith("Sent on ")  # when she wrote is her own: always shown
    assert told[0].endswith("– read by the team") is read_shown


def test_the_home_page_says_how_the_carer_is_related_without_reading_as_the_persons_relationship(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    link = factories.link_of(carer, service_user)
    link.relationship_type = "Mother"
    factories.create_consent(carer, service_user, ("involvement",))
    db.session.commit()
    item = " ".join(as_carer.get("carer.home").select_one("#cared-for li").get_text(" ").split())
    assert f"({link.relationship_type})" not in item
    assert f"Your relationship to {service_user.first_name}: Mother" in item
    page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    assert "not shown here yet" not in page.get_text()
