"""The team report: how well a team keeps key workers, measures, goals, care plans and carers'
details current, for a period. Figures are plain functions over plain data (tested without a
database); ``team_report`` loads that data in a fixed number of queries, whatever the team's
size, and ``to_csv`` writes the same figures for download.

Definitions (all "as at" the end of the period unless said):
- the people counted: those in the team who had not been discharged by the end of the period;
- with a key worker: people in the team now with a key worker recorded (history before the
  key worker history existed is not known, so this is today's picture);
- DIALOG / ReQoL-10 completed in the last 6 and 12 months before the end of the period;
- GBO reviews on time: reviews that fell due in the period (the pathway's cadence from when the
  goal was agreed or last rated) and were done by their due date; a goal closed before its
  review was due is not counted;
- care plans reviewed within 12 months: a version agreed in the 12 months before the end;
- carers identified: at least one carer recorded; details confirmed: every carer of the person
  confirmed their details in the 12 months before the end (of those with carers);
- ReQoL-10 change: for each person whose latest total falls in the period and who has an
  earlier one, latest minus first, classed with the reliable change threshold.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.instruments import gbo, reqol10
from portal.models import (
    CarePathway,
    CarePlan,
    CarePlanVersion,
    Carer,
    CarerLink,
    Goal,
    GoalRating,
    GoalStatus,
    MeasureResponse,
    ResponseStatus,
    ServiceUser,
    Team,
    User,
)
from portal.services import carers, caseload_cache, people, settings
from portal.services.caseload import months_after, months_before

FIGURE_KEYS = (
    "key_worker",
    "dialog_6_months",
    "dialog_12_months",
    "reqol_6_months",
    "reqol_12_months",
    "gbo_reviews_on_time",
    "care_plan_reviewed",
    "carers_identified",
    "carer_details_confirmed",
)
CHANGE_KEYS = ("improvement", "no reliable change", "deterioration")
DEFAULT_PERIOD_MONTHS = 12


@dataclass(frozen=True)
class Figure:
    key: str
    count: int
    total: int

    @property
    def percent(self) -> int | None:
        return percent(self.count, self.total)


@dataclass(frozen=True)
class TeamReport:
    team_name: str
    start: date
    end: date
    figures: list[Figure]
    reqol_changes: list[Figure]  # one per CHANGE_KEYS, out of everyone with a change
    # The figures as HTML, per language, while the report is kept (most of a kept report's time).
    html: caseload_cache.KeptHtml = field(default_factory=caseload_cache.KeptHtml, compare=False, repr=False)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures + self.reqol_changes if f.key == key)


# The figures, as plain functions -----------------------------------------------------------------

def percent(count: int, total: int) -> int | None:
    """A whole percentage, halves rounded up; None when there is nobody to count."""
    if total <= 0:
        return None
    return (200 * count + total) // (2 * total)


def completed_within(last_done: date | None, end: date, months: int) -> bool:
    """Done in the ``months`` months up to and including ``end``."""
    return last_done is not None and months_before(end, months) < last_done <= end


@dataclass(frozen=True)
class GoalHistory:
    review_months: int
    agreed_on: date | None
    closed_on: date | None
    rated_on: tuple[date, ...]


def gbo_reviews(goals: Iterable[GoalHistory], start: date, end: date) -> tuple[int, int]:
    """(reviews done on time, reviews due) for reviews that fell due from ``start`` to ``end``.

    A goal is reviewed ``review_months`` after it was agreed and after each rating since; a
    review is on time when the next rating is on or before its due date. While no rating comes,
    a review falls due (and is missed) every ``review_months``."""
    on_time = due = 0
    for goal in goals:
        if goal.agreed_on is None:
            continue
        anchors = sorted({goal.agreed_on, *(d for d in goal.rated_on if d >= goal.agreed_on)})
        for index, anchor in enumerate(anchors):
            following = anchors[index + 1] if index + 1 < len(anchors) else None
            cycle = 1
            while True:
                due_on = months_after(anchor, goal.review_months * cycle)
                if due_on > end or (goal.closed_on is not None and goal.closed_on <= due_on):
                    break  # not yet due, or the goal ended first
                if following is not None and following <= due_on:
                    if cycle == 1 and due_on >= start:
                        due, on_time = due + 1, on_time + 1
                    break  # reviewed: the next cycle runs from that rating
                if due_on >= start:
                    due += 1  # missed (or done late)
                cycle += 1
    return on_time, due


def carers_confirmed(confirmed_on: Iterable[date | None], end: date) -> bool:
    """Every carer confirmed their details in the 12 months up to ``end`` (``carers.STALE_AFTER_MONTHS``)."""
    return all(completed_within(day, end, carers.STALE_AFTER_MONTHS) for day in confirmed_on)


def reqol_changes(totals: Mapping[int, list[tuple[date, int]]], start: date, end: date,
                  threshold: float) -> dict[str, int]:
    """How many people's ReQoL-10 (first to latest in the period) is each kind of change."""
    counts = dict.fromkeys(CHANGE_KEYS, 0)
    for series in totals.values():
        done = sorted(point for point in series if point[0] <= end)
        if len(done) < 2 or not start <= done[-1][0] <= end:
            continue
        counts[reqol10.reliable_change(done[0][1], done[-1][1], threshold)] += 1
    return counts


