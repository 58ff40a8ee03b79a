"""The team view and handover: team leads allocate or change key workers; key workers cannot."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, KeyWorkerAssignment, OutboxMessage, Role
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest, password_and_code
from tests.pages import error_messages


def today() -> date:
    """Worked out when each test runs, never at import (a run may cross midnight)."""
    return date.today()


def handover_form(key_worker: Any, note: str = "Alex likes texts before visits. Dog at home.",
                  day: date | None = None) -> dict[str, Any]:
    day = day or today()
    return {"key_worker": str(key_worker.id), "handover_on-day": str(day.day),
            "handover_on-month": str(day.month), "handover_on-year": str(day.year), "handover_note": note}


def test_team_view_lists_no_key_worker_first_with_a_count(app: Flask, team: Any, service_user: Any,
                                                          as_team_lead: PageRequest) -> None:
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    factories.create_service_user(factories.create_team(), given_name="Not", family_name="OurTeam")
    page = as_team_lead.get("staff.team")
    rows = page.select("#team-results tbody tr")
    assert [r.select_one("a").get_text(strip=True) for r in rows] == ["Alex Morgan", "Sam Taylor"]
    assert "portal-row-highlight" in rows[0]["class"] and "No key worker" in rows[0].get_text()
    assert page.select_one("#no-key-worker-count").get_text(strip=True) == "1"
    allocate = rows[0].select("a")[-1]
    assert allocate.get_text(" ", strip=True) == "Allocate a key worker for Alex Morgan"
    assert allocate["href"] == f"/staff/service-users/{alex.id}/key-worker"
    caseloads = {r.th.get_text(strip=True): r.select("td")[1].find(string=True, recursive=False).strip()
                 for r in page.select("#key-worker-caseloads tbody tr")}
    assert caseloads["Kim Keyworker"] == "1"
    only_none = as_team_lead.get("staff.team", key_worker="none")
    assert [a.get_text(strip=True) for a in only_none.select("#team-results tbody tr td:first-child a")] == [
        "Alex Morgan"]


def test_key_workers_cannot_use_the_team_view_or_reallocate(app: Flask, service_user: Any, key_worker: Any,
                                                            as_key_worker: PageRequest) -> None:
    as_key_worker.get("staff.team", _expected_status=403)
    as_key_worker.get("staff.allocate_key_worker", _expected_status=403, service_user_id=service_user.id)
    other = factories.create_staff(key_worker.team, name="Tom Okafor")
    as_key_worker.post("staff.allocate_key_worker", _data=handover_form(other), _expected_status=403,
                       service_user_id=service_user.id)
    db.session.refresh(service_user)
    assert service_user.key_worker_id == key_worker.id
    as_key_worker.get("staff.team_report", _expected_status=403)


def test_team_lead_allocates_a_key_worker_with_a_handover(app: Flask, team: Any, team_lead: Any, key_worker: Any,
                                                          as_team_lead: PageRequest) -> None:
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    db.session.commit()
    assert as_team_lead.get("staff.home").select_one("#no-key-worker-count").get_text(strip=True) == "1"

    form = as_team_lead.get("staff.allocate_key_worker", service_user_id=alex.id)
    assert form.h1.get_text(" ", strip=True) == "Alex Morgan Allocate a key worker"
    assert form.select_one("#handover_on-day")["value"] == str(today().day)
    as_team_lead.post("staff.allocate_key_worker", _data=handover_form(key_worker), _expected_status=303,
                      _expected_redirect="/staff/team", service_user_id=alex.id)

    db.session.expire_all()
    assert alex.key_worker_id == key_worker.id
    history = db.session.scalars(select(KeyWorkerAssignment)).all()
    assert [(h.key_worker_id, h.previous_key_worker_id, h.handover_on, h.handover_note, h.recorded_by_id)
            for h in history] == [(key_worker.id, None, today(), "Alex likes texts before visits. Dog at home.",
                                   team_lead.user_id)]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "key_worker_changed"))
    assert (audit.actor_user_id, audit.record_type, audit.record_id) == (team_lead.user_id, "service_user", alex.id)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "key_worker.changed"))
    assert message.ordering_key == f"service_user:{alex.id}"
    assert {k: v for k, v in message.payload.items() if k != "changed_at"} == {
        "nhs_number": alex.nhs_number, "key_worker_name": "Kim Keyworker",
        "key_worker_professional_registration": "NMC 00A0000A", "team_name": "Test Team"}
    assert message.payload["changed_at"].startswith(today().isoformat())
    assert "Dog" not in str(message.payload)

    team_page = as_team_lead.get("staff.team")
    assert "Alex Morgan's key worker is now Kim Keyworker." in team_page.select_one(".portal-flash").get_text()
    assert team_page.select_one("#no-key-worker-count").get_text(strip=True) == "0"
    assert as_team_lead.get("staff.home").select_one("#no-key-worker-count").get_text(strip=True) == "0"


def test_changing_key_worker_keeps_the_history_and_the_new_one_sees_the_note(
    app: Flask, team: Any, service_user: Any, key_worker: Any, as_team_lead: PageRequest,
) -> None:
    tom = factories.create_staff(team, Role.KEY_WORKER, name="Tom Okafor")
    page = as_team_lead.get("staff.allocate_key_worker", service_user_id=service_user.id)
    choices = [label.get_text(" ", strip=True) for label in page.select(".nhsuk-radios__label")]
    assert choices == ["Lee Lead, Mental health nurse (0 people)", "Tom Okafor, Mental health nurse (0 people)"], (
        "the current key worker is not offered")
    as_team_lead.post("staff.allocate_key_worker", _data=handover_form(tom, "Sam is moving house in May.",
                                                                       today() - timedelta(days=1)),
                      _expected_status=303, service_user_id=service_user.id)

    db.session.expire_all()
    assert service_user.key_worker_id == tom.id
    row = db.session.scalar(select(KeyWorkerAssignment))
    assert (row.previous_key_worker_id, row.handover_on) == (key_worker.id, today() - timedelta(days=1))

    tom_client = PageRequest(factories_sign_in(app, tom))
    assert [a.get_text(strip=True) for a in tom_client.get("staff.home").select("table a")] == ["Sam Taylor"]
    timeline = tom_client.get("staff.service_user_timeline", service_user_id=service_user.id)
    assert "Sam is moving house in May." in timeline.get_text()
    assert "Key worker changed to Tom Okafor" in timeline.get_text()
    latest = {row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
              for row in timeline.select(".nhsuk-summary-list__row")}["Latest handover"]
    assert latest == f"{(today() - timedelta(days=1)).strftime('%-d %B %Y')} Sam is moving house in May."
    # Kim no longer sees Sam.
    PageRequest(factories_sign_in(app, key_worker)).get("staff.service_user", _expected_status=404,
                                                        service_user_id=service_user.id)


def factories_sign_in(app: Flask, staff: Any) -> Any:
    from tests.conftest import sign_in

    return sign_in(app.test_client(), staff.user)


def test_the_service_user_sees_their_new_key_worker(app: Flask, team: Any, service_user: Any,
                                                   as_team_lead: PageRequest, as_service_user: PageRequest) -> None:
    tom = factories.create_staff(team, Role.KEY_WORKER, name="Tom Okafor")
    as_team_lead.post("staff.allocate_key_worker", _data=handover_form(tom), _expected_status=303,
                      service_user_id=service_user.id)
    assert "Your key worker is Tom Okafor" in as_service_user.get("me.home").get_text()


def test_mistakes_are_explained_and_what_was_typed_is_kept(app: Flask, team: Any, service_user: Any,
                                                           as_team_lead: PageRequest) -> None:
    tom = factories.create_staff(team, Role.KEY_WORKER, name="Tom Okafor")
    page = as_team_lead.post("staff.allocate_key_worker", _data={
        "handover_on-day": "31", "handover_on-month": "2", "handover_on-year": "2026", "handover_note": "  "},
        service_user_id=service_user.id)
    assert error_messages(page) == ["Choose the new key worker", "Enter a real date, like 27 3 2027",
                                    "Write what the new key worker needs to know"]
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one("#handover_on-day")["value"] == "31"

    future = as_team_lead.post("staff.allocate_key_worker", _data=handover_form(tom, day=today() + timedelta(days=1)),
                               service_user_id=service_user.id)
    assert error_messages(future) == ["The handover date must be today or in the past"]
    assert "Alex likes texts" in future.select_one("textarea").get_text()
    assert db.session.scalar(select(KeyWorkerAssignment)) is None


def test_only_the_team_can_be_chosen_and_only_the_teams_people_changed(app: Flask, team: Any, service_user: Any,
                                                                      as_team_lead: PageRequest) -> None:
    elsewhere = factories.create_staff(factories.create_team(), Role.KEY_WORKER, name="Far Away")
    page = as_team_lead.post("staff.allocate_key_worker", _data=handover_form(elsewhere),
                             service_user_id=service_user.id)
    assert error_messages(page) == ["Choose the new key worker"]
    outsider = factories.create_service_user(factories.create_team())
    as_team_lead.get("staff.allocate_key_worker", _expected_status=404, service_user_id=outsider.id)
    as_team_lead.post("staff.allocate_key_worker", _data=handover_form(elsewhere), _expected_status=404,
                      service_user_id=outsider.id)
    assert db.session.scalar(select(KeyWorkerAssignment)) is None


def test_the_team_view_uses_a_fixed_number_of_queries(app: Flask, team: Any, key_worker: Any,
                                                      team_lead_client: Any) -> None:
    for _ in range(5):
        factories.create_service_user(team, with_account=False)
    db.session.commit()
    with make.count_queries() as small:
        assert team_lead_client.get("/staff/team").status_code == 200
    for number in range(45):
        factories.create_service_user(team, key_worker=key_worker if number % 2 else None, with_account=False)
    db.session.commit()
    with make.count_queries() as large:
        assert team_lead_client.get("/staff/team").status_code == 200
    assert large() == small()


def test_the_new_key_worker_reads_the_handover_note_and_confirms_it(
        app: Flask, team: Any, team_lead: Any, key_worker: Any, as_team_lead: PageRequest,
        as_key_worker: PageRequest) -> None:
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    db.session.commit()
    as_team_lead.post("staff.allocate_key_worker", _data=handover_form(key_worker), _expected_status=303,
                      service_user_id=alex.id)
    assignment = db.session.scalar(select(KeyWorkerAssignment))

    assert "Handover note not read yet" in as_team_lead.get("staff.team").select_one(f"#team-person-{alex.id}").get_text()
    home = as_key_worker.get("staff.home")
    link = home.select_one("#handovers-to-read a")
    assert (link.get_text(strip=True), link["href"]) == ("Alex Morgan", f"/staff/handovers/{assignment.id}")
    note = as_key_worker.get("staff.handover_note", assignment_id=assignment.id)
    assert "Alex likes texts before visits. Dog at home." in note.select_one("main").get_text()
    # Nobody else may read it or confirm it
    as_team_lead.get("staff.handover_note", _expected_status=404, assignment_id=assignment.id)
    as_team_lead.post("staff.confirm_handover_read", _expected_status=404, assignment_id=assignment.id)

    as_key_worker.post("staff.confirm_handover_read", _expected_status=303, _expected_redirect="/staff/",
                       assignment_id=assignment.id)
    db.session.refresh(assignment)
    assert assignment.read_at is not None
    assert as_key_worker.get("staff.home").select_one("#handovers-to-read") is None
    assert "not read" not in as_team_lead.get("staff.team").select_one(f"#team-person-{alex.id}").get_text()
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "key_worker_assignment"))
    assert list(actions) == ["handover_note_viewed", "handover_note_read"]
    history = as_team_lead.get("staff.allocate_key_worker", service_user_id=alex.id).select_one(".portal-history")
    assert f"Kim Keyworker read it on {today().strftime('%-d %B %Y')}" in history.get_text()


def test_a_former_key_worker_cannot_open_handovers_once_the_person_is_handed_on(
        app: Flask, team: Any, team_lead: Any, key_worker: Any, as_team_lead: PageRequest,
        as_key_worker: PageRequest) -> None:
    """Finding 4 of issue 14: Tom, Sam's former key worker, could still open Sam's handovers."""
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    tom = factories.create_staff(team, Role.KEY_WORKER, name="Tom Okafor")
    db.session.commit()
    as_team_lead.post("staff.allocate_key_worker", _data=handover_form(key_worker, "First note for Kim."),
                      _expected_status=303, service_user_id=alex.id)
    to_kim = db.session.scalar(select(KeyWorkerAssignment))
    assert to_kim is not None
    as_key_worker.get("staff.handover_note", assignment_id=to_kim.id)  # Kim's while Alex is hers

    as_team_lead.post("staff.allocate_key_worker", _data=handover_form(tom, "Alex is moving house in May."),
                      _expected_status=303, service_user_id=alex.id)
    to_tom = db.session.scalar(select(KeyWorkerAssignment).where(KeyWorkerAssignment.key_worker_id == tom.id))
    assert to_tom is not None
    as_tom = PageRequest(factories_sign_in(app, tom))
    note = as_tom.get("staff.handover_note", assignment_id=to_tom.id)
    assert "Alex is moving house in May." in note.select_one("main").get_text()

    # Kim, now the former key worker: neither her old handover nor the new one, to read or confirm
    for assignment in (to_kim, to_tom):
        page = as_key_worker.get("staff.handover_note", _expected_status=404, assignment_id=assignment.id)
        assert all(shown not in page.get_text() for shown in ("Alex", "First note", "moving house"))
    as_key_worker.post("staff.confirm_handover_read", _expected_status=404, assignment_id=to_kim.id)
    db.session.refresh(to_kim)
    assert to_kim.read_at is None
    assert as_key_worker.get("staff.home").select_one("#handovers-to-read") is None


def test_in_the_demo_tom_cannot_open_sams_handovers_and_priya_can(app: Flask) -> None:
    from portal.services.demo import DEMO_PASSWORD, load_demo_data

    load_demo_data()
    sams = list(db.session.scalars(select(KeyWorkerAssignment).order_by(KeyWorkerAssignment.id)))
    assert len(sams) == 2
    tom, priya = app.test_client(), app.test_client()
    for client, email in ((tom, "key.worker2@example.test"), (priya, "key.worker@example.test")):
        assert password_and_code(client, email, DEMO_PASSWORD).status_code == 303
    assert [tom.get(f"/staff/handovers/{a.id}").status_code for a in sams] == [404, 404]
    assert [priya.get(f"/staff/handovers/{a.id}").status_code for a in sams] == [404, 200]


def test_allocation_choices_count_each_key_workers_people_in_words_that_agree(
        app: Flask, team: Any, service_user: Any, key_worker: Any, as_team_lead: PageRequest) -> None:
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    factories.create_staff(team, name="Tom Okafor")
    db.session.commit()
    form = as_team_lead.get("staff.allocate_key_worker", service_user_id=alex.id)
    labels = [label.get_text(" ", strip=True) for label in form.select("label[for^=key_worker]")]
    assert any(label.endswith("(1 person)") for label in labels), labels
    assert any(label.endswith("(0 people)") for label in labels), labels
    assert not any("(1 people)" in label for label in labels)


def test_only_someone_with_a_professional_registration_can_be_made_key_worker(
        app: Flask, team: Any, service_user: Any, key_worker: Any, as_team_lead: PageRequest) -> None:
    peer = factories.create_staff(team, name="Pat Peer")
    peer.profession, peer.registration = "Peer support worker", ""
    lapsed = factories.create_staff(team, name="Lee Typo")
    lapsed.registration = "NMC 12345"
    db.session.commit()
    form = as_team_lead.get("staff.allocate_key_worker", service_user_id=service_user.id)
    labels = [label.get_text(" ", strip=True) for label in form.select("label[for^=key_worker]")]
    assert "Pat Peer, Peer support worker (0 people) - no professional registration, so cannot be a key worker" \
        in labels, labels

    for staff in (peer, lapsed):
        page = as_team_lead.post("staff.allocate_key_worker", _data=handover_form(staff),
                                 service_user_id=service_user.id)
        assert error_messages(page) == [
            f"{staff.name} has no professional registration recorded (NMC, GMC, HCPC or Social Work England), "
            "so cannot be a key worker. Choose someone who has one."]
    db.session.refresh(service_user)
    assert service_user.key_worker_id == key_worker.id
    assert db.session.scalar(select(KeyWorkerAssignment)) is None


def test_the_handover_service_refuses_a_key_worker_without_a_registration(app: Flask, team: Any, service_user: Any,
                                                                           team_lead: Any) -> None:
    from portal.services import handover

    navigator = factories.create_staff(team, name="Cam Navigator")
    navigator.registration = ""
    try:
        handover.allocate(team_lead.user, service_user, navigator.id, handover_on=today(), handover_note="Hello")
    except handover.NotRegistered as refused:
        assert refused.staff_name == "Cam Navigator"
    else:
        raise AssertionError("allocated a key worker with no registration")


def test_the_team_lead_sees_who_holds_a_caseload_without_a_registration(
        app: Flask, team: Any, service_user: Any, key_worker: Any, as_team_lead: PageRequest) -> None:
    """Someone made key worker before registrations were checked (or whose registration was
    corrected since) shows up, so the team lead can hand their people over."""
    key_worker.registration = "lapsed"
    peer = factories.create_staff(team, name="Pat Peer")
    peer.profession, peer.registration = "Peer support worker", ""
    db.session.commit()
    rows = {row.th.get_text(strip=True): row.get_text(" ", strip=True)
            for row in as_team_lead.get("staff.team").select("table")[0].select("tbody tr")}
    assert "No professional registration" in rows["Kim Keyworker"]
    assert "No professional registration" in rows["Pat Peer"]
    assert "No professional registration" not in rows["Lee Lead"]
