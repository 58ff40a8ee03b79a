"""The caseload (staff home): what needs attention, search, filter, sort, HTMX, and the timeline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, GoalStatus
from portal.services import caseload
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest


def today() -> date:
    """Worked out when each test runs, never at import (a run may cross midnight)."""
    return date.today()


def tags_of(page: Any, person: Any) -> list[str]:
    row = page.select_one(f"#person-{person.id}")
    assert row is not None, f"{person.display_name} is not in the list"
    return [" ".join(tag.get_text(" ").split()) for tag in row.select(".nhsuk-tag")]


def names(page: Any) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("#caseload-results tbody tr td:first-child a")]


def up_to_date(person: Any) -> None:
    """Nothing needs attention: measures done recently, goal and care plan current, safety plan."""
    make.create_response(person, "dialog", today() - timedelta(days=10), {"quality_of_life": 4.0})
    make.create_response(person, "reqol10", today() - timedelta(days=10), {"total": 25})
    make.create_goal(person, agreed_on=today() - timedelta(days=20), next_review_on=today() + timedelta(days=60))
    make.create_care_plan(person, agreed_on=today() - timedelta(days=20), next_review_on=today() + timedelta(days=200))
    make.create_safety_plan(person)


def test_key_worker_sees_what_is_due_for_sam(app: Flask, service_user: Any, as_key_worker: PageRequest) -> None:
    up_to_date(service_user)
    make.create_assignment(service_user, "dialog", today() + timedelta(days=7))
    page = as_key_worker.get("staff.home")
    due = (today() + timedelta(days=7)).strftime("%-d %b %Y")
    assert tags_of(page, service_user) == [f"DIALOG due by {due}"]


def test_a_person_with_nothing_due_says_so(app: Flask, service_user: Any, as_key_worker: PageRequest) -> None:
    up_to_date(service_user)
    row = as_key_worker.get("staff.home").select_one(f"#person-{service_user.id}")
    assert "Nothing due" in row.get_text()


def test_every_kind_of_attention_is_shown(app: Flask, service_user: Any, key_worker: Any,
                                          as_key_worker: PageRequest) -> None:
    person = service_user
    make.create_assignment(person, "dialog", today() - timedelta(days=3))
    make.create_assignment(person, "reqol10", today() - timedelta(days=3))
    make.create_deferral(person, "reqol10", today() + timedelta(days=30))
    make.create_goal(person, agreed_on=today() - timedelta(days=100), next_review_on=today() - timedelta(days=5))
    make.create_care_plan(person, agreed_on=today() - timedelta(days=400),
                          adjustments=(make.at(today() - timedelta(days=30)),))
    make.create_flag(person)
    make.create_dead_message(person)
    carer = factories.create_carer(person, name="Jo Taylor")  # details never confirmed
    make.create_contribution(person, carer.id)

    tags = tags_of(as_key_worker.get("staff.home"), person)

    def day(days: int) -> str:
        return (today() + timedelta(days=days)).strftime("%-d %b %Y")

    assert "1 urgent flag to follow up" in tags
    assert "1 change not sent to the record" in tags
    assert f"DIALOG overdue since {day(-3)}" in tags
    assert f"ReQoL-10 can wait until {day(30)}" in tags
    assert f"Goal review overdue since {day(-5)}" in tags
    assert any(t.startswith("Care plan review overdue since") for t in tags)
    assert "Reasonable adjustments to review" in tags
    assert "No safety plan" in tags
    assert "1 new message from a carer" in tags
    assert "Carer's details not confirmed in 12 months" in tags
    assert tags[0] in ("1 urgent flag to follow up", "1 change not sent to the record"), "most urgent first"


def test_the_people_most_in_need_come_first_and_other_sorts_work(app: Flask, key_worker: Any,
                                                                 as_key_worker: PageRequest) -> None:
    calm = factories.create_service_user(key_worker=key_worker, given_name="Ann", family_name="Able")
    up_to_date(calm)
    late = factories.create_service_user(key_worker=key_worker, given_name="Cal", family_name="Cole")
    up_to_date(late)
    make.create_assignment(late, "dialog", today() - timedelta(days=1))
    soon = factories.create_service_user(key_worker=key_worker, given_name="Ben", family_name="Boyd")
    up_to_date(soon)
    make.create_assignment(soon, "dialog", today() + timedelta(days=2))

    assert names(as_key_worker.get("staff.home")) == ["Cal Cole", "Ben Boyd", "Ann Able"]
    assert names(as_key_worker.get("staff.home", sort="name")) == ["Ann Able", "Ben Boyd", "Cal Cole"]
    assert names(as_key_worker.get("staff.home", sort="due")) == ["Cal Cole", "Ben Boyd", "Ann Able"]
    assert names(as_key_worker.get("staff.home", show="overdue")) == ["Cal Cole"]
    assert names(as_key_worker.get("staff.home", show="attention")) == ["Cal Cole", "Ben Boyd"]
    page = as_key_worker.get("staff.home", show="overdue", sort="name")
    assert page.select_one("#caseload-show option[selected]")["value"] == "overdue"
    assert page.select_one("#caseload-sort option[selected]")["value"] == "name"
    assert "Showing 1 of 3 people" in page.select_one("#caseload-summary").get_text()


def test_search_by_name_or_nhs_number_within_the_caseload_only(app: Flask, key_worker: Any, service_user: Any,
                                                               as_key_worker: PageRequest) -> None:
    factories.create_service_user(key_worker=key_worker, given_name="Robin", family_name="Hart",
                                  preferred_name="Rob")
    outsider = factories.create_service_user(factories.create_team(), given_name="Sam", family_name="Outsider")

    assert names(as_key_worker.get("staff.home", q="taylor")) == ["Sam Taylor"]
    assert names(as_key_worker.get("staff.home", q="rob hart")) == ["Rob Hart"]
    number = service_user.nhs_number
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert names(as_key_worker.get("staff.home", q=spaced)) == ["Sam Taylor"]
    assert names(as_key_worker.get("staff.home", q="Sam")) == ["Sam Taylor"]
    page = as_key_worker.get("staff.home", q=outsider.nhs_number)
    assert names(page) == []
    assert "Nobody matches" in page.get_text()
    assert "%" not in "".join(names(as_key_worker.get("staff.home", q="%")))


def test_htmx_gets_just_the_list_from_the_same_url(app: Flask, service_user: Any,
                                                   key_worker_client: Any) -> None:
    url = "/staff/?q=taylor&sort=name"
    full = key_worker_client.get(url)
    fragment = key_worker_client.get(url, headers={"HX-Request": "true"})
    restore = key_worker_client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert full.status_code == fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in full.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<h1" not in body
    assert "Sam Taylor" in body and 'id="caseload-summary"' in body
    assert "<html" in full.get_data(as_text=True) and "<html" in restore.get_data(as_text=True)
    form = full.get_data(as_text=True)
    assert 'hx-get="/staff/"' in form and 'action="/staff/"' in form and 'method="get"' in form


def test_long_caseloads_are_paged(app: Flask, key_worker: Any, as_key_worker: PageRequest) -> None:
    for number in range(55):
        factories.create_service_user(key_worker=key_worker, given_name="Person", family_name=f"P{number:02d}")
    first = as_key_worker.get("staff.home", sort="name")
    assert len(names(first)) == 50
    assert first.select_one(".nhsuk-pagination a")["href"] == "/staff/?sort=name&page=2"
    second = as_key_worker.get("staff.home", sort="name", page=2)
    assert names(second) == [f"Person P{n}" for n in range(50, 55)]
    assert as_key_worker.get("staff.home", page=99).select_one(".nhsuk-pagination__page")  # last page


def test_team_lead_sees_the_team_with_no_key_worker_first(app: Flask, team: Any, service_user: Any,
                                                          as_team_lead: PageRequest) -> None:
    up_to_date(service_user)
    alex = factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    up_to_date(alex)
    page = as_team_lead.get("staff.home")
    assert names(page) == ["Alex Morgan", "Sam Taylor"]
    assert tags_of(page, alex) == ["No key worker"]
    assert "portal-row-highlight" in page.select_one(f"#person-{alex.id}")["class"]
    assert page.select_one("#no-key-worker-count").get_text(strip=True) == "1"
    assert names(as_team_lead.get("staff.home", show="no_key_worker")) == ["Alex Morgan"]


def _busy_person(key_worker: Any, number: int) -> None:
    person = factories.create_service_user(key_worker=key_worker, family_name=f"Busy{number}", with_account=False)
    make.create_assignment(person, "dialog", today() - timedelta(days=number % 5))
    make.create_deferral(person, "reqol10", today() + timedelta(days=10))
    make.create_response(person, "dialog", today() - timedelta(days=300), {"quality_of_life": 3.5})
    make.create_response(person, "reqol10", None)
    make.create_goal(person, agreed_on=today() - timedelta(days=120), ratings=((today() - timedelta(days=120), 3),))
    make.create_care_plan(person, agreed_on=today() - timedelta(days=380),
                          adjustments=(make.at(today() - timedelta(days=10)),))
    make.create_flag(person)
    make.create_dead_message(person)
    carer = factories.create_carer(person, with_account=False)
    make.create_contribution(person, carer.id)


def test_the_number_of_queries_does_not_grow_with_the_caseload(app: Flask, key_worker: Any,
                                                               key_worker_client: Any) -> None:
    for number in range(5):
        _busy_person(key_worker, number)
    db.session.commit()
    with make.count_queries() as small:
        assert key_worker_client.get("/staff/").status_code == 200
    for number in range(5, 50):
        _busy_person(key_worker, number)
    db.session.commit()
    with make.count_queries() as large:
        response = key_worker_client.get("/staff/")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('id="person-') == 50
    assert large() == small(), f"{small()} queries for 5 people, {large()} for 50"
    assert small() < 30


def test_the_timeline_shows_the_history_and_is_audited(app: Flask, service_user: Any, key_worker: Any,
                                                       as_key_worker: PageRequest) -> None:
    make.create_response(service_user, "reqol10", today() - timedelta(days=40), {"total": 21})
    make.create_goal(service_user, agreed_on=today() - timedelta(days=30), text="Walk to the shops",
                     ratings=((today() - timedelta(days=30), 2), (today() - timedelta(days=2), 5)))
    make.create_goal(service_user, agreed_on=today() - timedelta(days=30), text="Old goal",
                     status=GoalStatus.ACHIEVED, closed_on=today() - timedelta(days=1))
    make.create_care_plan(service_user, agreed_on=today() - timedelta(days=20))
    make.create_flag(service_user)
    carer = factories.create_carer(service_user, name="Jo Taylor")
    make.create_contribution(service_user, carer.id)

    page = as_key_worker.get("staff.service_user_timeline", service_user_id=service_user.id)

    events = [" ".join(li.get_text(" ").split()) for li in page.select(".portal-timeline li")]
    text = "\n".join(events)
    assert "ReQoL-10 – total 21" in text
    assert "Goal rated 5 out of 10: “Walk to the shops”" in text
    assert "Goal achieved: “Old goal”" in text
    assert "Care plan version 1 agreed" in text
    assert "Jo Taylor shared their views" in text
    assert "Urgent: life not worth living (ReQoL)" in text
    assert events[0].startswith(today().strftime("%-d %B %Y")), "newest first"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service_user_viewed"))
    assert (event.actor_user_id, event.record_id) == (key_worker.user_id, service_user.id)


def test_the_timeline_is_not_found_outside_the_caseload(app: Flask, key_worker: Any,
                                                        as_key_worker: PageRequest) -> None:
    other = factories.create_service_user(key_worker=factories.create_staff(key_worker.team), family_name="Hidden")
    page = as_key_worker.get("staff.service_user_timeline", _expected_status=404, service_user_id=other.id)
    assert "Hidden" not in page.get_text()


def test_the_service_user_page_links_to_the_timeline(app: Flask, service_user: Any,
                                                     as_key_worker: PageRequest) -> None:
    page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    link = page.find("a", string="Timeline and key worker history")
    assert link["href"] == f"/staff/service-users/{service_user.id}/timeline"


def test_the_caseload_uses_the_trusts_windows(app: Flask, service_user: Any, key_worker: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    make.create_response(service_user, "dialog", today() - timedelta(days=240))  # about 8 months ago

    def dialog_codes() -> list[str]:
        [row] = caseload.caseload_rows(key_worker.user, today())
        return [item.code for item in row.items if item.instrument_id == "dialog"]

    assert dialog_codes() == ["measure_not_recent"]  # the default: 6 months
    monkeypatch.setitem(app.config, "CASELOAD_WINDOWS", {"measure_not_recent_months": 12})
    assert dialog_codes() == []


def test_a_key_worker_told_someone_has_no_key_worker_is_told_who_can_allocate_one(
        app: Flask, team: Any, service_user: Any, team_lead: Any, as_key_worker: PageRequest) -> None:
    factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    page = as_key_worker.get("staff.home")
    card = page.select_one("#no-key-worker-count").find_parent(class_="nhsuk-card")
    assert "Only a team lead can give someone a key worker" in card.get_text(" ", strip=True)
    ask = card.select_one("a[href^='mailto:']")
    assert ask is not None and ask.get_text(strip=True) == "Lee Lead"
    assert ask["href"] == f"mailto:{team_lead.user.email}"


def test_no_next_step_when_everyone_has_a_key_worker(app: Flask, service_user: Any, team_lead: Any,
                                                    as_key_worker: PageRequest) -> None:
    page = as_key_worker.get("staff.home")
    card = page.select_one("#no-key-worker-count").find_parent(class_="nhsuk-card")
    assert "Only a team lead" not in card.get_text(" ", strip=True)
