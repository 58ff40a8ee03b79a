"""Professions and registrations (issue 15): an administrator sets anyone's, a team lead those of
their own team's staff; a registration in no regulator's format is refused with what was typed
kept; every change is audited; the key-worker rule reads what was saved."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from portal.services import handover, staff_records
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def _audits(staff_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.record_type == "staff_member", AuditEvent.record_id == staff_id)))


def test_an_administrator_finds_staff_and_sets_a_registration(app: Flask, team: Any, as_admin: PageRequest) -> None:
    robin = factories.create_staff(team, name="Robin Clarke")
    robin.profession, robin.registration = "Peer support worker", ""
    db.session.commit()
    accounts = as_admin.get("admin.accounts")
    assert accounts.select_one("a[href='/admin/staff']") is not None
    found = as_admin.get("admin.staff", q="robin")
    row = found.select_one(f"#staff-{robin.id}")
    assert "No professional registration" in row.get_text() and "Test Team" in row.get_text()
    assert row.select_one("a")["href"] == f"/admin/staff/{robin.id}/registration"

    as_admin.post("admin.staff_registration", staff_member_id=robin.id, _expected_status=303,
                  _data={"profession": "Occupational therapist", "registration": "hcpc ot 12345"})
    db.session.refresh(robin)
    assert (robin.profession, robin.registration) == ("Occupational therapist", "HCPC OT12345")
    assert _audits(robin.id) == ["staff_registration_changed"]
    assert as_admin.get("admin.staff", q="OT12345").select_one(f"#staff-{robin.id}") is not None


def test_a_wrong_registration_is_refused_and_what_was_typed_stays(app: Flask, key_worker: Any,
                                                                  as_admin: PageRequest) -> None:
    page = as_admin.post("admin.staff_registration", staff_member_id=key_worker.id,
                         _data={"profession": "Mental health nurse", "registration": "NMC 1234"})
    assert page.title.get_text().startswith("Error: Profession and registration")
    assert error_messages(page) == [
        "Enter a registration in the right format, like NMC 12A3456E, GMC 1234567, HCPC OT12345 or "
        "Social Work England SW12345. Leave it empty if they have none."]
    assert page.select_one("#registration")["value"] == "NMC 1234"
    assert page.select_one("#profession")["value"] == "Mental health nurse"
    empty = as_admin.post("admin.staff_registration", staff_member_id=key_worker.id,
                          _data={"profession": " ", "registration": "GMC 1234567"})
    assert error_messages(empty) == ["Enter their profession, like mental health nurse"]
    assert empty.select_one("#registration")["value"] == "GMC 1234567"
    db.session.refresh(key_worker)
    assert key_worker.registration == "NMC 00A0000A" and _audits(key_worker.id) == []


def test_a_team_lead_sets_their_own_teams_staff_only(app: Flask, team: Any, key_worker: Any, team_lead: Any,
                                                     as_team_lead: PageRequest, as_key_worker: PageRequest) -> None:
    other = factories.create_staff(factories.create_team(), name="Oz Other")
    db.session.commit()
    team_page = as_team_lead.get("staff.team")
    assert team_page.select_one(f"a[href='/staff/team/members/{key_worker.id}/registration']") is not None
    as_team_lead.get("staff.staff_registration", staff_member_id=other.id, _expected_status=404)
    as_team_lead.post("staff.staff_registration", staff_member_id=other.id, _expected_status=404,
                      _data={"profession": "Nurse", "registration": ""})
    as_key_worker.get("staff.staff_registration", staff_member_id=key_worker.id, _expected_status=403)
    as_key_worker.get("admin.staff", _expected_status=403)

    as_team_lead.post("staff.staff_registration", staff_member_id=key_worker.id, _expected_status=303,
                      _expected_redirect="/staff/team", _data={"profession": "Support worker", "registration": ""})
    db.session.refresh(key_worker)
    assert key_worker.registration == "" and _audits(key_worker.id) == ["staff_registration_changed"]
    # The key-worker rule reads it: they are no longer offered as registered.
    choice = next(c for c in handover.key_workers(team_lead.user) if c.id == key_worker.id)
    assert not choice.registered


def test_search_finds_by_every_word_or_the_registration_and_says_when_there_are_more(app: Flask, team: Any) -> None:
    for number in range(25):
        factories.create_staff(team, name=f"Jamie Smith{number:02d}")
    gmc = factories.create_staff(team, name="Ade Bello")
    gmc.registration = "GMC 7654321"
    db.session.commit()
    many = staff_records.find_staff("jamie")
    assert len(many.found) == 20 and many.more
    assert [p.name for p in staff_records.find_staff("smith07 jamie").found] == ["Jamie Smith07"]
    assert [p.name for p in staff_records.find_staff("7654321").found] == ["Ade Bello"]
    assert [p.name for p in staff_records.find_staff("gmc 7654321").found] == ["Ade Bello"]
    assert staff_records.find_staff("%").found == [] and staff_records.find_staff("  ").search == ""
