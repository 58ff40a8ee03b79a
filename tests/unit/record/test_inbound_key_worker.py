"""Pulling the named key worker, team and pathway from the record.

A new key worker named in the record is a handover recorded from the record (same history and
audit as one made in the portal), and is not sent back. An unknown practitioner changes nothing and
shows the team lead a problem."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AssignmentSource, AuditEvent, KeyWorkerAssignment, OutboxMessage, RecordSyncProblem, Role
from portal.record import contract
from portal.record.worker import run
from portal.services import handover
from portal.services.record_sync import problems_for_team, pull_patient, registration_key
from tests import factories
from tests.conftest import password_and_code
from tests.unit.record.conftest import FAST


def since() -> str:
    """When the record's change happened: after the portal's first allocation, made "now" in each
    test (so computed then: a time taken at import is long past once a slow suite gets here)."""
    return (datetime.now(UTC) + timedelta(minutes=5)).isoformat(timespec="seconds")


def today() -> date:
    """Worked out when each test runs, never at import (a run may cross midnight)."""
    return datetime.now(UTC).date()


def _team_in_record(fhir_server):  # type: ignore[no-untyped-def]
    """Priya is Sam's key worker, allocated in the portal; Tom is in the same team."""
    team = factories.create_team("North CMHT")
    lead = factories.create_staff(team, role=Role.TEAM_LEAD, name="Helen Brooks")
    lead.registration = "SWE SW112233"
    priya = factories.create_staff(team, name="Priya Shah")
    priya.registration = "NMC 12A3456E"
    tom = factories.create_staff(team, name="Tom Okafor")
    tom.registration = "HCPC OT54321"
    person = factories.create_service_user(team=team)
    fhir_server.add_patient(person.nhs_number)
    handover.allocate(lead.user, person, priya.id, handover_on=date(2026, 11, 2), handover_note="First allocation")
    return team, lead, priya, tom, person


def _key_worker_messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == contract.KEY_WORKER_CHANGED)))


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_new_key_worker_named_in_the_record_is_a_handover_from_the_record(app, fhir_server, record) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)
    other_team = factories.create_team("West CMHT")
    pathway = factories.create_pathway("Lithium clinic", months=12)
    fhir_server.name_key_worker(person.nhs_number, "Tom Okafor", "OT54321", since(), team="West CMHT")
    fhir_server.put({"resourceType": "EpisodeOfCare", "status": "active", "type": [{"text": "Lithium clinic"}],
                     "patient": {"reference": f"Patient/{fhir_server.resources('Patient')[0]['id']}"}})

    result = pull_patient(record, person)

    assert result.key_worker_changed and person.key_worker_id == tom.id
    latest = handover.history(person)[0]
    assert (latest.key_worker_id, latest.previous_key_worker_id, latest.handover_on) == (tom.id, priya.id, today())
    assert (latest.source, latest.recorded_by_id, latest.handover_note) == (AssignmentSource.CLINICAL_RECORD, None, "")
    assert [(e.actor_user_id, e.record_id) for e in _audit("key_worker_changed")] == [(lead.user_id, person.id),
                                                                                       (None, person.id)]
    assert (person.team_id, person.care_pathway_id) == (other_team.id, pathway.id)
    assert result.problems == []


def test_the_history_page_says_the_change_came_from_the_record(app, fhir_server, record, client) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)
    fhir_server.name_key_worker(person.nhs_number, "Tom Okafor", "OT54321", since())
    pull_patient(record, person)
    db.session.commit()
    password_and_code(client, lead.user.email)

    page = client.get(f"/staff/service-users/{person.id}/key-worker").get_data(as_text=True)

    assert f"Handed over {today().strftime('%-d %B %Y')}, recorded by the clinical record" in page


def test_an_unknown_practitioner_changes_nothing_and_the_team_lead_sees_a_problem(app, fhir_server, record) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)
    fhir_server.name_key_worker(person.nhs_number, "Dr Amir Khan", "GMC 7654321", since(),
                                registration_system="https://fhir.hl7.org.uk/Id/gmc-number")

    result = pull_patient(record, person)
    pull_patient(record, person)  # a second pull does not repeat the problem

    assert not result.key_worker_changed and person.key_worker_id == priya.id
    assert len(handover.history(person)) == 1
    [(problem, who)] = problems_for_team(lead.user)
    assert (problem.code, problem.detail, who.id) == ("unknown_key_worker", "Dr Amir Khan (GMC 7654321)", person.id)
    assert problems_for_team(priya.user) == [], "team leads see sync problems, key workers do not"

    khan = factories.create_staff(team, name="Amir Khan")  # the team lead gets them an account
    khan.registration = "GMC 7654321"
    pull_patient(record, person)

    assert person.key_worker_id == khan.id
    assert problems_for_team(lead.user) == []
    assert db.session.scalar(select(RecordSyncProblem)).resolved_at is not None


