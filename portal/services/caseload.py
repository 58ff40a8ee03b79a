"""What needs attention across a whole caseload, in a fixed number of SQL queries.

``caseload(user, query, today)`` answers for everyone a member of staff may see (a key worker's
own caseload, a team lead's whole team) with the same handful of set-based queries whatever the
caseload size: one per kind of fact, never one per person. The rules that turn those facts into
attention items are plain functions below (``measure_items``, ``goal_items``, ...) so they are
tested without a database. What a measure's due state is comes from
``measures.due_state``: the service user's own home page uses the same rule.

Cadences (DOMAIN.md): GBO reviewed per the care pathway (``CarePathway.goal_review_months``),
the care plan at least yearly (``care_plans.latest_review_allowed``), carers' details confirmed
within 12 months (``carers.details_stale``, ``carers.STALE_AFTER_MONTHS``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, literal, or_, select

from portal.extensions import db
from portal.instruments import gbo
from portal.models import (
    CarePathway,
    CarePlan,
    CarePlanEntry,
    CarePlanVersion,
    Carer,
    CarerContribution,
    CarerLink,
    CompletionMode,
    Goal,
    GoalRating,
    GoalStatus,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    OutboxMessage,
    OutboxStatus,
    ResponseStatus,
    SafetyFlag,
    SafetyPlan,
    Section,
    ServiceUser,
    StaffMember,
    User,
)
from portal.models.outbox import service_user_id_of
from portal.risk_rules import flag_order
from portal.services import care_plans, carers, caseload_cache, measures, outbox, people, settings

PAGE_SIZE = 50


@dataclass(frozen=True)
class Windows:
    """How soon "due" shows and how old is too old: trust settings (``CASELOAD_WINDOWS``)."""

    measure_not_recent_months: int = 6  # a measure not done for this long needs attention
    goal_review_soon_days: int = 14  # a goal review this close shows as due
    care_plan_review_soon_days: int = 28
    adjustments_review_months: int = 12  # reasonable adjustments are reviewed at least this often


DEFAULT_WINDOWS = Windows()

# Severity: how urgent an item is. The list sorts by the worst item of each person. ESCALATED: an
# urgent flag still open at the end of the next working day goes to the top (services/risk.py).
INFO, DUE, OVERDUE, URGENT, ESCALATED = 0, 1, 2, 3, 4

CATEGORIES = ("measures", "goals", "care_plan", "safety", "carers", "sync", "key_worker")
SHOW_CHOICES = ("all", "attention", "overdue", "no_key_worker", *CATEGORIES[:-1], "discharged")
SORT_CHOICES = ("attention", "name", "due")


@dataclass(frozen=True)
class Attention:
    """One thing to do for one person. ``on`` is the date that goes with it: a due date, the
    date a deferral ends, or when a measure was last done."""

    code: str
    category: str
    severity: int
    on: date | None = None
    instrument_id: str = ""
    count: int = 0


@dataclass(frozen=True)
class CaseloadRow:
    id: int
    given_name: str
    family_name: str
    preferred_name: str
    nhs_number: str
    key_worker_id: int | None
    key_worker_name: str
    items: tuple[Attention, ...] = ()
    discharged_on: date | None = None

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}"

    @property
    def severity(self) -> int:
        return max((item.severity for item in self.items), default=INFO)

    @property
    def needs_attention(self) -> bool:
        return self.severity >= DUE

    @property
    def next_due_on(self) -> date | None:
        """The earliest date something is due (measures, goal review, care plan review)."""
        dates = [i.on for i in self.items if i.on is not None and i.code.endswith(("_due", "_overdue"))]
        return min(dates, default=None)


@dataclass(frozen=True)
class CaseloadQuery:
    """Search, filter, sort and page, as read from the query string (unknown values: defaults)."""

    search: str = ""
    show: str = "all"
    sort: str = "attention"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CaseloadQuery:
        show = args.get("show", "all")
        sort = args.get("sort", "attention")
        try:
            page = max(1, int(args.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            search=" ".join(str(args.get("q", "")).split())[:100],
            show=show if show in SHOW_CHOICES else "all",
            sort=sort if sort in SORT_CHOICES else "attention",
            page=page,
        )

    def args(self, **changes: object) -> dict[str, object]:
        """Query-string arguments for a link to this view with some changes (e.g. another page)."""
        values = {"q": self.search, "show": self.show, "sort": self.sort, "page": self.page, **changes}
        defaults = {"q": "", "show": "all", "sort": "attention", "page": 1}
        return {key: value for key, value in values.items() if value != defaults[key]}


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    matching: int  # people matching the search and filter
    in_scope: int  # everyone this member of staff may see
    without_key_worker: int  # in the whole team
    query: CaseloadQuery
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)  # people per "show" choice
    kept: WorkedOut | None = field(default=None, compare=False, repr=False)  # None: a search, not kept


# Months arithmetic ---------------------------------------------------------------------------

def months_before(day: date, months: int) -> date:
    """``day`` minus whole calendar months, clamped to the month's end (29 Feb -> 28 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return _clamped(year, month + 1, day.day)


