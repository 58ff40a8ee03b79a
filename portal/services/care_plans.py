"""The brief, coproduced care plan.

There is one working draft per service user, made of entries in each section, each in the words
of whoever wrote it. "My goals" is not copied into the draft: it is the live goals. Agreeing the
plan freezes a numbered version (a copy of every section and of the goals as they were); later
edits change the draft, which is agreed again as the next version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.instruments import gbo
from portal.models import (
    CarePlan,
    CarePlanEntry,
    CarePlanVersion,
    Goal,
    Section,
    ServiceUser,
    SupportKind,
    User,
)
from portal.models.base import utcnow
from portal.models.goals import AuthorRole
from portal.services import audit, goals, once, outbox
from portal.services.errors import EditConflict, NotAllowed, NotFound

REVIEW_MONTHS_MAX = 12
# The sections people write in, in the order the plan shows them ("my goals" sits after the first).
WRITTEN_SECTIONS = (Section.WHAT_MATTERS, Section.I_WILL_DO, Section.TEAM_WILL_DO, Section.OTHER_SUPPORT,
                    Section.ADJUSTMENTS, Section.INVOLVEMENT)


# Reading -------------------------------------------------------------------------------------

def plan_of(person: ServiceUser) -> CarePlan | None:
    return db.session.scalar(select(CarePlan).where(CarePlan.service_user_id == person.id))


def draft_entries(plan: CarePlan | None) -> dict[Section, list[CarePlanEntry]]:
    sections: dict[Section, list[CarePlanEntry]] = {section: [] for section in WRITTEN_SECTIONS}
    for entry in plan.entries if plan else []:
        if entry.removed_at is None:
            sections[entry.section].append(entry)
    return sections


def entry_for(person: ServiceUser, entry_id: int) -> CarePlanEntry:
    entry = db.session.get(CarePlanEntry, entry_id)
    if entry is None or entry.care_plan.service_user_id != person.id or entry.removed_at is not None:
        raise NotFound
    return entry


def may_change(user: User, entry: CarePlanEntry) -> bool:
    """Whose words an entry is decides who may change or remove it: the person changes their own
    words, the team its own and a carer's words it brought in (a carer cannot reach the plan)."""
    side = goals.author_role(user)
    if side is AuthorRole.KEY_WORKER:
        return entry.author_role in (AuthorRole.KEY_WORKER, AuthorRole.CARER)
    return entry.author_role is side


def entry_to_change(user: User, person: ServiceUser, entry_id: int) -> CarePlanEntry:
    """An entry this user may change (NotFound if it is not in the plan, NotAllowed if it is
    someone else's words)."""
    entry = entry_for(person, entry_id)
    if not may_change(user, entry):
        raise NotAllowed("These are someone else's words")
    return entry


def versions(person: ServiceUser) -> list[CarePlanVersion]:
    plan = plan_of(person)
    return list(plan.versions) if plan else []


def version_for(person: ServiceUser, number: int) -> CarePlanVersion:
    version = next((v for v in versions(person) if v.number == number), None)
    if version is None:
        raise NotFound
    return version


def current_agreed(person: ServiceUser) -> CarePlanVersion | None:
    agreed = versions(person)
    return agreed[-1] if agreed else None


def review_due_on(person: ServiceUser) -> date | None:
    agreed = current_agreed(person)
    return agreed.next_review_on if agreed else None


def latest_review_allowed(agreed_on: date) -> date:
    return gbo.next_review_date(agreed_on, REVIEW_MONTHS_MAX)


# Changing ------------------------------------------------------------------------------------

