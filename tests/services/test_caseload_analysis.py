"""Caseload analysis and bulk allocation (issue 15), as plain service calls: the counts, what is
overdue (the caseload's own rule), who needs a new key worker, the CSV, and moving several people
to one registered key worker in one go — all or nothing, each change as a single allocation makes it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, KeyWorkerAssignment, OutboxMessage, Role, ServiceUser
from portal.services import caseload_analysis, handover
from portal.services.errors import NotFound
from tests import factories
from tests import workspace_factories as make


def today() -> date:
    return date.today()


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    team = factories.create_team("Team Amberley")
    lead = factories.create_staff(team, Role.TEAM_LEAD, name="Lee Lead")
    kim = factories.create_staff(team, name="Kim Keyworker")
    una = factories.create_staff(team, name="Una Unregistered")
    una.registration, una.profession = "", "Support worker"
    gone = factories.create_staff(team, name="Gus Gone")
    away = factories.create_staff(team, name="Ava Away")
    away.away_from = today() - timedelta(days=2)
    lithium = factories.create_pathway("Lithium clinic", months=12)
    clozapine = factories.create_pathway("Clozapine clinic", months=12)

    def person(name: str, key_worker: Any, pathway: Any) -> ServiceUser:
        made = factories.create_service_user(team, key_worker, with_account=False, given_name=name,
                                             family_name="Test")
        made.care_pathway_id = pathway.id if pathway else None
        if key_worker is None:
            made.key_worker_id = None
        return made

    people = {
        "ann": person("Ann", kim, lithium), "bob": person("Bob", kim, lithium), "cat": person("Cat", una, clozapine),
        "dan": person("Dan", gone, clozapine), "eve": person("Eve", away, None), "fay": person("Fay", None, lithium),
    }
    make.create_assignment(people["ann"], "dialog", today() - timedelta(days=10))  # DIALOG overdue
    factories.create_service_user(factories.create_team(), given_name="Olly", family_name="Other")
    db.session.flush()
    gone.user.active = False
    db.session.commit()
    return {"team": team, "lead": lead, "kim": kim, "una": una, "gone": gone, "away": away, "lithium": lithium,
            "clozapine": clozapine, **people}


def test_counts_per_key_worker_and_pathway_and_who_needs_a_new_key_worker(world: dict[str, Any]) -> None:
    found = caseload_analysis.analyse(world["lead"].user, today())
    assert found.by_key_worker[world["kim"].id].people == 2
    assert found.by_key_worker[world["kim"].id].overdue_people == 1
    assert found.by_key_worker[None].people == 1
    assert found.by_pathway[world["lithium"].id].people == 3 and found.by_pathway[world["clozapine"].id].people == 2
    assert found.by_pathway[None].people == 1 and found.pathways[-1].id is None
    assert ("measure_overdue", "dialog") in found.overdue
    assert found.overdue[("measure_overdue", "dialog")] == 1
    assert [(p.display_name, p.problem) for p in found.needing_key_worker] == [
        ("Fay Test", "no_key_worker"), ("Dan Test", "left"), ("Cat Test", "not_registered"), ("Eve Test", "away")]
    assert "Olly" not in {p.display_name.split()[0] for p in found.people}


def test_filters_by_pathway_and_by_key_worker_left(world: dict[str, Any]) -> None:
    lead = world["lead"].user
    by_pathway = caseload_analysis.analyse(lead, today(), {"pathway": str(world["lithium"].id)})
    assert sorted(p.display_name for p in by_pathway.chosen) == ["Ann Test", "Bob Test", "Fay Test"]
    left = caseload_analysis.analyse(lead, today(), {"show": "key_worker_left", "pathway": str(world["clozapine"].id)})
    assert sorted(p.display_name for p in left.chosen) == ["Cat Test", "Dan Test"]
    none = caseload_analysis.analyse(lead, today(), {"pathway": "none"})
    assert [p.display_name for p in none.chosen] == ["Eve Test"]
    unknown = caseload_analysis.analyse(lead, today(), {"pathway": "99999", "show": "<b>"})
    assert unknown.filters == caseload_analysis.Filters() and len(unknown.chosen) == 6


def test_only_a_team_lead_analyses(world: dict[str, Any]) -> None:
    with pytest.raises(Exception):  # noqa: B017 - NotAllowed or NotFound: either refuses
        caseload_analysis.analyse(world["kim"].user, today())


def test_the_csv_counts_per_key_worker_and_pathway_and_names_no_service_user(world: dict[str, Any]) -> None:
    from flask_babel import force_locale

    from portal.blueprints.staff.caseload_analysis_presenters import csv_labels

    with force_locale("en"):
        body = caseload_analysis.to_csv(caseload_analysis.analyse(world["lead"].user, today()), csv_labels())
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Key worker", "Profession", "Professional registration", "Key worker status", "Care pathway",
                       "People", "People with something overdue"]
    assert ["Kim Keyworker", "Mental health nurse", "Yes", "Working", "Lithium clinic", "2", "1"] in rows
    assert ["Gus Gone", "Mental health nurse", "Yes", "Left", "Clozapine clinic", "1", "0"] in rows
    assert ["Una Unregistered", "Support worker", "No", "Working", "Clozapine clinic", "1", "0"] in rows
    assert ["No key worker", "", "", "", "Lithium clinic", "1", "0"] in rows
    for name in ("Ann", "Bob", "Cat", "Dan", "Eve", "Fay"):
        assert f"{name} Test" not in body


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_bulk_allocation_moves_everyone_chosen_with_one_note(world: dict[str, Any]) -> None:
    tom = factories.create_staff(world["team"], name="Tom Okafor")
    db.session.commit()
    chosen = [world["cat"].id, world["dan"].id]
    assignments = handover.allocate_many(world["lead"].user, chosen, tom.id, handover_on=today(),
                                         handover_note="Clozapine bloods on Mondays.")
    assert len(assignments) == 2
    db.session.expire_all()
    assert {world["cat"].key_worker_id, world["dan"].key_worker_id} == {tom.id}
    notes = db.session.execute(select(KeyWorkerAssignment.service_user_id, KeyWorkerAssignment.previous_key_worker_id,
                                      KeyWorkerAssignment.handover_note)).all()
    assert sorted(notes) == sorted([(world["cat"].id, world["una"].id, "Clozapine bloods on Mondays."),
                                    (world["dan"].id, world["gone"].id, "Clozapine bloods on Mondays.")])
    assert _count(OutboxMessage) >= 2  # each change goes to the record, as a single allocation's does
    assert db.session.scalars(select(OutboxMessage.kind)).all().count(handover.KEY_WORKER_CHANGED) == 2
    audited = db.session.scalars(select(AuditEvent.record_id).where(AuditEvent.action == "key_worker_changed")).all()
    assert sorted(audited) == sorted(chosen)


def test_bulk_allocation_is_all_or_nothing(world: dict[str, Any]) -> None:
    lead = world["lead"].user
    other = db.session.scalar(select(ServiceUser).where(ServiceUser.given_name == "Olly"))
    before = (_count(KeyWorkerAssignment), _count(OutboxMessage), _count(AuditEvent))
    with pytest.raises(handover.NotRegistered):
        handover.allocate_many(lead, [world["fay"].id, world["eve"].id], world["una"].id, handover_on=today(),
                               handover_note="Note")
    with pytest.raises(NotFound):  # someone from another team among them: nobody moves
        handover.allocate_many(lead, [world["fay"].id, other.id], world["kim"].id, handover_on=today(),
                               handover_note="Note")
    with pytest.raises(handover.SameKeyWorker):
        handover.allocate_many(lead, [world["fay"].id, world["ann"].id], world["kim"].id, handover_on=today(),
                               handover_note="Note")
    with pytest.raises(ValueError):
        handover.allocate_many(lead, [world["fay"].id], world["kim"].id, handover_on=today(), handover_note=" ")
    with pytest.raises(ValueError):
        handover.allocate_many(lead, [], world["kim"].id, handover_on=today(), handover_note="Note")
    db.session.expire_all()
    assert world["fay"].key_worker_id is None and world["eve"].key_worker_id == world["away"].id
    assert (_count(KeyWorkerAssignment), _count(OutboxMessage), _count(AuditEvent)) == before
