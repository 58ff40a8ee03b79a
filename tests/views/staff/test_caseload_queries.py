"""The team lead's caseload (the whole team, every key worker's people and those without one) runs
the same number of SQL statements for 6 people as for 60 (issue 18: a team has hundreds)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask

from portal.extensions import db
from tests import factories
from tests import workspace_factories as make


def _busy_person(team: Any, key_worker: Any | None, number: int) -> None:
    today = date.today()
    person = factories.create_service_user(team, key_worker, family_name=f"Busy{number}",
                                           with_account=key_worker is None)
    make.create_assignment(person, "dialog", today - timedelta(days=number % 5))
    make.create_response(person, "dialog", today - timedelta(days=300), {"quality_of_life": 3.5})
    make.create_response(person, "reqol10", today - timedelta(days=30), {"total": 20})
    make.create_goal(person, agreed_on=today - timedelta(days=120), ratings=((today - timedelta(days=120), 3),))
    make.create_care_plan(person, agreed_on=today - timedelta(days=380), adjustments=(make.at(today),))
    if number % 3 == 0:
        make.create_flag(person)
    carer = factories.create_carer(person, with_account=False)
    make.create_contribution(person, carer.id)


def _add_people(team: Any, key_workers: list[Any], start: int, stop: int) -> None:
    for number in range(start, stop):
        # every third person has no key worker: the team lead sees them too
        _busy_person(team, None if number % 3 == 2 else key_workers[number % len(key_workers)], number)
    db.session.commit()


def test_the_team_caseload_runs_as_many_queries_for_60_people_as_for_6(
    app: Flask, team: Any, key_worker: Any, team_lead_client: Any
) -> None:
    key_workers = [key_worker, factories.create_staff(team), factories.create_staff(team)]
    _add_people(team, key_workers, 0, 6)
    with make.count_queries() as small:
        few = team_lead_client.get("/staff/?show=all")
    _add_people(team, key_workers, 6, 60)
    with make.count_queries() as large:
        many = team_lead_client.get("/staff/?show=all")

    assert few.status_code == many.status_code == 200
    assert many.get_data(as_text=True).count('id="person-') > few.get_data(as_text=True).count('id="person-')
    assert large() == small(), f"{small()} queries for 6 people, {large()} for 60"


def test_a_person_overview_runs_as_many_queries_on_a_big_caseload_as_on_a_small_one(
    app: Flask, team: Any, key_worker: Any, key_worker_client: Any
) -> None:
    _add_people(team, [key_worker], 0, 3)
    person = factories.create_service_user(team, key_worker, with_account=False)
    db.session.commit()
    with make.count_queries() as small:
        assert key_worker_client.get(f"/staff/service-users/{person.id}").status_code == 200
    _add_people(team, [key_worker], 3, 40)
    with make.count_queries() as large:
        assert key_worker_client.get(f"/staff/service-users/{person.id}").status_code == 200

    assert large() == small(), f"{small()} queries with 4 people, {large()} with 41"
