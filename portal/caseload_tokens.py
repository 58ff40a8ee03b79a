"""A token per team that changes with anything its caseload or team report shows (issue 18), so that
what they worked out can be kept between requests (services/caseload_cache.py).

An ``after_flush`` listener gives every team touched by a flush a new random token, in the same
transaction, whenever a flush adds, changes or removes anything a caseload row or the team report
is made of: the person themselves (name, team, key worker, pathway, discharge), measures asked
for, started, done, corrected or put off, goals and their ratings, care plan versions and
reasonable adjustments, the safety plan, safety flags, carers' links, details and contributions,
a key worker's name, a pathway's review cadence, the team's name, and record-sync dead letters.
An answer autosaved to a questionnaire in progress changes none of these, so it costs nothing
here. Writers that bypass the ORM call ``people_changed`` (record/worker.py, services/risk.py); a
bulk load calls ``everything_changed``. Tokens are random, so they never repeat, even when a
database is emptied and filled again.

Outside ``portal/services`` so that the record layer, which never imports the use cases, can say
when a message becomes a dead letter.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, event, inspect, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import (
    CarePathway,
    CarePlan,
    CarePlanEntry,
    CarePlanVersion,
    Carer,
    CarerContribution,
    CarerLink,
    CaseloadGeneration,
    Goal,
    GoalRating,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    OutboxMessage,
    OutboxStatus,
    SafetyFlag,
    SafetyPlan,
    ServiceUser,
    StaffMember,
    Team,
)
from portal.models.outbox import service_user_id_of

# Tables whose rows name the person they are about, and whose every change a caseload may show.
_BY_PERSON = (MeasureAssignment, MeasureDeferral, Goal, SafetyPlan, SafetyFlag, CarerContribution, CarerLink,
              CarePlan)
_RESPONSE_FIELDS = ("status", "submitted_at", "mode", "superseded", "scores", "service_user_id", "instrument_id")


# Which teams a flush touched -----------------------------------------------------------------------

class _Touched:
    """What a flush touched, by the key each table reaches a person through."""

    def __init__(self) -> None:
        self.teams: set[int] = set()
        self.people: set[int] = set()
        self.goals: set[int] = set()
        self.care_plans: set[int] = set()
        self.carers: set[int] = set()
        self.staff: set[int] = set()
        self.pathways: set[int] = set()

    def conditions(self) -> list[ColumnElement[bool]]:
        """Which service users these reach, as conditions on ``service_user``."""
        through = (
            (self.goals, Goal.service_user_id, Goal.id),
            (self.care_plans, CarePlan.service_user_id, CarePlan.id),
            (self.carers, CarerLink.service_user_id, CarerLink.carer_id),
        )
        conditions: list[ColumnElement[bool]] = [ServiceUser.id.in_(self.people)] if self.people else []
        conditions += [ServiceUser.id.in_(select(person).where(key.in_(ids))) for ids, person, key in through if ids]
        if self.staff:
            conditions.append(ServiceUser.key_worker_id.in_(self.staff))
        if self.pathways:
            conditions.append(ServiceUser.care_pathway_id.in_(self.pathways))
        return conditions


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


def _is_dead_letter(obj: OutboxMessage, new_or_deleted: bool) -> bool:
    if new_or_deleted:
        return obj.status is OutboxStatus.DEAD
    history = inspect(obj).attrs.status.history
    return OutboxStatus.DEAD in (*history.added, *history.deleted)


def touched(session: Session) -> _Touched:
    """Everything a flush changed that a caseload row is made of."""
    found = _Touched()
    for obj, new_or_deleted in [*((o, False) for o in session.dirty), *((o, True) for o in session.new),
                                *((o, True) for o in session.deleted)]:
        if isinstance(obj, _BY_PERSON):
            found.people.add(obj.service_user_id)
        elif isinstance(obj, MeasureResponse):
            if new_or_deleted or _changed(obj, _RESPONSE_FIELDS):
                found.people.add(obj.service_user_id)
        elif isinstance(obj, ServiceUser):
            history = inspect(obj).attrs.team_id.history
            found.teams.update(team_id for team_id in (*history.added, *history.unchanged, *history.deleted)
                               if team_id is not None)
        elif isinstance(obj, GoalRating):
            found.goals.add(obj.goal_id)
        elif isinstance(obj, (CarePlanVersion, CarePlanEntry)):
            found.care_plans.add(obj.care_plan_id)
        elif isinstance(obj, Carer):
            found.carers.add(obj.id)
        elif isinstance(obj, StaffMember):
            found.staff.add(obj.id)
        elif isinstance(obj, CarePathway):
            found.pathways.add(obj.id)
        elif isinstance(obj, Team) and obj not in session.deleted:
            found.teams.add(obj.id)
        elif isinstance(obj, OutboxMessage) and _is_dead_letter(obj, new_or_deleted):
            person_id = service_user_id_of(obj.ordering_key)
            if person_id is not None:
                found.people.add(person_id)
    return found


def _teams_of(connection: Connection, found: _Touched) -> set[int]:
    conditions = found.conditions()
    teams = set(found.teams)
    if conditions:
        teams.update(connection.scalars(select(ServiceUser.team_id).distinct().where(or_(*conditions))))
    return teams


def renew(connection: Connection, team_ids: Iterable[int]) -> None:
    """Give each team a new token (in team order, so two writers never wait on each other in turn)."""
    rows = [{"team_id": team_id, "token": secrets.token_hex(16)} for team_id in sorted(set(team_ids))]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(CaseloadGeneration).values(rows)
    connection.execute(statement.on_conflict_do_update(index_elements=["team_id"],
                                                       set_={"token": statement.excluded.token}))


def _after_flush(session: Session, _context: Any) -> None:
    found = touched(session)
    connection = session.connection()
    teams = _teams_of(connection, found)
    if teams:
        renew(connection, teams)


def keep_in_step() -> None:
    """Listen to every session's flushes (once, however many apps are made)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def people_changed(service_user_ids: Iterable[int]) -> None:
    """For writers that bypass the ORM: these people's caseload rows have changed."""
    found = _Touched()
    found.people.update(service_user_ids)
    connection = db.session.connection()
    renew(connection, _teams_of(connection, found))


def everything_changed() -> None:
    """After a bulk load: every team's caseload has changed (the caller commits)."""
    renew(db.session.connection(), db.session.scalars(select(Team.id)))


def tokens(people: ColumnElement[bool]) -> tuple[tuple[int, str], ...]:
    """The tokens of the teams of the people ``people`` selects, in team order."""
    return tuple((team_id, token) for team_id, token in db.session.execute(
        select(CaseloadGeneration.team_id, CaseloadGeneration.token)
        .where(CaseloadGeneration.team_id.in_(select(ServiceUser.team_id).where(people)))
        .order_by(CaseloadGeneration.team_id)
    ))
