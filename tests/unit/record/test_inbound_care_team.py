"""The care team to the record and back (issue 15): the portal writes one CareTeam per person with the
key worker and every member in their role; a resend or a late message never puts an older team back;
on pull, members the record names come back, members it no longer names go, and a practitioner the
portal does not know is a problem the team lead sees (never silently dropped)."""

from __future__ import annotations

import copy
from datetime import date

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, OutboxStatus, Role
from portal.record import contract
from portal.record.worker import run
from portal.services import care_team, handover
from portal.services.care_team_record import CARE_TEAM_MEMBER_UNKNOWN, NOT_IN_RECORD
from portal.services.record_sync import problems_for_team, pull_patient
from tests import factories
from tests.conftest import password_and_code
from tests.unit.record.conftest import FAST

BASE = "https://portal.test/Id"


def _sam_and_his_team(fhir_server):  # type: ignore[no-untyped-def]
    team = factories.create_team("North CMHT")
    lead = factories.create_staff(team, role=Role.TEAM_LEAD, name="Helen Brooks")
    lead.registration = "SWE SW112233"
    priya = factories.create_staff(team, name="Priya Shah")
    priya.registration = "NMC 12A3456E"
    bello = factories.create_staff(team, name="Dr Ade Bello")
    bello.registration = "GMC 7123456"
    robin = factories.create_staff(team, name="Robin Clarke")
    robin.registration = ""
    tom = factories.create_staff(team, name="Tom Okafor")
    tom.registration = "HCPC OT54321"
    person = factories.create_service_user(team=team)
    fhir_server.add_patient(person.nhs_number)
    handover.allocate(lead.user, person, priya.id, handover_on=date(2026, 11, 2), handover_note="First allocation")
    care_team.add_member(lead.user, person, bello.id, "consultant_psychiatrist", "Medication review")
    care_team.add_member(lead.user, person, robin.id, "peer_support_worker", "Sam asked for peer support")
    return lead, priya, bello, robin, tom, person


def _portal_care_team(fhir_server):  # type: ignore[no-untyped-def]
    [team] = [t for t in fhir_server.resources("CareTeam")
              if any(i["system"] == f"{BASE}/care-team" for i in t.get("identifier", []))]
    return team


def _participants(team) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(p["member"]["display"], p["role"][0]["coding"][0]["code"]) for p in team["participant"]]


def test_each_change_sends_the_whole_care_team_with_roles(app, fhir_server, record) -> None:
    lead, priya, bello, robin, tom, person = _sam_and_his_team(fhir_server)
    kinds = list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))
    assert kinds.count(contract.CARE_TEAM_CHANGED) == 3, "the key worker's allocation and each member added"

    assert run(record, FAST, once=True).dead == 0

    team = _portal_care_team(fhir_server)
    assert _participants(team) == [("Priya Shah", "key-worker"), ("Dr Ade Bello", "consultant_psychiatrist"),
                                   ("Robin Clarke", "peer_support_worker")]
    assert team["participant"][1]["member"]["identifier"] == {"system": f"{BASE}/professional-registration",
                                                              "value": "GMC 7123456"}
    assert team["participant"][2]["member"]["identifier"] == {"system": f"{BASE}/staff-member",
                                                              "value": f"portal-staff-{robin.id}"}


def test_a_resend_or_a_late_older_message_never_puts_an_older_team_back(app, fhir_server, record) -> None:
    lead, priya, bello, robin, tom, person = _sam_and_his_team(fhir_server)
    run(record, FAST, once=True)
    [member] = [m for m in care_team.current_members(person) if m.staff_member_id == robin.id]
    care_team.remove_member(lead.user, person, member.id, "Peer support finished")
    run(record, FAST, once=True)
    messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == contract.CARE_TEAM_CHANGED)
                                       .order_by(OutboxMessage.id)))
    versions = len(fhir_server.resources("CareTeam"))

    record.send_care_team(messages[-2].id, copy.deepcopy(messages[-2].payload))  # late: Robin still in it
    record.send_care_team(messages[-1].id, copy.deepcopy(messages[-1].payload))  # sent twice

    assert _participants(_portal_care_team(fhir_server)) == [("Priya Shah", "key-worker"),
                                                             ("Dr Ade Bello", "consultant_psychiatrist")]
    assert len(fhir_server.resources("CareTeam")) == versions


