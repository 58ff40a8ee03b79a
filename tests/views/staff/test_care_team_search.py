"""Adding a care team member at a trust's scale (issue 15): a search by name or registration, at most
20 results with their team, profession and whether they are registered, never every member of staff."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import CareTeamMember
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def _trust_of_300(team: Any) -> list[Any]:
    teams = [team, *(factories.create_team(f"Locality {n}") for n in range(5))]
    made = [factories.create_staff(teams[n % len(teams)], name=f"Alex Practitioner{n:03d}") for n in range(300)]
    made[7].registration, made[7].profession = "", "Peer support worker"
    made[8].registration = "GMC 7777777"
    db.session.commit()
    return made


def test_the_form_lists_nobody_until_a_search_and_then_at_most_20(
        app: Flask, team: Any, service_user: Any, as_team_lead: PageRequest) -> None:
    staff = _trust_of_300(team)
    first = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id)
    assert first.select("input[name=staff_member]") == []
    assert first.select_one("form[role=search] input[name=q]") is not None

    many = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id, q="practitioner")
    assert len(many.select("input[name=staff_member]")) == 20
    assert "More than 20 people match. Type more of the name or registration number." in many.get_text(" ")
    assert many.select_one("#q")["value"] == "practitioner"

    one = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id, q="practitioner007")
    labels = [label.get_text(" ", strip=True) for label in one.select("label[for^=staff_member]")]
    assert labels == [f"Alex Practitioner007, Peer support worker, {staff[7].team.name}, no professional registration"]
    assert "More than" not in one.get_text()
    by_number = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id, q="gmc 7777777")
    assert [label.get_text(" ", strip=True) for label in by_number.select("label[for^=staff_member]")] == [
        f"Alex Practitioner008, Mental health nurse, {staff[8].team.name}, registered (GMC 7777777)"]


def test_the_person_chosen_from_the_search_is_added_and_the_words_typed_stay_on_a_mistake(
        app: Flask, team: Any, service_user: Any, key_worker: Any, as_team_lead: PageRequest) -> None:
    staff = _trust_of_300(team)
    chosen = staff[123]
    mistake = as_team_lead.post("staff.add_care_team_member", service_user_id=service_user.id, q="Practitioner123",
                                _data={"staff_member": str(chosen.id), "role": "", "reason": "Clozapine clinic"})
    assert error_messages(mistake) == ["Choose what they will do in the care team"]
    assert mistake.select_one("#reason").get_text() == "Clozapine clinic"
    assert mistake.select_one(f"input[name=staff_member][value='{chosen.id}']").has_attr("checked")
    as_team_lead.post("staff.add_care_team_member", service_user_id=service_user.id, q="Practitioner123",
                      _data={"staff_member": str(chosen.id), "role": "clozaril_nurse", "reason": "Clozapine clinic"},
                      _expected_status=303)
    assert db.session.scalar(select(CareTeamMember.staff_member_id)) == chosen.id
    # Members already in and the key worker are not offered again.
    again = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id, q="Practitioner123")
    assert again.select("input[name=staff_member]") == []
    assert "Nobody matches who could join" in again.get_text()
    kim = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id, q=key_worker.name)
    assert kim.select("input[name=staff_member]") == []


def test_a_closed_account_is_not_offered(app: Flask, team: Any, service_user: Any, as_team_lead: PageRequest) -> None:
    gone = factories.create_staff(team, name="Gone Away")
    gone.user.active = False
    db.session.commit()
    page = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id, q="gone")
    assert page.select("input[name=staff_member]") == []
