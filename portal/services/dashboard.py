"""The CMHF dashboard for a team lead (issue 16): safety first (nobody without a key worker), then
reviews overdue, measures, outcomes that count, feedback and who has had no contact for a while.

Definitions (docs/adr/0004-outcomes-and-feedback.md):
- people: in the team and not discharged by the end of the period;
- no key worker, care plan and safety plan review overdue, no safety plan: today's picture, since
  the portal does not keep their history; the same rules as the caseload (services/caseload.py,
  services/safety_plans.py: a safety plan is reviewed at least once a year);
- measures completed: questionnaires submitted in the period, by measure; deferred: "not the right
  time" recorded in the period; declined: "they chose not to answer" recorded in the period;
- paired measures and change: portal/outcome_rules.py;
- feedback: the Friends and Family Test given to the team in the period (services/feedback.py);
- no activity: people with no questionnaire, goal rating, session or care plan agreed in the
  ``DASHBOARD_NO_ACTIVITY_MONTHS`` months up to the end of the period.

A fixed number of queries, whatever the team's size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select, true, union

from portal import outcome_rules
from portal.extensions import db
from portal.models import (
    CarePathway,
    CarePlan,
    CarePlanVersion,
    CareSession,
    Goal,
    GoalRating,
    MeasureDeferral,
    MeasureResponse,
    ResponseStatus,
    SafetyPlan,
    ServiceUser,
    StaffMember,
    Team,
    User,
)
from portal.services import feedback, outcomes, team_leadership
from portal.services.care_plans import REVIEW_MONTHS_MAX as CARE_PLAN_REVIEW_MONTHS
from portal.services.caseload import last_day_due_by, months_before
from portal.services.safety_plans import REVIEW_MONTHS as SAFETY_PLAN_REVIEW_MONTHS

MEASURES = ("dialog", "reqol10")
GROUPINGS = ("key_worker", "pathway", "age_band", "gender", "ethnic_group")  # the outcome breakdowns
QUIET_LISTED = 1000  # up to this many people with no recent activity are looked up by id


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    last_activity_on: date | None = None


@dataclass(frozen=True)
class Dashboard:
    team_ids: tuple[int, ...]  # one team, or every team a service manager leads
    team_name: str  # the team's name, or the teams' names joined
    start: date
    end: date
    people: int
    no_key_worker: list[Person]
    care_plan_overdue: int
    no_care_plan: int
    safety_plan_overdue: int
    no_safety_plan: int
    completed: dict[str, int]  # measure → questionnaires submitted in the period
    deferred: dict[str, int]  # measure → "not the right time" recorded in the period
    declined: dict[str, int]  # measure → "they chose not to answer" recorded in the period
    outcomes: outcome_rules.Outcomes
    outcomes_by_key_worker: dict[str, outcome_rules.Outcomes]
    outcomes_by_pathway: dict[str, outcome_rules.Outcomes]  # "" = no pathway recorded
    outcomes_by_age_band: dict[str, outcome_rules.Outcomes]  # outcome_rules.AGE_BANDS codes, or "unknown"
    outcomes_by_gender: dict[str, outcome_rules.Outcomes]  # outcome_rules.GENDERS
    outcomes_by_ethnic_group: dict[str, outcome_rules.Outcomes]  # outcome_rules.ETHNIC_GROUPS
    feedback: feedback.TeamFeedback
    no_activity: list[Person]
    no_activity_months: int


def no_activity_months() -> int:
    return int(current_app.config.get("DASHBOARD_NO_ACTIVITY_MONTHS", 6))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _how_many(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet ``condition`` (0 when there are none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _no_activity(in_team: Select[Any], names: Mapping[int, str], recent_from: datetime,
                 until: datetime) -> list[Person]:
    """The people with no questionnaire, goal rating, session or care plan agreed from
    ``recent_from`` to ``until``, each with their last such date, oldest first. The database
    finds who was active; only the others' last dates are read, so an active team of 10,000
    costs a few rows, not 10,000 of each kind."""
    kinds = (  # questionnaires, goal ratings, sessions and care plans: (whose, when, which count)
        (MeasureResponse.service_user_id, MeasureResponse.submitted_at,
         MeasureResponse.status == ResponseStatus.SUBMITTED),
        (Goal.service_user_id, GoalRating.rated_at, GoalRating.goal_id == Goal.id),
        (CareSession.service_user_id, CareSession.started_at, true()),
        (CarePlan.service_user_id, CarePlanVersion.agreed_at, CarePlanVersion.care_plan_id == CarePlan.id),
    )
    connection = db.session.connection()
    active = set(connection.scalars(union(*(
        select(person).where(person.in_(in_team), condition, at >= recent_from, at <= until)
        for person, at, condition in kinds))).all())  # all at once: a fetch a row costs more than the query
    quiet = names.keys() - active
    last: dict[int, date] = {}
    whose = sorted(quiet) if len(quiet) <= QUIET_LISTED else in_team  # a short list: found by its index
    for person, at, condition in kinds if quiet else ():
        for su, latest in connection.execute(
            select(person, func.max(at)).where(person.in_(whose), condition, at <= until)
            .group_by(person).having(func.max(at) < recent_from)
        ):
            if su in quiet and latest is not None and (su not in last or latest.date() > last[su]):
                last[su] = latest.date()
    return sorted((Person(su, names[su], last.get(su)) for su in quiet),
                  key=lambda person: (person.last_activity_on or date.min, person.name))


def _groups(counted: tuple[ColumnElement[bool], ...], end: date) -> Subquery:
    """Each counted person's id and group in each grouping (GROUPINGS), worked out by the database."""
    return (
        select(ServiceUser.id, func.coalesce(StaffMember.name, "").label("key_worker"),
               func.coalesce(CarePathway.name, "").label("pathway"),
               outcomes.age_band_of(ServiceUser.date_of_birth, end).label("age_band"),
               outcomes.gender_group_of(ServiceUser.gender).label("gender"),
               outcomes.ethnic_group_of(ServiceUser.ethnic_category).label("ethnic_group"))
        .outerjoin(StaffMember, StaffMember.id == ServiceUser.key_worker_id)
        .outerjoin(CarePathway, CarePathway.id == ServiceUser.care_pathway_id).where(*counted)
    ).subquery()


