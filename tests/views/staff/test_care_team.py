"""The care team pages (issue 15): the key worker or team lead adds and removes members with a reason;
members open the person's pages, change them only with a registration, and lose them when removed;
Sam sees who is in his care team and what they do; members see the care teams they are in."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, CareTeamMember, Goal
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest, sign_in
from tests.pages import error_messages


def _staff(name: str, profession: str, registration: str, team: Any = None) -> Any:
    staff = factories.create_staff(team or factories.create_team(f"{name}'s team"), name=name)
    staff.profession, staff.registration = profession, registration
    db.session.commit()
    return staff


def _as(app: Flask, staff: Any) -> PageRequest:
    return PageRequest(sign_in(app.test_client(), staff.user))


def _add(as_team_lead: PageRequest, person: Any, staff: Any, role: str, reason: str = "Medication review") -> None:
    as_team_lead.post("staff.add_care_team_member", _expected_status=303, service_user_id=person.id, q=staff.name,
                      _data={"staff_member": str(staff.id), "role": role, "reason": reason},
                      _expected_redirect=f"/staff/service-users/{person.id}/care-team")


def test_the_team_lead_adds_a_consultant_who_opens_sams_goals_until_removed(
        app: Flask, service_user: Any, as_team_lead: PageRequest) -> None:
    bello = _staff("Ade Bello", "Consultant psychiatrist", "GMC 1234567")
    make.create_goal(service_user, text="Get back to swimming")
    db.session.commit()
    as_bello = _as(app, bello)
    as_bello.get("staff.goals_page", _expected_status=404, service_user_id=service_user.id)

    form = as_team_lead.get("staff.add_care_team_member", service_user_id=service_user.id, q="bello")
    labels = [label.get_text(" ", strip=True) for label in form.select("label[for^=staff_member]")]
    assert labels == ["Ade Bello, Consultant psychiatrist, Ade Bello's team, registered (GMC 1234567)"]
    _add(as_team_lead, service_user, bello, "consultant_psychiatrist")

    page = as_team_lead.get("staff.care_team_page", service_user_id=service_user.id)
    row = page.select_one("#care-team-members .nhsuk-summary-list__row").get_text(" ", strip=True)
    assert "Ade Bello" in row and "Consultant psychiatrist" in row and "Medication review" in row
    assert "Get back to swimming" in as_bello.get("staff.goals_page", service_user_id=service_user.id).get_text()
    home = as_bello.get("staff.home")
    assert [a.get_text(strip=True) for a in home.select("#care-teams-i-am-in + ul a")] == [service_user.display_name]

    member = db.session.scalar(select(CareTeamMember))
    removal = as_team_lead.post("staff.remove_care_team_member", service_user_id=service_user.id,
                                member_id=member.id, _data={"reason": ""})
    assert error_messages(removal) == ["Write why they are leaving the care team"]
    as_team_lead.post("staff.remove_care_team_member", _expected_status=303, service_user_id=service_user.id,
                      member_id=member.id, _data={"reason": "Review done"})

    as_bello.get("staff.goals_page", _expected_status=404, service_user_id=service_user.id)
    as_bello.get("staff.service_user", _expected_status=404, service_user_id=service_user.id)
    former = as_team_lead.get("staff.care_team_page", service_user_id=service_user.id)
    assert "Review done" in former.select_one("#care-team-former").get_text()
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == service_user.id)).all()
    assert {"care_team_member_added", "care_team_member_removed"} <= set(actions)


def test_a_peer_support_worker_can_join_the_care_team_but_only_reads(
        app: Flask, team: Any, service_user: Any, as_key_worker: PageRequest) -> None:
    peer = _staff("Robin Peer", "Peer support worker", "", team)
    goal = make.create_goal(service_user, text="Get back to swimming")
    db.session.commit()
    _add(as_key_worker, service_user, peer, "peer_support_worker", "Sam asked for someone who has been there")
    as_peer = _as(app, peer)

    page = as_peer.get("staff.service_user", service_user_id=service_user.id)
    assert "you can read their goals" in page.select_one("#care-team-member-note").get_text()
    assert page.select_one("form[action$='/sessions']") is None
    for endpoint in ("goals_page", "care_plan", "safety_plan", "service_user_measures", "session_summaries",
                     "service_user_timeline", "care_team_page"):
        as_peer.get(f"staff.{endpoint}", service_user_id=service_user.id)
    goals = as_peer.get("staff.goals_page", service_user_id=service_user.id)
    assert goals.find("a", string="Add a goal") is None, "no links to pages they may not use"
    assert as_peer.get("staff.goal_page", service_user_id=service_user.id, goal_id=goal.id).select_one(
        "form[action$='/rating']") is None
    plan = as_peer.get("staff.care_plan", service_user_id=service_user.id)
    assert plan.find("a", string="Agree the care plan") is None and "Carers and what each may see" not in plan.text
    safety = as_peer.get("staff.safety_plan", service_user_id=service_user.id)
    assert "Make a safety plan" not in safety.text
    as_peer.get("staff.edit_goal", _expected_status=403, service_user_id=service_user.id, goal_id=goal.id)
    as_peer.post("staff.rate_goal", _expected_status=403, service_user_id=service_user.id, goal_id=goal.id,
                 _data={"rating": "7"})
    for endpoint in ("service_user_carers", "invite", "add_care_team_member", "service_user_information_copy"):
        as_peer.get(f"staff.{endpoint}", _expected_status=403, service_user_id=service_user.id)
    assert db.session.get(Goal, goal.id).ratings == []


def test_a_registered_member_co_writes_unless_the_trust_turns_it_off(
        app: Flask, service_user: Any, as_team_lead: PageRequest) -> None:
    bello = _staff("Ade Bello", "Consultant psychiatrist", "GMC 1234567")
    goal = make.create_goal(service_user, text="Get back to swimming")
    db.session.commit()
    _add(as_team_lead, service_user, bello, "consultant_psychiatrist")
    as_bello = _as(app, bello)
    as_bello.get("staff.edit_goal", service_user_id=service_user.id, goal_id=goal.id)
    page = as_bello.get("staff.goal_page", service_user_id=service_user.id, goal_id=goal.id)
    assert page.select_one("form[action$='/rating']") is not None, "a registered member rates goals"

    app.config["CARE_TEAM_REGISTERED_MAY_CHANGE"] = False
    try:
        as_bello.get("staff.edit_goal", _expected_status=403, service_user_id=service_user.id, goal_id=goal.id)
    finally:
        app.config["CARE_TEAM_REGISTERED_MAY_CHANGE"] = True
    as_bello.get("staff.add_care_team_member", _expected_status=403, service_user_id=service_user.id)


def test_sam_sees_his_care_team_and_what_each_person_does(
        app: Flask, team: Any, service_user: Any, as_team_lead: PageRequest, as_service_user: PageRequest) -> None:
    _add(as_team_lead, service_user, _staff("Ade Bello", "Consultant psychiatrist", "GMC 1234567"),
         "consultant_psychiatrist")
    _add(as_team_lead, service_user, _staff("Robin Peer", "Peer support worker", "", team), "peer_support_worker")
    rows = as_service_user.get("me.home").select("#your-care-team .nhsuk-summary-list__row")
    said = [" ".join(row.get_text(" ").split()) for row in rows]
    assert said[0].startswith("Ade Bello Consultant psychiatrist A senior doctor who specialises in mental health")
    assert said[1].startswith("Robin Peer Peer support worker Has lived through mental health problems themselves")


def test_mistakes_are_explained_and_nobody_is_added_twice(
        app: Flask, service_user: Any, key_worker: Any, as_team_lead: PageRequest) -> None:
    page = as_team_lead.post("staff.add_care_team_member", service_user_id=service_user.id, _data={"reason": " "})
    assert error_messages(page) == ["Choose who is joining the care team",
                                    "Choose what they will do in the care team",
                                    "Write why they are joining the care team"]
    page = as_team_lead.post("staff.add_care_team_member", service_user_id=service_user.id,
                             q=key_worker.name, _data={"staff_member": str(key_worker.id), "role": "medic",
                                                       "reason": "x"})
    assert error_messages(page) == ["Choose who is joining the care team"], "the key worker is not offered"
    assert db.session.scalar(select(CareTeamMember)) is None


def test_only_the_key_worker_or_team_lead_manages_and_other_peoples_ids_are_404(
        app: Flask, team: Any, service_user: Any, as_team_lead: PageRequest) -> None:
    bello = _staff("Ade Bello", "Consultant psychiatrist", "GMC 1234567")
    _add(as_team_lead, service_user, bello, "consultant_psychiatrist")
    member = db.session.scalar(select(CareTeamMember))
    someone_else = factories.create_service_user(factories.create_team())
    db.session.commit()
    as_team_lead.get("staff.care_team_page", _expected_status=404, service_user_id=someone_else.id)
    as_team_lead.get("staff.remove_care_team_member", _expected_status=404, service_user_id=someone_else.id,
                     member_id=member.id)
    colleague = factories.create_staff(team, name="Cat Colleague")
    db.session.commit()
    _as(app, colleague).get("staff.care_team_page", _expected_status=404, service_user_id=service_user.id)


def test_in_the_demo_dr_bello_and_robin_are_in_sams_care_team(app: Flask) -> None:
    from portal.models import ServiceUser, StaffMember
    from portal.registrations import may_be_key_worker
    from portal.services import care_team, people
    from portal.services.demo import load_demo_data

    load_demo_data()
    assert load_demo_data() == 0, "running it twice creates nothing twice"
    sam = db.session.scalar(select(ServiceUser).where(ServiceUser.nhs_number == "9990010005"))
    members = {m.staff_member.name: m.role for m in care_team.current_members(sam)}
    assert members == {"Dr Ade Bello": "consultant_psychiatrist", "Robin Clarke": "peer_support_worker"}
    bello = db.session.scalar(select(StaffMember).where(StaffMember.name == "Dr Ade Bello"))
    robin = db.session.scalar(select(StaffMember).where(StaffMember.name == "Robin Clarke"))
    assert may_be_key_worker(bello.registration) and not may_be_key_worker(robin.registration)
    assert people.service_user_for_staff(bello.user, sam.id, audit_view=False) == sam
    assert (bello.user.email, robin.user.email) == ("consultant@example.test", "peer.support@example.test")
    for staff in db.session.scalars(select(StaffMember).where(StaffMember.name.in_(
            ["Priya Shah", "Tom Okafor", "Helen Brooks"]))):
        assert may_be_key_worker(staff.registration), staff.name