def add_entry(user: User, person: ServiceUser, section: Section, text: str, *, author_role: AuthorRole | None = None,
              support_kind: SupportKind | None = None, care_session_id: int | None = None,
              dialog_item_code: str = "", source: str = "", sent: once.Sent | None = None) -> CarePlanEntry:
    """Add someone's words to a section. ``author_role`` says whose words they are (a key worker
    bringing in a carer's contribution passes CARER); by default, the person writing.
    ``once.AlreadySent`` if this form (``sent``) added its entry already."""
    if not text.strip():
        raise ValueError("An entry needs some words")
    once.claim(user, sent)
    plan = _plan_for_writing(person)
    entry = CarePlanEntry(
        section=section, text=text.strip(), author_id=user.id, author_role=author_role or goals.author_role(user),
        support_kind=support_kind if section is Section.OTHER_SUPPORT else None,
        care_session_id=care_session_id, dialog_item_code=dialog_item_code, source=source,
    )
    plan.entries.append(entry)
    _changed(plan)
    db.session.flush()
    audit.record(user.id, "care_plan_entry_added", "care_plan_entry", entry.id)
    db.session.commit()
    return entry


def update_entry(user: User, entry: CarePlanEntry, text: str, *, based_on_version: int) -> CarePlanEntry:
    """Change the words of an entry. If someone saved a newer version first, nothing is
    overwritten: EditConflict carries the newer entry."""
    if not may_change(user, entry):
        raise NotAllowed("These are someone else's words")
    if based_on_version != entry.version:
        raise EditConflict(entry)
    if not text.strip():
        raise ValueError("An entry needs some words")
    if text.strip() == entry.text:
        return entry
    audit.record(user.id, "care_plan_entry_changed", "care_plan_entry", entry.id)
    # Keep what it said: the old words stay as a removed entry, the new ones carry on.
    db.session.add(CarePlanEntry(
        care_plan_id=entry.care_plan_id, section=entry.section, support_kind=entry.support_kind, text=entry.text,
        author_id=entry.author_id, author_role=entry.author_role, created_at=entry.created_at,
        removed_at=utcnow(), version=entry.version, source=f"replaced:{entry.id}",
    ))
    entry.text, entry.version, entry.updated_at = text.strip(), entry.version + 1, utcnow()
    _changed(entry.care_plan)
    db.session.commit()
    return entry


def remove_entry(user: User, entry: CarePlanEntry, *, based_on_version: int) -> None:
    if not may_change(user, entry):
        raise NotAllowed("These are someone else's words")
    if based_on_version != entry.version:
        raise EditConflict(entry)
    entry.removed_at, entry.version = utcnow(), entry.version + 1
    _changed(entry.care_plan)
    audit.record(user.id, "care_plan_entry_removed", "care_plan_entry", entry.id)
    db.session.commit()


def review_action(user: User, entry: CarePlanEntry, note: str) -> None:
    """An action agreed in an earlier session, looked at again."""
    entry.reviewed_at, entry.review_note = utcnow(), note.strip()
    entry.version += 1
    audit.record(user.id, "care_plan_action_reviewed", "care_plan_entry", entry.id)
    db.session.commit()


def agree(user: User, person: ServiceUser, *, next_review_on: date | None = None,
          today: date | None = None) -> CarePlanVersion:
    """Freeze the draft as the next numbered version."""
    today = today or date.today()
    latest = latest_review_allowed(today)
    next_review_on = next_review_on or latest
    if not today < next_review_on <= latest:
        raise ValueError("The next review must be within a year")
    plan = plan_of(person)
    if plan is None or (not any(draft_entries(plan).values()) and not goals.open_goals(person)):
        raise NotAllowed("There is nothing in the care plan to agree yet")
    if plan.versions and not plan.changed_since_agreed and plan.versions[-1].next_review_on == next_review_on:
        raise NotAllowed("Nothing has changed since the last agreed version")
    version = CarePlanVersion(
        number=len(plan.versions) + 1, agreed_by_id=user.id, agreed_by_role=goals.author_role(user),
        next_review_on=next_review_on, content=frozen_content(plan, person, next_review_on),
    )
    plan.versions.append(version)
    plan.changed_since_agreed, plan.next_review_on = False, next_review_on
    db.session.flush()
    audit.record(user.id, "care_plan_agreed", "care_plan_version", version.id)
    outbox.enqueue(person.id, "care_plan.agreed", {
        "care_plan_version_id": version.id, "version_number": version.number, "nhs_number": person.nhs_number,
        "agreed_at": version.agreed_at.isoformat(), "agreed_by_role": version.agreed_by_role.value,
        "next_review_on": next_review_on.isoformat(),
        "goal_ids": [goal["id"] for goal in version.content["goals"]],
        "sections": version.content["sections"],
    })
    db.session.commit()
    return version