@dataclass(frozen=True)
class Reviews:
    with_care_plan: int
    care_plan_overdue: int
    with_safety_plan: int
    safety_plan_overdue: int


def _reviews(in_team: Select[Any], today: date) -> Reviews:
    """Care plans (their latest agreed version) and safety plans (their last review), and how many
    are overdue today by the caseload's rules, counted by the database: each against the last day
    from which its yearly review is due (``caseload.last_day_due_by``)."""
    connection = db.session.connection()
    latest_versions = (
        select(CarePlan.next_review_on, func.max(CarePlanVersion.agreed_at).label("agreed_at"))
        .join(CarePlanVersion, CarePlanVersion.care_plan_id == CarePlan.id)
        .where(CarePlan.service_user_id.in_(in_team)).group_by(CarePlan.id, CarePlan.next_review_on).subquery())
    agreed_on_or_before = last_day_due_by(today - timedelta(days=1), CARE_PLAN_REVIEW_MONTHS)  # due before today
    care_plans, care_plans_overdue = connection.execute(select(func.count(), _how_many(or_(
        latest_versions.c.next_review_on < today,
        latest_versions.c.agreed_at < _start_of(agreed_on_or_before + timedelta(days=1)))))).one()
    reviewed_on_or_before = last_day_due_by(today, SAFETY_PLAN_REVIEW_MONTHS)  # due today or before
    safety_plans, safety_plans_overdue = connection.execute(select(func.count(), _how_many(or_(
        SafetyPlan.reviewed_on <= reviewed_on_or_before,
        and_(SafetyPlan.reviewed_on.is_(None),
             SafetyPlan.created_at < _start_of(reviewed_on_or_before + timedelta(days=1))),
    ))).where(SafetyPlan.service_user_id.in_(in_team))).one()
    return Reviews(care_plans, care_plans_overdue, safety_plans, safety_plans_overdue)


def _in_order(groups: dict[str, outcome_rules.Outcomes], order: tuple[str, ...]) -> dict[str, outcome_rules.Outcomes]:
    return {group: groups[group] for group in order if group in groups}


