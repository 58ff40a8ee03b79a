"""Read and add notes (issue 15): a care team member without a professional registration (a peer
support worker) reads the person's care, sees no form they may not use (in a live session too), and
adds a short note the key worker and the team see on the person's page and timeline; audited; sending
it twice keeps one note."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, CareTeamNote
from portal.services import care_sessions, care_team
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest, sign_in
from tests.pages import error_messages

NOTE = "Met Sam at the allotment group; he enjoyed it."


def _robin(person: Any, lead: Any) -> Any:
    robin = factories.create_staff(person.team, name="Robin Clarke")
    robin.profession, robin.registration = "Peer support worker", ""
    db.session.commit()
    care_team.add_member(lead.user, person, robin.id, "peer_support_worker", "Sam asked for peer support")
    return robin


def _as(app: Flask, staff: Any) -> PageRequest:
    return PageRequest(sign_in(app.test_client(), staff.user))


def test_a_peer_support_worker_adds_a_note_the_key_worker_and_team_see(
        app: Flask, service_user: Any, team_lead: Any, as_key_worker: PageRequest, as_team_lead: PageRequest) -> None:
    robin = _robin(service_user, team_lead)
    as_robin = _as(app, robin)
    page = as_robin.get("staff.service_user", service_user_id=service_user.id)
    link = page.select_one(f"a[href='/staff/service-users/{service_user.id}/care-team-notes']")
    assert link is not None and "Add a note about Sam" in link.get_text()
    assert error_messages(as_robin.post("staff.add_care_team_note", {"text": " "},
                                        service_user_id=service_user.id)) == ["Write your note"]

    form = as_robin.get("staff.add_care_team_note", service_user_id=service_user.id)
    token = form.select_one("input[name=form_token]")["value"]
    for _ in range(2):  # a double tap
        as_robin.post("staff.add_care_team_note", {"text": NOTE, "form_token": token}, _expected_status=303,
                      service_user_id=service_user.id,
                      _expected_redirect=f"/staff/service-users/{service_user.id}")

    assert db.session.scalar(select(func.count()).select_from(CareTeamNote)) == 1
    for viewer in (as_key_worker, as_team_lead):
        notes = viewer.get("staff.service_user", service_user_id=service_user.id)
        assert NOTE in notes.get_text() and "Robin Clarke" in notes.get_text()
        assert NOTE in viewer.get("staff.service_user_timeline", service_user_id=service_user.id).get_text()
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "care_team_note_added"))
    assert (event.record_id, event.actor_user_id) == (service_user.id, robin.user_id)


def test_in_a_live_session_a_member_who_may_not_change_anything_sees_no_forms(
        app: Flask, service_user: Any, key_worker: Any, team_lead: Any) -> None:
    make.create_goal(service_user, text="Get back to swimming")
    db.session.commit()
    session = care_sessions.start(key_worker.user, service_user)
    as_robin = _as(app, _robin(service_user, team_lead))

    page = as_robin.get("staff.care_session", service_user_id=service_user.id, session_id=session.id)

    assert "Get back to swimming" in page.get_text()
    assert [f.get("action") for f in page.select("#session-live form")] == []
    assert page.select_one("a[href$='/end']") is None and "End session" not in page.get_text()
    as_robin.post("staff.save_session_notes", {"notes": "x"}, _expected_status=403,
                  service_user_id=service_user.id, session_id=session.id)
    questionnaires = as_robin.get("staff.service_user_measures", service_user_id=service_user.id)
    assert [f.get("action") for f in questionnaires.select("main form")] == [], "asking for one is refused: no form"


def test_nobody_outside_the_care_team_adds_a_note(app: Flask, service_user: Any) -> None:
    stranger = factories.create_staff(factories.create_team("West CMHT"), name="Sol Stranger")
    db.session.commit()
    _as(app, stranger).post("staff.add_care_team_note", {"text": NOTE}, _expected_status=404,
                            service_user_id=service_user.id)
    assert db.session.scalar(select(func.count()).select_from(CareTeamNote)) == 0