def frozen_content(plan: CarePlan, person: ServiceUser, next_review_on: date) -> dict[str, Any]:
    return {
        "sections": {
            section.value: [
                {"text": e.text, "author_role": e.author_role.value,
                 "support_kind": e.support_kind.value if e.support_kind else None}
                for e in entries
            ]
            for section, entries in draft_entries(plan).items()
        },
        "goals": [_frozen_goal(goal) for goal in goals.open_goals(person)],
        "next_review_on": next_review_on.isoformat(),
    }


def _frozen_goal(goal: Goal) -> dict[str, Any]:
    ratings = [r.rating for r in goal.ratings]
    return {
        "id": goal.id, "text": goal.text, "status": goal.status.value, "owner": goal.owner.value,
        "what_will_help": goal.what_will_help, "who_will_help": list(goal.who_will_help),
        "first_rating": ratings[0] if ratings else None, "last_rating": ratings[-1] if ratings else None,
        "next_review_on": goal.next_review_on.isoformat() if goal.next_review_on else None,
    }


def _plan_for_writing(person: ServiceUser) -> CarePlan:
    plan = plan_of(person)
    if plan is None:
        plan = CarePlan(service_user_id=person.id)
        db.session.add(plan)
    return plan


def _changed(plan: CarePlan) -> None:
    plan.changed_since_agreed, plan.updated_at = True, utcnow()


# Comparing two versions ----------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    change: str  # "added", "removed", "same", "changed" (a goal kept, re-rated, reworded or agreed)
    text: str
    author_role: str
    rating: int | None = None  # goals: the last rating (in the older version for a removed goal)
    rating_before: int | None = None  # a re-rated goal: its rating in the older version
    text_before: str = ""  # a reworded goal: its words in the older version
    agreed_since: bool = False  # a goal that was a draft in the older version and is agreed now
    draft: bool = False


def compare(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, list[Line]]:
    """Section by section, what was added, removed or kept between two versions; goals are
    followed by their id, so a goal re-rated or reworded is one changed line, not removed and added."""
    result: dict[str, list[Line]] = {}
    for section in [s.value for s in WRITTEN_SECTIONS]:
        result[section] = _compare_lines(
            [(e["text"], e["author_role"]) for e in older["sections"].get(section, [])],
            [(e["text"], e["author_role"]) for e in newer["sections"].get(section, [])],
        )
    result["goals"] = _compare_goals(older["goals"], newer["goals"])
    return result


def _compare_goals(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Line]:
    before_by_id = {goal.get("id"): goal for goal in old}
    lines = []
    for goal in new:
        before = before_by_id.get(goal.get("id"))
        draft = goal.get("status") == "draft"
        if before is None:
            lines.append(Line("added", goal["text"], goal["owner"], rating=goal.get("last_rating"), draft=draft))
            continue
        rating_before = before.get("last_rating")
        re_rated = rating_before != goal.get("last_rating")
        reworded = before["text"] != goal["text"]
        agreed_since = before.get("status") == "draft" and not draft
        lines.append(Line(
            "changed" if re_rated or reworded or agreed_since else "same", goal["text"], goal["owner"],
            rating=goal.get("last_rating"), rating_before=rating_before if re_rated else None,
            text_before=before["text"] if reworded else "", agreed_since=agreed_since, draft=draft,
        ))
    still_there = {goal.get("id") for goal in new}
    lines += [Line("removed", goal["text"], goal["owner"], rating=goal.get("last_rating"),
                   draft=goal.get("status") == "draft")
              for goal in old if goal.get("id") not in still_there]
    return lines


def _compare_lines(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[Line]:
    lines = [Line("same" if item in old else "added", *item) for item in new]
    lines += [Line("removed", *item) for item in old if item not in new]
    return lines