def team_dashboard(user: User, start: date, end: date, today: date, teams: Sequence[Team] | None = None) -> Dashboard:
    """The dashboard for the signed-in team lead's own team, or for the ``teams`` they lead
    (services/team_leadership.chosen_teams): figures for those teams' people taken together."""
    teams = list(teams) if teams is not None else team_leadership.chosen_teams(user, None)
    team_ids = tuple(team.id for team in teams)
    connection = db.session.connection()  # Core rows: no ORM loading for 10,000 of each
    counted = (ServiceUser.team_id.in_(team_ids),
               or_(ServiceUser.discharged_on.is_(None), ServiceUser.discharged_on > end))
    in_team = select(ServiceUser.id).where(*counted)
    since, until = _start_of(start), _end_of(end)

    rows = connection.execute(
        select(ServiceUser.id, ServiceUser.given_name, ServiceUser.preferred_name, ServiceUser.family_name,
               ServiceUser.key_worker_id).where(*counted)
    ).all()
    names = {row.id: f"{row.preferred_name or row.given_name} {row.family_name}" for row in rows}
    reviews = _reviews(in_team, today)

    completed = dict.fromkeys(MEASURES, 0)
    for instrument_id, count in connection.execute(
        select(MeasureResponse.instrument_id, func.count())
        .where(MeasureResponse.service_user_id.in_(in_team), MeasureResponse.status == ResponseStatus.SUBMITTED,
               MeasureResponse.submitted_at >= since, MeasureResponse.submitted_at <= until)
        .group_by(MeasureResponse.instrument_id)
    ):
        if instrument_id in completed:
            completed[instrument_id] = count
    deferred, declined = dict.fromkeys(MEASURES, 0), dict.fromkeys(MEASURES, 0)
    for instrument_id, chose_not_to, count in connection.execute(
        select(MeasureDeferral.instrument_id, MeasureDeferral.declined, func.count())
        .where(MeasureDeferral.service_user_id.in_(in_team), MeasureDeferral.recorded_at >= since,
               MeasureDeferral.recorded_at <= until)
        .group_by(MeasureDeferral.instrument_id, MeasureDeferral.declined)
    ):
        if instrument_id in deferred:
            (declined if chose_not_to else deferred)[instrument_id] = count

    months = no_activity_months()
    quiet_since = months_before(end, months)
    no_activity = _no_activity(in_team, names, _start_of(quiet_since + timedelta(days=1)), until)

    overall, by = outcomes.outcomes_for(_groups(counted, end), GROUPINGS, start, end)
    by["key_worker"].pop("", None)  # people without a key worker are counted in the team's figures only

    return Dashboard(
        team_ids=team_ids,
        team_name=", ".join(team.name for team in teams),
        start=start, end=end, people=len(names),
        no_key_worker=sorted((Person(row.id, names[row.id]) for row in rows if row.key_worker_id is None),
                             key=lambda person: person.name),
        care_plan_overdue=reviews.care_plan_overdue, no_care_plan=len(names) - reviews.with_care_plan,
        safety_plan_overdue=reviews.safety_plan_overdue, no_safety_plan=len(names) - reviews.with_safety_plan,
        completed=completed, deferred=deferred, declined=declined,
        outcomes=overall, outcomes_by_key_worker=by["key_worker"], outcomes_by_pathway=by["pathway"],
        outcomes_by_age_band=_in_order(by["age_band"], (*outcome_rules.AGE_BANDS, "unknown")),
        outcomes_by_gender=_in_order(by["gender"], outcome_rules.GENDERS),
        outcomes_by_ethnic_group=_in_order(by["ethnic_group"], outcome_rules.ETHNIC_GROUPS),
        feedback=feedback.team_feedback(team_ids, start, end),
        no_activity=no_activity, no_activity_months=months,
    )


# CSV ----------------------------------------------------------------------------------------------

def _cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: list[tuple[str, object, object]], heading: list[str]) -> str:
    """The dashboard's figures, one per row: (what, count, out of). Names never go in the CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(cell) for cell in heading])
    for label, count, total in rows:
        writer.writerow([_cell(label), "" if count is None else count, "" if total is None else total])
    return out.getvalue()
