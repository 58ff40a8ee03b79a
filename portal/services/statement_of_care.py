"""The statement of care (issue 15): what a registered member of a person's care team writes for a
session or clinic letter.

The trust's guidance: medics "use the statement of care as the template for their session/clinical
letter" and "review any GBOs within their session and describe these in the statement of care". So a
statement starts from a template filled in live (``template``): the person's goals with their latest
rating and progress since the first, the latest DIALOG and ReQoL-10 with the change since the one
before, the safety plan's state and review date, and the care plan's next review; then the writer's
own words. Reviewing a goal inside it (``review_goal``) goes through ``goals.rate_goal``, the same
code as the goals pages, so it is that goal's review and nobody types it twice.

The draft keeps what was typed (``save_draft``, also used by autosave); "Agree" (``agree``) freezes
the words and the template into a numbered version and sends it to the record; later edits make new
versions, and every version is kept. Anyone who may open the person reads agreed statements; only a
member of staff with a professional registration who may change the person's care writes them. The
key worker's session summary stays as it is: this replaces nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    GoalStatus,
    Role,
    ServiceUser,
    StatementOfCare,
    StatementOfCareVersion,
    User,
)
from portal.models.base import utcnow
from portal.record import contract
from portal.registrations import is_valid as has_registration
from portal.services import audit, care_plans, care_team, goals, measures, once, outbox, people, safety_plans
from portal.services.errors import NotAllowed, NotFound

PURPOSES = ("session", "clinic_letter")
TEXT_MAX = 20_000
INSTRUMENTS = ("dialog", "reqol10")
# The score each questionnaire's change is read on (DOMAIN.md): ReQoL-10's total, higher is better;
# DIALOG's mean satisfaction with quality of life (items 1-8) and with treatment (items 9-11).
SCORES = {"dialog": ("quality_of_life", "treatment_satisfaction"), "reqol10": ("total",)}


# Who may write -------------------------------------------------------------------------------

def may_write(user: User, person: ServiceUser) -> bool:
    """A member of staff who may change this person's care (their key worker, team lead, or a care team
    member while the trust lets registered members co-write) and holds a professional registration."""
    if user.role not in (Role.KEY_WORKER, Role.TEAM_LEAD):
        return False
    staff = people.staff_member_of(user)
    return has_registration(staff.registration) and people.may_change(user, person)


def _writer(user: User, person: ServiceUser) -> None:
    if not may_write(user, person):
        raise NotAllowed("Only a registered member of the care team writes a statement of care")


def writer_role(user: User, person: ServiceUser) -> str:
    """The writer's place around the person: their care-team role code, or key worker, or team lead."""
    staff = people.staff_member_of(user)
    if person.key_worker_id == staff.id:
        return "key_worker"
    member = care_team.membership(user, person)
    if member is not None:
        return member.role
    return "team_lead" if user.role is Role.TEAM_LEAD else "key_worker"


# Reading -------------------------------------------------------------------------------------

def statements(person: ServiceUser) -> list[StatementOfCare]:
    """Every statement of care for this person, the newest first."""
    return list(db.session.scalars(select(StatementOfCare).where(StatementOfCare.service_user_id == person.id)
                                   .options(selectinload(StatementOfCare.versions))  # every list shows them
                                   .order_by(StatementOfCare.started_at.desc(), StatementOfCare.id.desc())))


def statement_for(person: ServiceUser, statement_id: int) -> StatementOfCare:
    statement = db.session.get(StatementOfCare, statement_id)
    if statement is None or statement.service_user_id != person.id:
        raise NotFound
    return statement


def version_for(statement: StatementOfCare, number: int) -> StatementOfCareVersion:
    found = next((v for v in statement.versions if v.number == number), None)
    if found is None:
        raise NotFound
    return found


def latest_version(statement: StatementOfCare) -> StatementOfCareVersion | None:
    return statement.versions[-1] if statement.versions else None


def agreed_versions(person: ServiceUser) -> list[StatementOfCareVersion]:
    """The latest agreed version of each of the person's statements, the most recently agreed first:
    what the service user reads."""
    latest = [v for s in statements(person) if (v := latest_version(s)) is not None]
    return sorted(latest, key=lambda v: (v.agreed_at, v.id), reverse=True)


def record_view(user: User, person: ServiceUser) -> None:
    """Audit that a member of staff read the person's statements of care (the list or one version)."""
    audit.record_now(user.id, "statement_of_care_viewed", "service_user", person.id)


# The template, live --------------------------------------------------------------------------

