"""The caseload analysis pages (issue 15): team leads only (403 for others), their own team only;
the CSV is not kept by the browser; bulk allocation keeps what was typed when something is wrong,
refuses a key worker with no registration, and changes nobody from another team; the analysis runs
as many queries for 60 people as for 6."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import KeyWorkerAssignment
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest
from tests.pages import error_messages


def today() -> date:
    return date.today()


def _form(people: list[Any], key_worker: Any, note: str = "Bloods on Mondays.") -> dict[str, Any]:
    day = today()
    return {"people": [str(p.id) for p in people], "key_worker": str(key_worker.id) if key_worker else "",
            "handover_on-day": str(day.day), "handover_on-month": str(day.month),
            "handover_on-year": str(day.year), "handover_note": note}


def test_other_roles_are_refused(app: Flask, service_user: Any, as_key_worker: PageRequest,
                                 as_admin: PageRequest, as_service_user: PageRequest) -> None:
    for who in (as_key_worker, as_admin, as_service_user):
        who.get("staff.caseload_analysis_page", _expected_status=403)
        who.get("staff.caseload_analysis_csv", _expected_status=403)
        who.get("staff.bulk_allocation", _expected_status=403)
        who.post("staff.bulk_allocation", _data=_form([service_user], None), _expected_status=403)
    assert db.session.scalar(select(func.count()).select_from(KeyWorkerAssignment)) == 0


def test_the_team_lead_sees_their_team_only_and_downloads_a_csv(
        app: Flask, team: Any, service_user: Any, key_worker: Any, as_team_lead: PageRequest) -> None:
    lithium = factories.create_pathway("Lithium clinic", months=12)
    service_user.care_pathway_id = lithium.id
    factories.create_service_user(factories.create_team(), given_name="Olly", family_name="Otterwell")
    factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    db.session.commit()
    assert as_team_lead.get("staff.team").select_one("a[href='/staff/team/caseload-analysis']") is not None
    page = as_team_lead.get("staff.caseload_analysis_page")
    text = page.get_text(" ")
    assert "Otterwell" not in text and "Sam Taylor" in text and "Alex Morgan" in text
    assert [li.a.get_text(strip=True) for li in page.select("#need-key-worker-list li")] == ["Alex Morgan"]
    assert page.select_one(f"#key-worker-{key_worker.id}").get_text(" ", strip=True).endswith("People 1 With something overdue 0")
    filtered = as_team_lead.get("staff.caseload_analysis_page", pathway=str(lithium.id))
    assert [li.a.get_text(strip=True) for li in filtered.select("#people-list li")] == ["Sam Taylor"]
    assert filtered.select_one("#filter-pathway option[selected]")["value"] == str(lithium.id)

    response = as_team_lead.client.get("/staff/team/caseload-analysis.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert "Kim Keyworker" in body and "Lithium clinic" in body and "Sam" not in body and "Olly" not in body


def test_bulk_allocation_moves_the_people_ticked(app: Flask, team: Any, key_worker: Any, service_user: Any,
                                                as_team_lead: PageRequest) -> None:
    tom = factories.create_staff(team, name="Tom Okafor")
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    db.session.commit()
    form = as_team_lead.get("staff.bulk_allocation")
    assert {i["value"] for i in form.select("input[name=people]")} == {str(service_user.id), str(alex.id)}
    as_team_lead.post("staff.bulk_allocation", _data=_form([service_user, alex], tom), _expected_status=303,
                      _expected_redirect="/staff/team/caseload-analysis")
    db.session.expire_all()
    assert service_user.key_worker_id == alex.key_worker_id == tom.id
    page = as_team_lead.get("staff.caseload_analysis_page")
    assert "2 people have a new key worker: Tom Okafor." in page.get_text(" ")


def test_mistakes_keep_what_was_typed_and_an_unregistered_key_worker_is_refused(
        app: Flask, team: Any, key_worker: Any, service_user: Any, as_team_lead: PageRequest) -> None:
    robin = factories.create_staff(team, name="Robin Clarke")
    robin.registration, robin.profession = "", "Peer support worker"
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    db.session.commit()
    page = as_team_lead.post("staff.bulk_allocation", _data=_form([alex], None, note="Likes texts."))
    assert error_messages(page) == ["Choose the new key worker"]
    assert page.select_one(f"input[name=people][value='{alex.id}']").has_attr("checked")
    assert page.select_one("#handover_note").get_text() == "Likes texts."

    refused = as_team_lead.post("staff.bulk_allocation", _data=_form([alex, service_user], robin, note="Likes texts."))
    assert error_messages(refused) == [
        "Robin Clarke has no professional registration recorded (NMC, GMC, HCPC or Social Work England), "
        "so cannot be a key worker. Choose someone who has one."]
    assert refused.select_one("#handover_note").get_text() == "Likes texts."
    nobody = as_team_lead.post("staff.bulk_allocation", _data=_form([], key_worker))
    assert error_messages(nobody) == ["Choose at least one person to allocate"]
    assert nobody.select_one(".nhsuk-error-summary a")["href"] == "#people"
    assert nobody.select_one("#people") is not None
    db.session.expire_all()
    assert alex.key_worker_id is None and service_user.key_worker_id == key_worker.id


def test_people_from_another_team_cannot_be_moved(app: Flask, team: Any, key_worker: Any,
                                                  as_team_lead: PageRequest) -> None:
    other_team = factories.create_team()
    olly = factories.create_service_user(other_team, factories.create_staff(other_team), given_name="Olly")
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    db.session.commit()
    before = olly.key_worker_id
    # Olly is not offered, so not taken; Alex alone moves.
    as_team_lead.post("staff.bulk_allocation", _data=_form([olly, alex], key_worker), _expected_status=303)
    db.session.expire_all()
    assert olly.key_worker_id == before and alex.key_worker_id == key_worker.id
    alone = as_team_lead.post("staff.bulk_allocation", _data=_form([olly], key_worker))
    assert error_messages(alone) == ["Choose at least one person to allocate"]
    db.session.expire_all()
    assert olly.key_worker_id == before


def _people(team: Any, key_workers: list[Any], start: int, stop: int) -> None:
    pathway = factories.create_pathway(f"Pathway {start}")
    for number in range(start, stop):
        key_worker = None if number % 4 == 3 else key_workers[number % len(key_workers)]
        person = factories.create_service_user(team, key_worker, with_account=key_worker is None,
                                               family_name=f"Many{number}")
        person.care_pathway_id = pathway.id if number % 2 else None
        make.create_assignment(person, "dialog", today() - timedelta(days=number % 7))
        make.create_goal(person, agreed_on=today() - timedelta(days=200), ratings=((today() - timedelta(days=200), 3),))
    db.session.commit()


def test_the_analysis_runs_as_many_queries_for_60_people_as_for_6(app: Flask, team: Any, key_worker: Any,
                                                                  as_team_lead: PageRequest) -> None:
    key_workers = [key_worker, factories.create_staff(team), factories.create_staff(team)]
    _people(team, key_workers, 0, 6)
    with make.count_queries() as small:
        few = as_team_lead.client.get("/staff/team/caseload-analysis")
        few_form = as_team_lead.client.get("/staff/team/caseload-analysis/allocation")
    _people(team, key_workers + [factories.create_staff(team)], 6, 60)
    with make.count_queries() as large:
        many = as_team_lead.client.get("/staff/team/caseload-analysis")
        many_form = as_team_lead.client.get("/staff/team/caseload-analysis/allocation")
    assert few.status_code == many.status_code == few_form.status_code == many_form.status_code == 200
    assert many.get_data(as_text=True).count('id="person-') == 60
    assert large() == small(), f"{small()} queries for 6 people, {large()} for 60"


def test_the_team_leads_caseload_links_to_the_analysis(app: Flask, as_team_lead: PageRequest,
                                                       as_key_worker: PageRequest) -> None:
    assert as_team_lead.get("staff.home").select_one("a[href='/staff/team/caseload-analysis']") is not None
    assert as_key_worker.get("staff.home").select_one("a[href='/staff/team/caseload-analysis']") is None
