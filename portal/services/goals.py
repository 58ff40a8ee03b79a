"""Goal Based Outcomes: goals agreed together, rated 0-10 and reviewed on the pathway's cadence.

A service user drafts a goal in their own words; it becomes active when it is agreed together
(or, in exceptional cases and with a reason, set on their behalf). Every change keeps what was
there before, and an edit based on an older version is refused rather than overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.instruments import gbo
from portal.models import (
    Agreement,
    AuthorRole,
    Goal,
    GoalChange,
    GoalRating,
    GoalStatus,
    Role,
    ServiceUser,
    User,
)
from portal.models.base import utcnow
from portal.services import audit, once, outbox, settings
from portal.services.errors import EditConflict, NotAllowed, NotFound

OPEN_STATUSES = (GoalStatus.DRAFT, GoalStatus.ACTIVE)
EDITABLE_FIELDS = ("text", "what_will_help", "who_will_help", "other_organisation")


def author_role(user: User) -> AuthorRole:
    if user.role is Role.SERVICE_USER:
        return AuthorRole.SERVICE_USER
    if user.role is Role.CARER:
        return AuthorRole.CARER
    return AuthorRole.KEY_WORKER


def review_months(person: ServiceUser) -> int:
    pathway = person.care_pathway
    return pathway.goal_review_months if pathway is not None else gbo.REVIEW_MONTHS_DEFAULT


# Reading -------------------------------------------------------------------------------------

def open_goals(person: ServiceUser) -> list[Goal]:
    """Drafts and active goals: the ones being worked on."""
    return list(db.session.scalars(
        select(Goal).where(Goal.service_user_id == person.id, Goal.status.in_(OPEN_STATUSES)).order_by(Goal.id)
    ))


def active_goals(person: ServiceUser) -> list[Goal]:
    return [goal for goal in open_goals(person) if goal.status is GoalStatus.ACTIVE]


def closed_goals(person: ServiceUser) -> list[Goal]:
    return list(db.session.scalars(
        select(Goal).where(Goal.service_user_id == person.id, Goal.status.not_in(OPEN_STATUSES))
        .order_by(Goal.closed_at.desc())
    ))


def goal_for(person: ServiceUser, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.service_user_id != person.id:
        raise NotFound
    return goal


def history(goal: Goal) -> list[GoalChange]:
    return list(db.session.scalars(
        select(GoalChange).where(GoalChange.goal_id == goal.id).order_by(GoalChange.id)
    ))


@dataclass(frozen=True)
class Progress:
    first: int
    last: int
    direction: str  # "up", "down", "no_change"
    points: int
    reliable: str  # "improvement", "deterioration", "no reliable change"
    ratings: list[GoalRating]


def progress(goal: Goal) -> Progress | None:
    if not goal.ratings:
        return None
    first, last = goal.ratings[0].rating, goal.ratings[-1].rating
    direction, points = gbo.progress(first, last)
    reliable = gbo.reliable_change(first, last, settings.gbo_reliable_change())
    return Progress(first, last, direction, points, reliable, list(goal.ratings))


def counts_as_review(rating: GoalRating) -> bool:
    """A GBO review is done with the team: a rating made by staff, or made in a session with them.
    A rating the person makes on their own is kept and charted, but the review with their key
    worker stays due."""
    return rating.rated_by_role is AuthorRole.KEY_WORKER or rating.care_session_id is not None


def review_is_due(goal: Goal, today: date) -> bool:
    return goal.status is GoalStatus.ACTIVE and goal.next_review_on is not None and goal.next_review_on <= today


# Changing ------------------------------------------------------------------------------------

def draft_goal(user: User, person: ServiceUser, *, text: str, what_will_help: str = "",
               who_will_help: list[str] | None = None, other_organisation: str = "",
               first_rating: int | None = None, agreement: Agreement | None = None,
               on_behalf_reason: str = "", today: date | None = None, sent: once.Sent | None = None) -> Goal:
    """A new goal in the person's own words. Staff drafting it *with* the person (``agreement``
    TOGETHER) or, exceptionally, on their behalf (with a reason) makes it active at once."""
    once.claim(user, sent)  # before the limit: the same form sent again is AlreadySent, not refused
    if len(open_goals(person)) >= gbo.MAX_ACTIVE_GOALS:
        raise NotAllowed("A person works on at most 3 goals at a time")
    role = author_role(user)
    if agreement is not None and role is AuthorRole.SERVICE_USER:
        raise NotAllowed("A goal is agreed together with the key worker")
    goal = Goal(
        service_user_id=person.id, text=text.strip(), written_by_id=user.id,
        owner=AuthorRole.SERVICE_USER if agreement is not Agreement.ON_BEHALF else role,
        what_will_help=what_will_help.strip(), who_will_help=list(who_will_help or []),
        other_organisation=other_organisation.strip(),
    )
    db.session.add(goal)
    db.session.flush()
    if agreement is not None:
        _activate(goal, person, agreement, on_behalf_reason, today or date.today())
    if first_rating is not None:
        _add_rating(user, goal, first_rating, "")
    audit.record(user.id, "goal_created", "goal", goal.id)
    _send(goal, person)
    db.session.commit()
    return goal


def agree_goal(user: User, person: ServiceUser, goal: Goal, agreement: Agreement, *, on_behalf_reason: str = "",
               based_on_version: int, today: date | None = None) -> Goal:
    if author_role(user) is not AuthorRole.KEY_WORKER:
        raise NotAllowed("The key worker records that a goal was agreed")
    if goal.status is not GoalStatus.DRAFT:
        raise NotAllowed("Only a draft goal can be agreed")
    _check_version(goal, based_on_version)
    before = snapshot(goal)
    _activate(goal, person, agreement, on_behalf_reason, today or date.today())
    _record_change(user, goal, before)
    audit.record(user.id, "goal_agreed", "goal", goal.id)
    _send(goal, person)
    db.session.commit()
    return goal


def update_goal(user: User, person: ServiceUser, goal: Goal, changes: dict[str, Any], *,
                based_on_version: int) -> Goal:
    if goal.status not in OPEN_STATUSES:
        raise NotAllowed("A closed goal cannot be changed")
    _check_version(goal, based_on_version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {sorted(unknown)}")
    before = snapshot(goal)
    for name, value in changes.items():
        setattr(goal, name, value.strip() if isinstance(value, str) else list(value))
    if snapshot(goal) == before:
        return goal
    _record_change(user, goal, before)
    audit.record(user.id, "goal_changed", "goal", goal.id)
    _send(goal, person)
    db.session.commit()
    return goal


def rate_goal(user: User, person: ServiceUser, goal: Goal, rating: int, *, note: str = "",
              care_session_id: int | None = None, based_on_version: int | None = None,
              today: date | None = None) -> GoalRating:
    """Record a rating. A rating of an active goal made with or by the team is a review: the
    next review moves on (``counts_as_review``); one the person makes alone leaves it where it is.
    In a session, changing the rating again corrects that session's rating (the change is kept
    in the goal's history) rather than adding another review."""
    gbo.check_rating(rating)
    if goal.status not in OPEN_STATUSES:
        raise NotAllowed("A closed goal cannot be rated")
    if based_on_version is not None:
        _check_version(goal, based_on_version)
    existing = _session_rating(goal, care_session_id)
    if existing is not None:
        before = snapshot(goal)
        existing.rating, existing.rated_by_id, existing.rated_by_role = rating, user.id, author_role(user)
        existing.rated_at = utcnow()
        if note:
            existing.note = note.strip()
        _record_change(user, goal, before)
        result = existing
    else:
        result = _add_rating(user, goal, rating, note, care_session_id)
        goal.version += 1
    if goal.status is GoalStatus.ACTIVE and len(goal.ratings) > 1 and counts_as_review(result):
        goal.next_review_on = gbo.next_review_date(today or date.today(), review_months(person))
    audit.record(user.id, "goal_rated", "goal", goal.id)
    _send(goal, person)
    db.session.commit()
    return result