# Loading ------------------------------------------------------------------------------------------

def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The period asked for, or the 12 months to today; never past today, start before end."""
    end = min(end or today, today)
    start = start or months_before(end, DEFAULT_PERIOD_MONTHS) + timedelta(days=1)
    return (start, end) if start <= end else (end, end)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def team_report(user: User, start: date, end: date) -> TeamReport:
    """The report for the signed-in member of staff's team, kept between requests while nothing in
    the team changes (services/caseload_cache.py)."""
    team_id = people.staff_member_of(user).team_id
    key = ("team_report", team_id, start, end, settings.reqol_reliable_change())
    kept: tuple[TeamReport] = caseload_cache.remembered(ServiceUser.team_id == team_id, key,
                                                       lambda: (_team_report(team_id, start, end),))
    return kept[0]


def _team_report(team_id: int, start: date, end: date) -> TeamReport:
    """Seven queries."""
    counted = (ServiceUser.team_id == team_id,
               or_(ServiceUser.discharged_on.is_(None), ServiceUser.discharged_on > end))
    in_team = select(ServiceUser.id).where(*counted)
    until = _end_of(end)
    session = db.session

    team_name = session.scalar(select(Team.name).where(Team.id == team_id)) or ""
    total, with_key_worker = session.execute(
        select(func.count(), func.count(ServiceUser.key_worker_id)).where(*counted)
    ).one()

    last_done: dict[str, dict[int, date]] = defaultdict(dict)
    for su, instrument_id, submitted_at in session.execute(
        select(MeasureResponse.service_user_id, MeasureResponse.instrument_id, func.max(MeasureResponse.submitted_at))
        .where(MeasureResponse.service_user_id.in_(in_team), MeasureResponse.status == ResponseStatus.SUBMITTED,
               MeasureResponse.submitted_at <= until)
        .group_by(MeasureResponse.service_user_id, MeasureResponse.instrument_id)
    ):
        if submitted_at is not None:
            last_done[instrument_id][su] = submitted_at.date()

    goal_rows: dict[int, tuple[datetime | None, datetime | None, int | None]] = {}
    ratings: dict[int, list[date]] = defaultdict(list)
    for goal_id, agreed_at, closed_at, months, rated_at in session.execute(
        select(Goal.id, Goal.agreed_at, Goal.closed_at, CarePathway.goal_review_months, GoalRating.rated_at)
        .join(ServiceUser, ServiceUser.id == Goal.service_user_id)
        .outerjoin(CarePathway, CarePathway.id == ServiceUser.care_pathway_id)
        .outerjoin(GoalRating, GoalRating.goal_id == Goal.id)
        .where(*counted, Goal.status != GoalStatus.DRAFT)
    ):
        goal_rows[goal_id] = (agreed_at, closed_at, months)
        if rated_at is not None:
            ratings[goal_id].append(rated_at.date())
    goals = [
        GoalHistory(
            review_months=months or gbo.REVIEW_MONTHS_DEFAULT,
            agreed_on=agreed_at.date() if agreed_at else None,
            closed_on=closed_at.date() if closed_at else None,
            rated_on=tuple(ratings[goal_id]),
        )
        for goal_id, (agreed_at, closed_at, months) in goal_rows.items()
    ]

    plan_reviewed = len(set(session.scalars(
        select(CarePlan.service_user_id)
        .join(CarePlanVersion, CarePlanVersion.care_plan_id == CarePlan.id)
        .where(CarePlan.service_user_id.in_(in_team), CarePlanVersion.agreed_at <= until,
               CarePlanVersion.agreed_at > _end_of(months_before(end, 12)))
    )))

    carers_confirmed_on: dict[int, list[date | None]] = defaultdict(list)
    for su, confirmed_on in session.execute(
        select(CarerLink.service_user_id, Carer.details_confirmed_on)
        .join(Carer, Carer.id == CarerLink.carer_id).where(CarerLink.service_user_id.in_(in_team))
    ):
        carers_confirmed_on[su].append(confirmed_on)

    totals: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for su, submitted_at, scores in session.execute(
        select(MeasureResponse.service_user_id, MeasureResponse.submitted_at, MeasureResponse.scores)
        .where(MeasureResponse.service_user_id.in_(in_team), MeasureResponse.instrument_id == "reqol10",
               MeasureResponse.status == ResponseStatus.SUBMITTED, MeasureResponse.superseded.is_(False),
               MeasureResponse.submitted_at <= until)
    ):
        if scores and isinstance(scores.get("total"), int):
            totals[su].append((submitted_at.date(), scores["total"]))

    on_time, reviews_due = gbo_reviews(goals, start, end)
    changes = reqol_changes(totals, start, end, settings.reqol_reliable_change())
    changed = sum(changes.values())

    def done(instrument_id: str, months: int) -> int:
        return sum(completed_within(day, end, months) for day in last_done[instrument_id].values())

    figures = [
        Figure("key_worker", with_key_worker, total),
        Figure("dialog_6_months", done("dialog", 6), total),
        Figure("dialog_12_months", done("dialog", 12), total),
        Figure("reqol_6_months", done("reqol10", 6), total),
        Figure("reqol_12_months", done("reqol10", 12), total),
        Figure("gbo_reviews_on_time", on_time, reviews_due),
        Figure("care_plan_reviewed", plan_reviewed, total),
        Figure("carers_identified", len(carers_confirmed_on), total),
        Figure("carer_details_confirmed", sum(carers_confirmed(c, end) for c in carers_confirmed_on.values()),
               len(carers_confirmed_on)),
    ]
    return TeamReport(team_name, start, end, figures,
                      [Figure(key, changes[key], changed) for key in CHANGE_KEYS])


# CSV ----------------------------------------------------------------------------------------------

def _cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: TeamReport, labels: Mapping[str, str]) -> str:
    """The report as CSV: the team and period, then one row per figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(labels["team"]), _cell(report.team_name)])
    writer.writerow([_cell(labels["from"]), report.start.isoformat()])
    writer.writerow([_cell(labels["to"]), report.end.isoformat()])
    writer.writerow([])
    writer.writerow([_cell(labels[k]) for k in ("measure", "count", "out_of", "percent")])
    for figure in report.figures + report.reqol_changes:
        writer.writerow([_cell(labels[figure.key]), figure.count, figure.total,
                         "" if figure.percent is None else figure.percent])
    return out.getvalue()