def test_members_the_record_names_come_back_and_unknown_ones_are_shown_to_the_team_lead(
        app, fhir_server, record, client) -> None:
    lead, priya, bello, robin, tom, person = _sam_and_his_team(fhir_server)
    run(record, FAST, once=True)
    team = _portal_care_team(fhir_server)
    role = {"system": f"{BASE}/CodeSystem/care-team-role", "code": "occupational_therapist"}
    team["participant"] = [p for p in team["participant"] if p["member"]["display"] != "Dr Ade Bello"] + [
        {"role": [{"coding": [role]}], "member": {"display": "Tom Okafor", "identifier": {
            "system": "https://fhir.hl7.org.uk/Id/hcpc-number", "value": "OT54321"}}},
        {"role": [{"text": "Care navigator"}], "member": {"display": "Kim Lowe", "identifier": {
            "system": "https://fhir.hl7.org.uk/Id/nmc-pin", "value": "99Z9999Z"}}}]
    fhir_server.put(team)

    result = pull_patient(record, person)

    current = {m.staff_member.name: (m.role, m.added_by_id) for m in care_team.current_members(person)}
    assert current == {"Robin Clarke": ("peer_support_worker", lead.user_id),
                       "Tom Okafor": ("occupational_therapist", None)}
    [gone] = care_team.former_members(person)
    assert (gone.staff_member_id, gone.removal_reason, gone.removed_by_id) == (bello.id, NOT_IN_RECORD, None)
    assert CARE_TEAM_MEMBER_UNKNOWN in result.problems
    [(problem, who)] = [(p, s) for p, s in problems_for_team(lead.user) if p.code == CARE_TEAM_MEMBER_UNKNOWN]
    assert who.id == person.id and "Kim Lowe (99Z9999Z)" in problem.detail
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"care_team_member_added_from_record", "care_team_member_removed_from_record"} <= actions
    assert not any(m.kind == contract.CARE_TEAM_CHANGED and m.status.value == "pending"
                   for m in db.session.scalars(select(OutboxMessage))), "a change from the record is not sent back"
    db.session.commit()
    password_and_code(client, lead.user.email)
    team_page = " ".join(client.get("/staff/team").get_data(as_text=True).split())
    assert "the record names Kim Lowe (99Z9999Z) in the care team, who have no account in the portal" in team_page


def test_nothing_is_pulled_while_the_portals_own_change_is_on_its_way(app, fhir_server, record) -> None:
    lead, priya, bello, robin, tom, person = _sam_and_his_team(fhir_server)
    run(record, FAST, once=True)
    care_team.add_member(lead.user, person, tom.id, "occupational_therapist", "Help back to work")

    result = pull_patient(record, person)

    assert {m.staff_member.name for m in care_team.current_members(person)} == {
        "Dr Ade Bello", "Robin Clarke", "Tom Okafor"}
    assert CARE_TEAM_MEMBER_UNKNOWN not in result.problems


def test_a_care_team_of_the_records_own_naming_only_the_key_worker_takes_nobody_out(app, fhir_server, record) -> None:
    lead, priya, bello, robin, tom, person = _sam_and_his_team(fhir_server)
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.DELIVERED))  # as if sent elsewhere
    db.session.commit()
    fhir_server.name_key_worker(person.nhs_number, "Priya Shah", "12A3456E", "2026-11-02T09:00:00+00:00")

    pull_patient(record, person)

    assert len(care_team.current_members(person)) == 2