def close_goal(user: User, person: ServiceUser, goal: Goal, status: GoalStatus, *, reason: str = "",
               final_rating: int | None = None, based_on_version: int) -> Goal:
    if status not in (GoalStatus.ACHIEVED, GoalStatus.STOPPED):
        raise ValueError("A goal is closed as achieved or stopped")
    if goal.status not in OPEN_STATUSES:
        raise NotAllowed("This goal is already closed")
    _check_version(goal, based_on_version)
    before = snapshot(goal)
    if final_rating is not None:
        _add_rating(user, goal, gbo.check_rating(final_rating), "")
    goal.status, goal.stop_reason, goal.closed_at, goal.next_review_on = status, reason.strip(), utcnow(), None
    _record_change(user, goal, before)
    audit.record(user.id, f"goal_{status.value}", "goal", goal.id)
    _send(goal, person)
    db.session.commit()
    return goal


# Helpers -------------------------------------------------------------------------------------

def snapshot(goal: Goal) -> dict[str, Any]:
    return {
        "text": goal.text, "what_will_help": goal.what_will_help, "who_will_help": list(goal.who_will_help),
        "other_organisation": goal.other_organisation, "status": goal.status.value,
        "agreement": goal.agreement.value if goal.agreement else None, "stop_reason": goal.stop_reason,
        "ratings": [r.rating for r in goal.ratings],
    }


