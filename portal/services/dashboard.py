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
from datetime import UTC, date, datetime, time

from flask import current_app
from sqlalchemy import case, func, or_, select

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


def latest_activity(*sources: Mapping[int, date | None]) -> dict[int, date]:
    """Each person's latest date across the sources."""
    latest: dict[int, date] = {}
    for source in sources:
        for person_id, day in source.items():
            if day is not None and (person_id not in latest or day > latest[person_id]):
                latest[person_id] = day
    return latest


def _in_order(groups: dict[str, outcome_rules.Outcomes], order: tuple[str, ...]) -> dict[str, outcome_rules.Outcomes]:
    return {group: groups[group] for group in order if group in groups}


def team_dashboard(user: User, start: date, end: date, today: date, teams: Sequence[Team] | None = None) -> Dashboard:
    """The dashboard for the signed-in team lead's own team, or for the ``teams`` they lead
    (services/team_leadership.chosen_teams): figures for those teams' people taken together."""
    teams = list(teams) if teams is not None else team_leadership.chosen_teams(user, None)
    team_ids = tuple(team.id for team in teams)
    session = db.session
    counted = (ServiceUser.team_id.in_(team_ids),
               or_(ServiceUser.discharged_on.is_(None), ServiceUser.discharged_on > end))
    in_team = select(ServiceUser.id).where(*counted)
    since, until = _start_of(start), _end_of(end)

    rows = session.execute(
        select(ServiceUser.id, ServiceUser.given_name, ServiceUser.preferred_name, ServiceUser.family_name,
               ServiceUser.key_worker_id, StaffMember.name, ServiceUser.date_of_birth, ServiceUser.gender,
               ServiceUser.ethnic_category, CarePathway.name.label("pathway"))
        .outerjoin(StaffMember, StaffMember.id == ServiceUser.key_worker_id)
        .outerjoin(CarePathway, CarePathway.id == ServiceUser.care_pathway_id).where(*counted)
    ).all()
    names = {row.id: f"{row.preferred_name or row.given_name} {row.family_name}" for row in rows}
    key_worker_of = {row.id: row.name for row in rows if row.name}

    plans: dict[int, tuple[date | None, date]] = {}
    for su, next_review_on, agreed_at in session.execute(
        select(CarePlan.service_user_id, CarePlan.next_review_on, func.max(CarePlanVersion.agreed_at))
        .join(CarePlanVersion, CarePlanVersion.care_plan_id == CarePlan.id)
        .where(CarePlan.service_user_id.in_(in_team)).group_by(CarePlan.service_user_id, CarePlan.next_review_on)
    ):
        plans[su] = (next_review_on, agreed_at.date())
    safety = {su: reviewed_on or created_at.date() for su, reviewed_on, created_at in session.execute(
        select(SafetyPlan.service_user_id, SafetyPlan.reviewed_on, SafetyPlan.created_at)
        .where(SafetyPlan.service_user_id.in_(in_team)))}

    completed = dict.fromkeys(MEASURES, 0)
    last_measure: dict[int, date | None] = {}
    for su, instrument_id, count, last_at in session.execute(
        select(MeasureResponse.service_user_id, MeasureResponse.instrument_id,
               func.sum(case((MeasureResponse.submitted_at >= since, 1), else_=0)),
               func.max(MeasureResponse.submitted_at))
        .where(MeasureResponse.service_user_id.in_(in_team), MeasureResponse.status == ResponseStatus.SUBMITTED,
               MeasureResponse.submitted_at <= until)
        .group_by(MeasureResponse.service_user_id, MeasureResponse.instrument_id)
    ):
        if instrument_id in completed:
            completed[instrument_id] += int(count or 0)
        if last_at is not None:
            last_measure[su] = max(last_at.date(), last_measure.get(su) or date.min)
    deferred, declined = dict.fromkeys(MEASURES, 0), dict.fromkeys(MEASURES, 0)
    for instrument_id, chose_not_to, count in session.execute(
        select(MeasureDeferral.instrument_id, MeasureDeferral.declined, func.count())
        .where(MeasureDeferral.service_user_id.in_(in_team), MeasureDeferral.recorded_at >= since,
               MeasureDeferral.recorded_at <= until)
        .group_by(MeasureDeferral.instrument_id, MeasureDeferral.declined)
    ):
        if instrument_id in deferred:
            (declined if chose_not_to else deferred)[instrument_id] = count

    def latest(query):  # type: ignore[no-untyped-def]
        return {su: (at.date() if at else None) for su, at in session.execute(query)}

    last_rating = latest(select(Goal.service_user_id, func.max(GoalRating.rated_at))
                         .join(GoalRating, GoalRating.goal_id == Goal.id)
                         .where(Goal.service_user_id.in_(in_team), GoalRating.rated_at <= until)
                         .group_by(Goal.service_user_id))
    last_session = latest(select(CareSession.service_user_id, func.max(CareSession.started_at))
                          .where(CareSession.service_user_id.in_(in_team), CareSession.started_at <= until)
                          .group_by(CareSession.service_user_id))
    last_plan = {su: agreed_on for su, (_, agreed_on) in plans.items() if agreed_on <= end}
    activity = latest_activity(last_measure, last_rating, last_session, last_plan)
    months = no_activity_months()
    quiet_since = months_before(end, months)
    no_activity = sorted(
        (Person(su, name, activity.get(su)) for su, name in names.items()
         if activity.get(su) is None or activity[su] <= quiet_since),
        key=lambda person: (person.last_activity_on or date.min, person.name))

    overall, by = outcomes.outcomes_for(in_team, list(names), start, end, {
        "key_worker": {su: key_worker_of.get(su, "") for su in names},
        "pathway": {row.id: row.pathway or "" for row in rows},
        "age_band": {row.id: outcome_rules.age_band(row.date_of_birth, end) for row in rows},
        "gender": {row.id: outcome_rules.gender_group(row.gender) for row in rows},
        "ethnic_group": {row.id: outcome_rules.ethnic_group(row.ethnic_category) for row in rows},
    })
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
