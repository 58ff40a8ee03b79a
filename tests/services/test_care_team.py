"""Care teams (issue 15): who adds and removes members, the history kept, and access following membership."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, CareTeamMember, Role
from portal.services import care_team, people
from portal.services.errors import NotAllowed, NotFound
from tests import factories


def _consultant(name: str = "Ade Bello") -> Any:
    """A consultant psychiatrist in another team (medics often cover several teams)."""
    staff = factories.create_staff(factories.create_team(), name=name)
    staff.profession, staff.registration = "Consultant psychiatrist", "GMC 1234567"
    return staff


def _peer_support_worker(team: Any) -> Any:
    staff = factories.create_staff(team, name="Robin Peer")
    staff.profession, staff.registration = "Peer support worker", ""
    return staff


def test_the_team_lead_adds_a_consultant_who_then_sees_the_person_until_removed(app, team, service_user,
                                                                                team_lead) -> None:
    bello = _consultant()
    with pytest.raises(NotFound):
        people.service_user_for_staff(bello.user, service_user.id)

    member = care_team.add_member(team_lead.user, service_user, bello.id, "consultant_psychiatrist",
                                  "Medication review after the last clinic")

    assert people.service_user_for_staff(bello.user, service_user.id) == service_user
    assert [m.staff_member.name for m in care_team.current_members(service_user)] == ["Ade Bello"]
    assert [m.service_user_id for m in care_team.care_teams_for(bello.user)] == [service_user.id]
    assert service_user not in people.caseload(bello.user), "a care team is not a caseload"

    care_team.remove_member(team_lead.user, service_user, member.id, "Review finished")

    with pytest.raises(NotFound):
        people.service_user_for_staff(bello.user, service_user.id)
    assert care_team.current_members(service_user) == [] and care_team.care_teams_for(bello.user) == []
    [former] = care_team.former_members(service_user)
    assert (former.reason, former.removal_reason, former.added_by_id, former.removed_by_id) == (
        "Medication review after the last clinic", "Review finished", team_lead.user_id, team_lead.user_id)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "service_user",
                                                                 AuditEvent.record_id == service_user.id)).all()
    assert "care_team_member_added" in actions and "care_team_member_removed" in actions


def test_the_key_worker_may_change_the_care_team_and_members_may_not(app, team, service_user, key_worker) -> None:
    peer = _peer_support_worker(team)
    care_team.add_member(key_worker.user, service_user, peer.id, "peer_support_worker", "Sam asked for a peer worker")
    bello = _consultant()
    with pytest.raises(NotAllowed):
        care_team.add_member(peer.user, service_user, bello.id, "consultant_psychiatrist", "Review")
    other = factories.create_staff(team, name="Not Theirs")
    with pytest.raises(NotAllowed):
        care_team.add_member(other.user, service_user, bello.id, "consultant_psychiatrist", "Review")
    assert len(care_team.current_members(service_user)) == 1


def test_the_key_worker_or_a_member_already_in_it_cannot_be_added_again(app, team, service_user, key_worker,
                                                                         team_lead) -> None:
    bello = _consultant()
    care_team.add_member(team_lead.user, service_user, bello.id, "consultant_psychiatrist", "Review")
    for staff in (bello, key_worker):
        with pytest.raises(care_team.AlreadyInCareTeam):
            care_team.add_member(team_lead.user, service_user, staff.id, "medic", "Again")
    with pytest.raises(ValueError, match="reason"):
        care_team.add_member(team_lead.user, service_user, _consultant("Other Doctor").id, "medic", "   ")
    with pytest.raises(ValueError, match="role"):
        care_team.add_member(team_lead.user, service_user, _consultant("Third Doctor").id, "wizard", "Why")
    assert db.session.scalar(select(CareTeamMember).where(CareTeamMember.role == "medic")) is None


def test_registered_members_may_change_and_others_read(app, team, service_user, team_lead) -> None:
    bello, peer = _consultant(), _peer_support_worker(factories.create_team())
    for staff, role in ((bello, "consultant_psychiatrist"), (peer, "peer_support_worker")):
        care_team.add_member(team_lead.user, service_user, staff.id, role, "Joining the care team")

    assert people.may_change(bello.user, service_user) is True
    assert people.may_change(peer.user, service_user) is False
    assert people.may_change(team_lead.user, service_user) is True
    app.config["CARE_TEAM_REGISTERED_MAY_CHANGE"] = False
    try:
        assert people.may_change(bello.user, service_user) is False
        assert people.may_change(team_lead.user, service_user) is True
    finally:
        app.config["CARE_TEAM_REGISTERED_MAY_CHANGE"] = True


def test_a_trust_adds_its_own_roles_and_other_stays_last(app) -> None:
    from portal.care_team_roles import roles_from

    found = roles_from([{"code": "pharmacist", "name": "Pharmacist",
                         "description": "Helps you with your medicines."}])
    assert list(found)[-2:] == ["pharmacist", "other"]
    with app.test_request_context():
        assert str(found["consultant_psychiatrist"].name) == "Consultant psychiatrist"
    with pytest.raises(ValueError):
        roles_from([{"code": "Bad Code", "name": "x", "description": "y"}])
    assert Role.KEY_WORKER in care_team.MEMBER_ROLES


def test_the_record_gets_each_role_in_english_whatever_language_the_page_is_in(app, service_user, team_lead) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from flask_babel import force_locale

    from portal.services import care_team_record

    bello = _consultant()
    care_team.add_member(team_lead.user, service_user, bello.id, "consultant_psychiatrist", "Medication review")
    with app.test_request_context(), force_locale("cy"):
        welsh = str(care_team.roles()["consultant_psychiatrist"].name)
        sent = care_team_record.message(service_user, datetime.now(UTC))
    [member] = [p for p in sent["participants"] if p["staff_member_id"] == bello.id]
    assert welsh != "Consultant psychiatrist" and member["role_name"] == "Consultant psychiatrist"