def _check_version(goal: Goal, based_on_version: int) -> None:
    if based_on_version != goal.version:
        raise EditConflict(goal)


def _activate(goal: Goal, person: ServiceUser, agreement: Agreement, reason: str, today: date) -> None:
    if agreement is Agreement.ON_BEHALF and not reason.strip():
        raise ValueError("A goal set on someone's behalf needs a reason")
    goal.agreement, goal.on_behalf_reason = agreement, reason.strip()
    taken = {g.position for g in active_goals(person) if g.id != goal.id}
    goal.position = next((n for n in range(1, gbo.MAX_ACTIVE_GOALS + 1) if n not in taken), None)
    goal.status, goal.agreed_at = GoalStatus.ACTIVE, utcnow()
    goal.next_review_on = gbo.next_review_date(today, review_months(person))


def _add_rating(user: User, goal: Goal, rating: int, note: str, care_session_id: int | None = None) -> GoalRating:
    entry = GoalRating(rating=gbo.check_rating(rating), rated_by_id=user.id, rated_by_role=author_role(user),
                       note=note.strip(), care_session_id=care_session_id)
    goal.ratings.append(entry)
    db.session.flush()
    return entry


def _session_rating(goal: Goal, care_session_id: int | None) -> GoalRating | None:
    if care_session_id is None:
        return None
    return next((r for r in goal.ratings if r.care_session_id == care_session_id), None)


def _record_change(user: User, goal: Goal, before: dict[str, Any]) -> None:
    goal.version += 1
    db.session.add(GoalChange(goal_id=goal.id, changed_by_id=user.id, version=goal.version,
                              before=before, after=snapshot(goal)))


def _send(goal: Goal, person: ServiceUser) -> None:
    """Goals reach the record once agreed; a private draft stays in the portal."""
    if goal.status is GoalStatus.DRAFT:
        return
    outbox.enqueue(person.id, "goal.changed", {
        "goal_id": goal.id, "nhs_number": person.nhs_number, "text": goal.text,
        "status": goal.status.value, "stop_reason": goal.stop_reason,
        "agreement": goal.agreement.value if goal.agreement else None, "owner": goal.owner.value,
        "created_at": goal.created_at.isoformat() if goal.created_at else None,
        "next_review_on": goal.next_review_on.isoformat() if goal.next_review_on else None,
        "position": goal.position,
        "ratings": [{"rating": r.rating, "rated_at": r.rated_at.isoformat() if r.rated_at else None,
                     "rated_by": r.rated_by_role.value} for r in goal.ratings],
    })