def test_the_key_worker_the_portal_sent_coming_back_changes_nothing(app, fhir_server, record) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    handover.allocate(lead.user, person, tom.id, handover_on=date(2026, 11, 3), handover_note="Priya is moving")
    assert run(record, FAST, once=True).delivered == 4  # each allocation: the key worker, and the whole care team
    events = len(db.session.scalars(select(AuditEvent)).all())

    result = pull_patient(record, person)

    assert not result.key_worker_changed and not result.team_changed and result.problems == []
    assert person.key_worker_id == tom.id and len(handover.history(person)) == 2
    assert len(db.session.scalars(select(AuditEvent)).all()) == events


def test_a_portal_change_still_on_its_way_is_not_undone_by_the_record(app, fhir_server, record) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)  # the record names Priya
    handover.allocate(lead.user, person, tom.id, handover_on=date(2026, 11, 3), handover_note="Priya is moving")

    pull_patient(record, person)  # before the worker has sent the change

    assert person.key_worker_id == tom.id and len(handover.history(person)) == 2


def test_a_key_worker_change_from_the_record_is_not_sent_back(app, fhir_server, record) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)
    fhir_server.name_key_worker(person.nhs_number, "Tom Okafor", "OT54321", since())
    sent_before, log_before = len(_key_worker_messages()), list(fhir_server.log)

    pull_patient(record, person)

    assert person.key_worker_id == tom.id
    assert len(_key_worker_messages()) == sent_before, "no new key_worker.changed message"
    assert run(record, FAST, once=True).delivered == 0
    assert fhir_server.log == log_before
    assert db.session.scalar(select(KeyWorkerAssignment).order_by(KeyWorkerAssignment.id.desc())).source \
        is AssignmentSource.CLINICAL_RECORD


def test_registrations_match_with_or_without_the_regulator_and_spaces() -> None:
    assert registration_key("NMC 12A3456E") == registration_key("12a 3456e") == "12A3456E"
    assert registration_key("HCPC OT54321") == registration_key("OT54321") == "OT54321"
    assert registration_key("GMC: 7654321") == "7654321"


def test_the_team_lead_sees_the_problem_on_the_team_page(app, fhir_server, record, client) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)
    fhir_server.name_key_worker(person.nhs_number, "Dr Amir Khan", "GMC 7654321", since())
    pull_patient(record, person)
    password_and_code(client, lead.user.email)

    page = client.get("/staff/team").get_data(as_text=True)

    assert "the record names Dr Amir Khan (GMC 7654321) as key worker, who has no account in the portal" in page
    assert f"/staff/service-users/{person.id}/key-worker" in page


def test_a_key_worker_named_in_the_record_without_a_valid_registration_is_refused(app, fhir_server, record) -> None:
    """Key workers hold a professional registration: someone whose registration in the portal is
    not in any regulator's format is not made key worker from the record either. The key worker
    stays who they were and the team lead sees why."""
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)
    tom.registration = "HCPC 54321"  # not a registration: HCPC numbers start with the profession's letters
    db.session.commit()
    fhir_server.name_key_worker(person.nhs_number, "Tom Okafor", "54321", since())

    result = pull_patient(record, person)

    assert not result.key_worker_changed and person.key_worker_id == priya.id
    assert len(handover.history(person)) == 1
    [(problem, who)] = problems_for_team(lead.user)
    assert (problem.code, problem.detail, who.id) == ("key_worker_not_registered", "Tom Okafor", person.id)
    assert result.problems == ["key_worker_not_registered"]
    db.session.commit()


def test_the_team_lead_is_told_the_record_named_a_key_worker_without_a_registration(app, fhir_server, record,
                                                                                     client) -> None:
    team, lead, priya, tom, person = _team_in_record(fhir_server)
    run(record, FAST, once=True)
    tom.registration = ""
    db.session.add(RecordSyncProblem(service_user_id=person.id, code="key_worker_not_registered",
                                     detail="Tom Okafor", detected_at=datetime.now(UTC)))
    db.session.commit()
    password_and_code(client, lead.user.email)

    page = " ".join(client.get("/staff/team").get_data(as_text=True).split())

    assert ("the record names Tom Okafor as key worker, who has no professional registration in the portal, "
            "so cannot be a key worker. Their key worker here has not changed") in page