def months_after(day: date, months: int) -> date:
    return gbo.next_review_date(day, months)


def last_day_due_by(day: date, months: int) -> date:
    """The last day from which a review ``months`` later (``months_after``, which clamps to a
    month's end) falls on or before ``day``: a plan last reviewed on or before it is due by then."""
    last = months_before(day, months)
    while months_after(last, months) > day:
        last -= timedelta(days=1)
    while months_after(last + timedelta(days=1), months) <= day:
        last += timedelta(days=1)
    return last


def _clamped(year: int, month: int, day: int) -> date:
    for candidate in (day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


# The rules, as plain functions ------------------------------------------------------------------

def measure_items(instrument_id: str, *, assignment_due_on: date | None, in_progress: bool,
                  deferred_until: date | None, last_done: date | None, today: date,
                  windows: Windows = DEFAULT_WINDOWS) -> list[Attention]:
    """A measure is due, overdue, started or deferred by the shared rule; with nothing asked
    for, it still needs attention when it has not been done recently (6 months by default)."""
    state = measures.due_state(assignment_due_on=assignment_due_on, in_progress=in_progress,
                               deferred=deferred_until is not None, today=today)
    if state == "deferred":
        return [Attention("measure_deferred", "measures", INFO, deferred_until, instrument_id)]
    if state == "in_progress":
        return [Attention("measure_in_progress", "measures", INFO, assignment_due_on, instrument_id)]
    if state == "overdue":
        return [Attention("measure_overdue", "measures", OVERDUE, assignment_due_on, instrument_id)]
    if state == "due":
        return [Attention("measure_due", "measures", DUE, assignment_due_on, instrument_id)]
    if deferred_until is not None:  # "not the right time", with nothing asked for yet
        return [Attention("measure_deferred", "measures", INFO, deferred_until, instrument_id)]
    if last_done is None or last_done < months_before(today, windows.measure_not_recent_months):
        return [Attention("measure_not_recent", "measures", DUE, last_done, instrument_id)]
    return []


@dataclass(frozen=True)
class GoalFacts:
    status: GoalStatus
    next_review_on: date | None
    agreed_on: date | None
    last_rated_on: date | None


def goal_review_due_on(goal: GoalFacts, review_months: int) -> date | None:
    """When an active goal is next to be reviewed: the date set on it, or else a pathway's
    cadence from its last rating (or from when it was agreed)."""
    if goal.status is not GoalStatus.ACTIVE:
        return None
    if goal.next_review_on is not None:
        return goal.next_review_on
    anchor = goal.last_rated_on or goal.agreed_on
    return months_after(anchor, review_months) if anchor else None


def goal_items(goals: Iterable[GoalFacts], review_months: int, today: date,
               windows: Windows = DEFAULT_WINDOWS) -> list[Attention]:
    """Goals to review, to agree, and drafts (a person was told their key worker will talk a goal
    they wrote through with them: the caseload says so)."""
    goals = list(goals)
    drafts = sum(1 for g in goals if g.status is GoalStatus.DRAFT)
    items = [Attention("goal_drafts", "goals", DUE, count=drafts)] if drafts else []
    if not any(g.status is GoalStatus.ACTIVE for g in goals):
        return [*items, Attention("no_goals", "goals", DUE)]
    due_dates = [d for g in goals if (d := goal_review_due_on(g, review_months)) is not None]
    if not due_dates:
        return items
    due_on = min(due_dates)
    if due_on < today:
        return [Attention("gbo_overdue", "goals", OVERDUE, due_on), *items]
    if due_on <= today + timedelta(days=windows.goal_review_soon_days):
        return [Attention("gbo_due", "goals", DUE, due_on), *items]
    return items


def care_plan_review_due_on(next_review_on: date | None, agreed_on: date) -> date:
    """At least once a year, whatever date was set."""
    latest = care_plans.latest_review_allowed(agreed_on)
    return min(next_review_on, latest) if next_review_on else latest


def care_plan_items(latest_version: tuple[date | None, date] | None, today: date,
                    windows: Windows = DEFAULT_WINDOWS) -> list[Attention]:
    """``latest_version``: the latest agreed version's (next_review_on, agreed_on), or None."""
    if latest_version is None:
        return [Attention("no_care_plan", "care_plan", DUE)]
    due_on = care_plan_review_due_on(*latest_version)
    if due_on < today:
        return [Attention("care_plan_overdue", "care_plan", OVERDUE, due_on)]
    if due_on <= today + timedelta(days=windows.care_plan_review_soon_days):
        return [Attention("care_plan_due", "care_plan", DUE, due_on)]
    return []


def adjustments_need_review(entries: Iterable[tuple[datetime, datetime | None]],
                            last_agreed_at: datetime | None, today: date,
                            windows: Windows = DEFAULT_WINDOWS) -> bool:
    """Reasonable adjustments (care plan section "adjustments", as (updated_at, reviewed_at)) need
    a review when one changed since they were last reviewed or agreed in a care plan, or when
    the last review is older than the window (12 months by default)."""
    entries = list(entries)
    if not entries:
        return False
    reviews = [r for _, r in entries if r is not None] + ([last_agreed_at] if last_agreed_at else [])
    last_review = max(reviews, default=None)
    if last_review is None or any(updated > last_review for updated, _ in entries):
        return True
    return last_review.date() < months_before(today, windows.adjustments_review_months)


def matches(row: CaseloadRow, show: str) -> bool:
    """Whether a row is shown by a "Show" choice. Discharged people are shown only by their own."""
    if (show == "discharged") != (row.discharged_on is not None):
        return False
    if show in ("all", "discharged"):
        return True
    if show == "attention":
        return row.needs_attention
    if show == "overdue":
        return row.severity >= OVERDUE
    if show == "no_key_worker":
        return row.key_worker_id is None
    return any(item.category == show and item.severity >= DUE for item in row.items)


def sort_rows(rows: list[CaseloadRow], sort: str) -> list[CaseloadRow]:
    def by_name(row: CaseloadRow) -> tuple[str, str, int]:
        return (row.family_name.casefold(), row.given_name.casefold(), row.id)

    if sort == "name":
        return sorted(rows, key=by_name)
    if sort == "due":
        return sorted(rows, key=lambda r: (r.next_due_on is None, r.next_due_on or date.max, by_name(r)))
    return sorted(rows, key=lambda r: (
        -r.severity,
        -sum(1 for i in r.items if i.severity >= DUE),
        r.next_due_on or date.max,
        by_name(r),
    ))


# The queries -------------------------------------------------------------------------------------

def _scope(user: User, search: str = "") -> list[ColumnElement[bool]]:
    """Who this member of staff may see, and the search."""
    conditions = [people.staff_scope(user)]
    if search:
        conditions.append(search_condition(search))
    return conditions


def search_condition(search: str) -> ColumnElement[bool]:
    """By NHS number (any 3 or more digits, spaces ignored) or by any part of a name."""
    digits = search.replace(" ", "")
    if digits.isdigit() and len(digits) >= 3:
        return ServiceUser.nhs_number.contains(digits, autoescape=True)
    words = search.casefold().split()
    full_name = func.lower(ServiceUser.given_name + literal(" ") + ServiceUser.family_name)
    preferred = func.lower(ServiceUser.preferred_name + literal(" ") + ServiceUser.family_name)
    conditions = [
        or_(full_name.contains(word, autoescape=True), preferred.contains(word, autoescape=True))
        for word in words
    ]
    return and_(*conditions)


def _ids(conditions: list[ColumnElement[bool]]) -> Select[Any]:
    return select(ServiceUser.id).where(*conditions)


def caseload_rows(user: User, today: date, search: str = "") -> list[CaseloadRow]:
    """Everyone in scope with what needs attention, unsorted. A fixed number of queries."""
    conditions = _scope(user, search)
    ids = _ids(conditions)
    db.session.flush()  # what this request changed, for the rows below
    connection = db.session.connection()  # Core rows: the ORM's handling of each row costs more than the query
    instruments = measures.available_instruments()
    windows = Windows(**settings.caseload_windows())

    people_rows = connection.execute(
        select(ServiceUser.id, ServiceUser.given_name, ServiceUser.family_name, ServiceUser.preferred_name,
               ServiceUser.nhs_number, ServiceUser.key_worker_id, StaffMember.name,
               CarePathway.goal_review_months, ServiceUser.discharged_on)
        .outerjoin(StaffMember, ServiceUser.key_worker_id == StaffMember.id)
        .outerjoin(CarePathway, ServiceUser.care_pathway_id == CarePathway.id)
        .where(*conditions)
    ).all()
    if not people_rows:
        return []

    assignments = {
        (su, inst): due for su, inst, due in connection.execute(
            select(MeasureAssignment.service_user_id, MeasureAssignment.instrument_id,
                   func.min(MeasureAssignment.due_on))
            .where(MeasureAssignment.service_user_id.in_(ids), MeasureAssignment.completed_at.is_(None))
            .group_by(MeasureAssignment.service_user_id, MeasureAssignment.instrument_id)
        )
    }
    started = {(su, inst) for su, inst in connection.execute(
        select(MeasureResponse.service_user_id, MeasureResponse.instrument_id).distinct()
        .where(MeasureResponse.service_user_id.in_(ids), MeasureResponse.status == ResponseStatus.IN_PROGRESS,
               MeasureResponse.mode == CompletionMode.SELF)
    )}
    last_done = {
        (su, inst): _day(at) for su, inst, at in connection.execute(
            select(MeasureResponse.service_user_id, MeasureResponse.instrument_id,
                   func.max(MeasureResponse.submitted_at))
            .where(MeasureResponse.service_user_id.in_(ids), MeasureResponse.status == ResponseStatus.SUBMITTED)
            .group_by(MeasureResponse.service_user_id, MeasureResponse.instrument_id)
        )
    }
    deferred: dict[tuple[int, str], date] = {}
    for su, inst, until in connection.execute(
        select(MeasureDeferral.service_user_id, MeasureDeferral.instrument_id, MeasureDeferral.until)
        .where(MeasureDeferral.service_user_id.in_(ids), MeasureDeferral.until > today)
        .order_by(MeasureDeferral.recorded_at, MeasureDeferral.id)
    ):
        deferred[(su, inst)] = until  # the latest recorded wins, as in measures.active_deferral

    goals: dict[int, list[GoalFacts]] = defaultdict(list)
    for su, status, next_review_on, agreed_at, last_rated_at in connection.execute(
        select(Goal.service_user_id, Goal.status, Goal.next_review_on, Goal.agreed_at, func.max(GoalRating.rated_at))
        .outerjoin(GoalRating, GoalRating.goal_id == Goal.id)
        .where(Goal.service_user_id.in_(ids), Goal.status.in_((GoalStatus.DRAFT, GoalStatus.ACTIVE)))
        .group_by(Goal.id, Goal.service_user_id, Goal.status, Goal.next_review_on, Goal.agreed_at)
    ):
        goals[su].append(GoalFacts(status, next_review_on, _day(agreed_at), _day(last_rated_at)))

    latest_plan: dict[int, tuple[int, date | None, datetime]] = {}
    for su, number, next_review_on, agreed_at in connection.execute(
        select(CarePlan.service_user_id, CarePlanVersion.number, CarePlanVersion.next_review_on,
               CarePlanVersion.agreed_at)
        .join(CarePlanVersion, CarePlanVersion.care_plan_id == CarePlan.id)
        .where(CarePlan.service_user_id.in_(ids))
    ):
        if su not in latest_plan or number > latest_plan[su][0]:
            latest_plan[su] = (number, next_review_on, agreed_at)

    adjustments: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for su, updated_at, reviewed_at in connection.execute(
        select(CarePlan.service_user_id, CarePlanEntry.updated_at, CarePlanEntry.reviewed_at)
        .join(CarePlanEntry, CarePlanEntry.care_plan_id == CarePlan.id)
        .where(CarePlan.service_user_id.in_(ids), CarePlanEntry.section == Section.ADJUSTMENTS,
               CarePlanEntry.removed_at.is_(None))
    ):
        adjustments[su].append((updated_at, reviewed_at))

    with_safety_plan = set(connection.scalars(
        select(SafetyPlan.service_user_id).where(SafetyPlan.service_user_id.in_(ids))
    ))
    open_flags: dict[int, dict[str, int]] = defaultdict(lambda: {"urgent": 0, "routine": 0, "overdue": 0})
    for su, tier, stage, count in connection.execute(
        select(SafetyFlag.service_user_id, SafetyFlag.tier, SafetyFlag.escalation_stage, func.count())
        .where(SafetyFlag.service_user_id.in_(ids), SafetyFlag.acknowledged_at.is_(None))
        .group_by(SafetyFlag.service_user_id, SafetyFlag.tier, SafetyFlag.escalation_stage)
    ):
        open_flags[su]["overdue" if stage >= 2 else tier.value] += int(count)
    new_contributions = _counts(
        select(CarerContribution.service_user_id, func.count())
        .where(CarerContribution.service_user_id.in_(ids), CarerContribution.acknowledged_at.is_(None))
        .group_by(CarerContribution.service_user_id)
    )
    stale_cutoff = months_before(today, carers.STALE_AFTER_MONTHS)  # as carers.details_stale
    stale_carers = _counts(
        select(CarerLink.service_user_id, func.count())
        .join(Carer, Carer.id == CarerLink.carer_id)
        .where(CarerLink.service_user_id.in_(ids),
               or_(Carer.details_confirmed_on.is_(None), Carer.details_confirmed_on < stale_cutoff))
        .group_by(CarerLink.service_user_id)
    )
    sync_problems = {
        person_id: count for key, count in connection.execute(
            select(OutboxMessage.ordering_key, func.count())
            .where(OutboxMessage.status == OutboxStatus.DEAD,
                   OutboxMessage.ordering_key.in_(select(_ordering_key()).where(*conditions)))
            .group_by(OutboxMessage.ordering_key)
        ) if (person_id := service_user_id_of(key)) is not None
    }

    rows = []
    for su, given, family, preferred, nhs_number, key_worker_id, key_worker_name, months, discharged_on \
            in people_rows:
        items: list[Attention] = []
        if key_worker_id is None and discharged_on is None:
            items.append(Attention("no_key_worker", "key_worker", URGENT))
        items += flag_items(open_flags.get(su))  # a safety flag is followed up even after discharge
        if sync_problems.get(su):
            items.append(Attention("sync_problem", "sync", URGENT, count=sync_problems[su]))
        if discharged_on is not None:  # nothing else is due
            items.append(Attention("discharged", "discharged", INFO, on=discharged_on))
            rows.append(CaseloadRow(su, given, family, preferred, nhs_number, key_worker_id, key_worker_name or "",
                                    tuple(items), discharged_on))
            continue
        for instrument_id in instruments:
            key = (su, instrument_id)
            items += measure_items(
                instrument_id, assignment_due_on=assignments.get(key), in_progress=key in started,
                deferred_until=deferred.get(key), last_done=last_done.get(key), today=today, windows=windows,
            )
        items += goal_items(goals.get(su, []), months or gbo.REVIEW_MONTHS_DEFAULT, today, windows)
        plan = latest_plan.get(su)
        items += care_plan_items((plan[1], plan[2].date()) if plan else None, today, windows)
        if adjustments_need_review(adjustments.get(su, []), plan[2] if plan else None, today, windows):
            items.append(Attention("adjustments_review", "care_plan", DUE))
        if su not in with_safety_plan:
            items.append(Attention("no_safety_plan", "safety", DUE))
        if new_contributions.get(su):
            items.append(Attention("carer_contributions", "carers", DUE, count=new_contributions[su]))
        if stale_carers.get(su):
            items.append(Attention("carer_details_unconfirmed", "carers", DUE, count=stale_carers[su]))
        items.sort(key=lambda item: -item.severity)
        rows.append(CaseloadRow(su, given, family, preferred, nhs_number, key_worker_id, key_worker_name or "",
                                tuple(items)))
    return rows


def flag_items(counts: Mapping[str, int] | None) -> list[Attention]:
    """Open flags by how urgent they are: an urgent one still open after the next working day
    first of all (``ESCALATED``), then urgent, then routine."""
    counts = counts or {}
    items = []
    if counts.get("overdue"):
        items.append(Attention("safety_flag_overdue", "safety", ESCALATED, count=counts["overdue"]))
    if counts.get("urgent"):
        items.append(Attention("safety_flag", "safety", URGENT, count=counts["urgent"]))
    if counts.get("routine"):
        items.append(Attention("safety_flag_routine", "safety", DUE, count=counts["routine"]))
    return items


def _counts(query: Select[*tuple[Any, ...]]) -> dict[int, int]:
    return {key: int(count) for key, count in db.session.connection().execute(query)}


def _ordering_key() -> ColumnElement[str]:
    """``outbox.ordering_key`` computed in SQL: 'service_user:<id>'."""
    prefix = outbox.ordering_key(0).removesuffix("0")
    return literal(prefix, String) + cast(ServiceUser.id, String)


@dataclass
class WorkedOut:
    """Everyone in scope with what needs attention, and what each "Show" and sort choice makes of
    them (worked out when first asked for). Kept between requests by ``caseload_cache``."""

    rows: list[CaseloadRow]
    counts: dict[str, int] = field(default_factory=dict)  # people per "show" choice
    _chosen: dict[tuple[str, str], list[CaseloadRow]] = field(default_factory=dict)
    html: caseload_cache.KeptHtml = field(default_factory=caseload_cache.KeptHtml)

    @classmethod
    def of(cls, rows: list[CaseloadRow]) -> WorkedOut:
        return cls(rows, {show: sum(1 for row in rows if matches(row, show)) for show in SHOW_CHOICES})

    def chosen(self, show: str, sort: str) -> list[CaseloadRow]:
        if (show, sort) not in self._chosen:  # two requests at once may both sort: the same result
            self._chosen[(show, sort)] = sort_rows([row for row in self.rows if matches(row, show)], sort)
        return self._chosen[(show, sort)]

    def rendered(self, key: Hashable, render: Callable[[], str]) -> str:
        """A page of the list as HTML, rendered once per ``key`` (the view's: everything the HTML
        depends on besides these rows) while these rows are kept."""
        return self.html.get(key, render)

    def __len__(self) -> int:
        return len(self.rows)


def worked_out(user: User, today: date, search: str = "") -> WorkedOut:
    """``caseload_rows`` for this member of staff, kept between requests while nothing in them
    changes (a search is worked out each time: it is quick, and there are many)."""
    if search:
        return WorkedOut.of(caseload_rows(user, today, search))
    key = ("caseload", people.scope_key(user), today, tuple(sorted(settings.caseload_windows().items())),
           measures.available_instruments())
    return caseload_cache.remembered(people.staff_scope(user), key,  # type: ignore[no-any-return]
                                     lambda: WorkedOut.of(caseload_rows(user, today)))


def caseload(user: User, query: CaseloadQuery, today: date) -> CaseloadPage:
    """One page of the caseload: search in SQL, then filter, sort and page the rows."""
    worked = worked_out(user, today, query.search)
    chosen = worked.chosen(query.show, query.sort)
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    page = min(query.page, pages)
    if query.search:
        in_scope = db.session.scalar(select(func.count()).select_from(ServiceUser).where(
            *_scope(user), ServiceUser.discharged_on.is_(None) if query.show != "discharged"
            else ServiceUser.discharged_on.is_not(None))) or 0
    else:  # the kept rows are everyone in scope: count them rather than ask again
        in_scope = worked.counts["discharged" if query.show == "discharged" else "all"]
    # When the scope is the whole team (a team lead's), the rows count its people with no key worker too.
    team_wide = not query.search and people.scope_key(user)[0] == ServiceUser.team_id.key
    return CaseloadPage(
        rows=chosen[(page - 1) * PAGE_SIZE: page * PAGE_SIZE],
        matching=len(chosen),
        in_scope=in_scope,
        without_key_worker=worked.counts["no_key_worker"] if team_wide else people.count_without_key_worker(user),
        query=replace(query, page=page),
        page=page,
        pages=pages,
        counts=dict(worked.counts),
        kept=None if query.search else worked,
    )


@dataclass(frozen=True)
class OpenFlag:
    id: int
    service_user_id: int
    display_name: str
    reason: str
    raised_at: datetime
    tier: str = "urgent"
    stage: int = 0


_OPEN_FLAGS = people.ByScope(lambda in_scope: (
    select(SafetyFlag.id, SafetyFlag.service_user_id, ServiceUser.preferred_name, ServiceUser.given_name,
           ServiceUser.family_name, SafetyFlag.reason, SafetyFlag.raised_at, SafetyFlag.tier,
           SafetyFlag.escalation_stage)
    .join(ServiceUser, ServiceUser.id == SafetyFlag.service_user_id)
    .where(in_scope, SafetyFlag.acknowledged_at.is_(None))
))


def open_flags(user: User) -> list[OpenFlag]:
    """Safety flags nobody has followed up yet, for everyone this member of staff may see: the
    most escalated first, then urgent, then oldest (``risk_rules.flag_order``)."""
    rows = db.session.execute(*_OPEN_FLAGS.for_user(user))
    flags = [OpenFlag(id_, su, f"{preferred or given} {family}", reason, raised_at, tier.value, stage)
             for id_, su, preferred, given, family, reason, raised_at, tier, stage in rows]
    return sorted(flags, key=lambda f: flag_order(f.stage, f.tier, f.raised_at, f.id))