def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _goal(goal: Any, today: date) -> dict[str, Any]:
    progress = goals.progress(goal)
    return {
        "id": goal.id, "text": goal.text, "version": goal.version, "position": goal.position,
        "first": progress.first if progress else None, "latest": progress.last if progress else None,
        "points": progress.points if progress else None, "direction": progress.direction if progress else None,
        "reliable": progress.reliable if progress else None,
        "latest_rated_on": _iso(goal.ratings[-1].rated_at.date()) if goal.ratings else None,
        "next_review_on": _iso(goal.next_review_on), "review_due": goals.review_is_due(goal, today),
    }


def _as_read(value: Any) -> Any:
    """A DIALOG mean to one decimal place, rounded half up, as the results page shows it
    (presenters/measures.average); whole scores as they are."""
    if isinstance(value, float):
        return float(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return value


def _measure(person: ServiceUser, instrument_id: str) -> dict[str, Any] | None:
    done = [r for r in measures.history(person, instrument_id) if r.scores]
    if not done:
        return None
    latest, before = done[-1], (done[-2] if len(done) > 1 else None)
    scores: dict[str, Any] = {}
    for key in SCORES[instrument_id]:
        now_value = _as_read((latest.scores or {}).get(key))
        then_value = _as_read((before.scores or {}).get(key)) if before else None
        change = round(now_value - then_value, 2) if isinstance(now_value, (int, float)) and \
            isinstance(then_value, (int, float)) else None
        scores[key] = {"latest": now_value, "before": then_value, "change": change}
    return {"instrument": instrument_id, "submitted_on": _iso(latest.submitted_at.date() if latest.submitted_at
                                                                   else None),
            "before_on": _iso(before.submitted_at.date() if before and before.submitted_at else None),
            "scores": scores}


def template(person: ServiceUser, today: date | None = None) -> dict[str, Any]:
    """What the statement pulls in, as it is right now (JSON-ready, so a version can keep it)."""
    today = today or date.today()
    plan = safety_plans.current(person)
    return {
        "goals": [_goal(goal, today) for goal in goals.active_goals(person)],
        "measures": {instrument: _measure(person, instrument) for instrument in INSTRUMENTS},
        "safety_plan": None if not safety_plans.has_content(plan) or plan is None else {
            "updated_on": _iso(plan.updated_at.date()), "reviewed_on": _iso(plan.reviewed_on),
            "review_due_on": _iso(safety_plans.review_due_on(plan)),
            "review_due": safety_plans.is_review_due(plan, today)},
        "care_plan": {"next_review_on": _iso(care_plans.review_due_on(person))},
    }


# Changing ------------------------------------------------------------------------------------

def start(user: User, person: ServiceUser, purpose: str, sent: once.Sent | None = None) -> StatementOfCare:
    """Begin a statement of care for a session or clinic letter; audited; commits. The same form sent
    twice (``sent``) begins one: ``once.AlreadySent`` the second time."""
    _writer(user, person)
    if purpose not in PURPOSES:
        raise ValueError(f"A statement of care is for one of {PURPOSES}")
    once.claim(user, sent)
    statement = StatementOfCare(service_user_id=person.id, purpose=purpose, started_by_id=user.id,
                                started_at=utcnow(), draft_text="", goal_reviews={})
    db.session.add(statement)
    db.session.flush()
    audit.record(user.id, "statement_of_care_started", "service_user", person.id)
    db.session.commit()
    return statement


def _clean(text: str) -> str:
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if len(cleaned) > TEXT_MAX:
        raise ValueError(f"A statement of care is up to {TEXT_MAX} characters")
    return cleaned


def save_draft(user: User, person: ServiceUser, statement: StatementOfCare, text: str) -> StatementOfCare:
    """Keep what the writer has typed so far (autosave and "Save" both); audited; commits. Saving the
    same words again changes nothing."""
    _writer(user, person)
    cleaned = _clean(text)
    if cleaned == statement.draft_text:
        return statement
    statement.draft_text, statement.draft_saved_at = cleaned, utcnow()
    audit.record(user.id, "statement_of_care_draft_saved", "service_user", person.id)
    db.session.commit()
    return statement


def review_goal(user: User, person: ServiceUser, statement: StatementOfCare, goal_id: int, rating: int,
                still_right: bool, *, based_on_version: int | None = None, today: date | None = None) -> None:
    """Review one of the person's goals inside the statement: the rating goes through
    ``goals.rate_goal`` (the goals pages' own code), so it is the goal's review and its next review
    date moves on; the statement remembers the rating and whether the goal is still right for them."""
    _writer(user, person)
    goal = goals.goal_for(person, goal_id)
    if goal.status is not GoalStatus.ACTIVE:
        raise NotAllowed("Only a goal being worked on is reviewed")
    made = goals.rate_goal(user, person, goal, rating, based_on_version=based_on_version, today=today)
    statement.goal_reviews = {**statement.goal_reviews, str(goal.id): {
        "rating": made.rating, "still_right": bool(still_right), "rating_id": made.id}}
    audit.record(user.id, "statement_of_care_goal_reviewed", "service_user", person.id)
    db.session.commit()


def agree(user: User, person: ServiceUser, statement: StatementOfCare,
          today: date | None = None) -> StatementOfCareVersion:
    """Agree the statement as it stands: a new numbered version with the writer's words and the
    template as it is now; sent to the record; audited; commits. The words stay as the next draft's
    start, and the goal reviews of this version are not carried into the next. Agreeing again with
    nothing changed since the last version (the same form sent twice) makes no new version."""
    _writer(user, person)
    text = _clean(statement.draft_text)
    if not text:
        raise ValueError("Write the statement of care before agreeing it")
    latest = latest_version(statement)
    if latest is not None and latest.text == text and not statement.goal_reviews:
        return latest
    staff = people.staff_member_of(user)
    content = {**template(person, today), "goal_reviews": dict(statement.goal_reviews), "purpose": statement.purpose}
    version = StatementOfCareVersion(
        statement_id=statement.id, number=len(statement.versions) + 1, text=text, content=content,
        agreed_by_id=user.id, author_name=staff.name, author_role=writer_role(user, person),
        author_registration=staff.registration, agreed_at=utcnow())
    statement.versions.append(version)
    statement.goal_reviews = {}
    db.session.flush()
    audit.record(user.id, "statement_of_care_agreed", "service_user", person.id)
    outbox.enqueue(person.id, contract.STATEMENT_OF_CARE_AGREED, dict(message(person, statement, version)))
    db.session.commit()
    return version


# For the record ------------------------------------------------------------------------------

def message(person: ServiceUser, statement: StatementOfCare,
            version: StatementOfCareVersion) -> contract.StatementOfCareAgreed:
    return {
        "statement_id": statement.id, "version_id": version.id, "version_number": version.number,
        "nhs_number": person.nhs_number, "purpose": statement.purpose,
        "author_name": version.author_name, "author_role": version.author_role,
        "author_registration": version.author_registration,
        "agreed_at": version.agreed_at.isoformat(timespec="seconds"),
        "text": document_text(version.text, version.content),
    }


def document_text(words: str, content: dict[str, Any]) -> str:
    """The statement as plain text for the clinical record: what the template pulled in, then the
    writer's words. (The record's language is English, as the record's own documents are.)"""
    lines = ["Goals (Goal Based Outcomes, 0-10)"]
    reviews = content.get("goal_reviews", {})
    for goal in content.get("goals", []):
        line = f"- {goal['text']}: latest {goal['latest']}" if goal.get("latest") is not None else \
            f"- {goal['text']}: not rated yet"
        if goal.get("first") is not None and goal.get("latest") is not None:
            line += f" (first {goal['first']}, change {goal['latest'] - goal['first']:+d})"
        review = reviews.get(str(goal["id"]))
        if review:
            line += f"; reviewed now: {review['rating']}, still right: {'yes' if review['still_right'] else 'no'}"
        lines.append(line)
    if not content.get("goals"):
        lines.append("- No goals being worked on")
    names = {"dialog": "DIALOG", "reqol10": "ReQoL-10"}
    for instrument, result in (content.get("measures") or {}).items():
        if not result:
            lines.append(f"{names.get(instrument, instrument)}: not done yet")
            continue
        parts = []
        for key, score in result["scores"].items():
            part = f"{key.replace('_', ' ')} {score['latest']}"
            if score.get("change") is not None:
                part += f" (change {score['change']:+g} since {result['before_on']})"
            parts.append(part)
        lines.append(f"{names.get(instrument, instrument)} on {result['submitted_on']}: {', '.join(parts)}")
    plan = content.get("safety_plan")
    lines.append("Safety plan: none written yet" if not plan else
                 f"Safety plan: last changed {plan['updated_on']}, review due {plan['review_due_on']}")
    next_review = (content.get("care_plan") or {}).get("next_review_on")
    lines.append(f"Care plan: next review {next_review}" if next_review else "Care plan: not agreed yet")
    return "\n".join([*lines, "", words])
