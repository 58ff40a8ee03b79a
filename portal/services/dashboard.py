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
from sqlalchemy import Select, func, or_, select, true, union

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
from portal.services.caseload import care_plan_review_due_on, months_after, months_before
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


def _no_activity(in_team: Select[Any], names: Mapping[int, str], last_plan: Mapping[int, date],
                 recent_from: datetime, until: datetime) -> list[Person]:
    """The people with no questionnaire, goal rating, session or care plan agreed from
    ``recent_from`` to ``until``, each with their last such date, oldest first. The database
    finds who was active; only the others' last dates are read, so an active team of 10,000
    costs a few rows, not 10,000 of each kind."""
    kinds = (  # questionnaires, goal ratings and sessions: (whose, when, which count)
        (MeasureResponse.service_user_id, MeasureResponse.submitted_at,
         MeasureResponse.status == ResponseStatus.SUBMITTED),
        (Goal.service_user_id, GoalRating.rated_at, GoalRating.goal_id == Goal.id),
        (CareSession.service_user_id, CareSession.started_at, true()),
    )
    connection = db.session.connection()
    active = set(connection.scalars(union(*(
        select(person).where(person.in_(in_team), condition, at >= recent_from, at <= until)
        for person, at, condition in kinds))).all())  # all at once: a fetch a row costs more than the query
    active |= {su for su, agreed_on in last_plan.items() if agreed_on >= recent_from.date()}
    quiet = names.keys() - active
    last: dict[int, date] = {su: agreed_on for su, agreed_on in last_plan.items() if su in quiet}
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
               ServiceUser.key_worker_id, StaffMember.name, ServiceUser.date_of_birth, ServiceUser.gender,
               ServiceUser.ethnic_category, CarePathway.name.label("pathway"))
        .outerjoin(StaffMember, StaffMember.id == ServiceUser.key_worker_id)
        .outerjoin(CarePathway, CarePathway.id == ServiceUser.care_pathway_id).where(*counted)
    ).all()
    names = {row.id: f"{row.preferred_name or row.given_name} {row.family_name}" for row in rows}
    band, gender, ethnic = outcome_rules.age_band, outcome_rules.gender_group, outcome_rules.ethnic_group
    groupings: dict[str, dict[int, str]] = dict(zip(GROUPINGS, (  # person id → group, for each grouping
        {row.id: row.name or "" for row in rows},
        {row.id: row.pathway or "" for row in rows},
        {row.id: band(row.date_of_birth, end) for row in rows},
        {row.id: gender(row.gender) for row in rows},
        {row.id: ethnic(row.ethnic_category) for row in rows},
    ), strict=True))

    plans: dict[int, tuple[date | None, date]] = {}
    for su, next_review_on, agreed_at in connection.execute(
        select(CarePlan.service_user_id, CarePlan.next_review_on, func.max(CarePlanVersion.agreed_at))
        .join(CarePlanVersion, CarePlanVersion.care_plan_id == CarePlan.id)
        .where(CarePlan.service_user_id.in_(in_team)).group_by(CarePlan.service_user_id, CarePlan.next_review_on)
    ).all():
        plans[su] = (next_review_on, agreed_at.date())
    safety = {su: reviewed_on or created_at.date() for su, reviewed_on, created_at in connection.execute(
        select(SafetyPlan.service_user_id, SafetyPlan.reviewed_on, SafetyPlan.created_at)
        .where(SafetyPlan.service_user_id.in_(in_team))).all()}

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
    last_plan = {su: agreed_on for su, (_, agreed_on) in plans.items() if agreed_on <= end}
    no_activity = _no_activity(in_team, names, last_plan, _start_of(quiet_since + timedelta(days=1)), until)

    overall, by = outcomes.outcomes_for(in_team, list(names), start, end, groupings)
    by["key_worker"].pop("", None)  # people without a key worker are counted in the team's figures only

    return Dashboard(
        team_ids=team_ids,
        team_name=", ".join(team.name for team in teams),
        start=start, end=end, people=len(names),
        no_key_worker=sorted((Person(row.id, names[row.id]) for row in rows if row.key_worker_id is None),
                             key=lambda person: person.name),
        care_plan_overdue=sum(care_plan_review_due_on(*plan) < today for plan in plans.values()),
        no_care_plan=len(names.keys() - plans.keys()),
        safety_plan_overdue=sum(months_after(last, SAFETY_PLAN_REVIEW_MONTHS) <= today for last in safety.values()),
        no_safety_plan=len(names.keys() - safety.keys()),
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
