"""Download my information: everything the portal holds about one person, as plain JSON.

The structure is described in ``docs/information-copy.md``; ``version`` goes up whenever a key
is renamed, removed or changes meaning (adding a key does not change it).

What goes in follows what the person's own pages show them:

- a **service user** gets their profile, questionnaires with every answer and score, goals with
  ratings and each change, the care plan draft and every agreed version, the safety plan and what
  it said before each change, their carers and every consent decision, what carers told the team
  (only the parts a carer did not keep for the team), reminders, sessions (notes and summary are
  written together) and who has seen their information;
- left out, as on their pages: handover notes between staff, the team's follow-up of worrying
  answers (safety flags, their notes), reasons staff gave for putting off a questionnaire, parts
  of a carer's views kept for the team, carers' own contact details, record sync problems, and
  anything about anyone else;
- a **carer** gets their own details, account, who they care for (name and relationship, and what
  each shares with them now), everything they told the team (their own words, private parts
  marked), their reminders and who has seen their information. Whether the team read their views
  shows only while the person shares "involvement" (as on their pages). Nothing of the person
  they care for goes in.

Staff producing a copy for a subject access request get the same as the person would.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    CarePlan,
    CarePlanEntry,
    CarePlanVersion,
    Carer,
    CarerContribution,
    CarerLink,
    CareSession,
    ContactPreference,
    Goal,
    GoalChange,
    KeyWorkerAssignment,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    ReminderNotification,
    SafetyPlan,
    SafetyPlanRevision,
    ServiceUser,
    StaffMember,
    User,
)
from portal.models.base import utcnow
from portal.models.carers import CONTRIBUTION_PARTS
from portal.models.safety_plans import SAFETY_PLAN_STEPS
from portal.services import access_history, audit, carers, consent

FORMAT = "your-care-portal-information"
VERSION = 1


def _when(value: datetime | date | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _header(about: str) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "produced_at": _when(utcnow()), "about": about}


def _account(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"email": user.email, "language": user.locale, "created_at": _when(user.created_at),
            "last_signed_in_at": _when(user.last_signed_in_at)}


def _names(user_ids: set[int]) -> dict[int, str]:
    """Display names of accounts that wrote something (staff, the person, their carers)."""
    if not user_ids:
        return {}
    users = db.session.scalars(
        select(User).where(User.id.in_(user_ids))
        .options(selectinload(User.staff_member), selectinload(User.service_user), selectinload(User.carer)))
    return {user.id: user.display_name for user in users}


def _events(page: access_history.AccessPage) -> list[dict[str, Any]]:
    return [{"at": _when(e.at), "action": e.action, "record_type": e.record_type,
             "who": {"kind": e.actor.kind, "name": e.actor.name or None}} for e in page.events]


# A service user ---------------------------------------------------------------------------------

def for_service_user(person: ServiceUser) -> dict[str, Any]:
    """Everything about this service user. The caller has checked who may ask for it."""
    goals = list(db.session.scalars(
        select(Goal).where(Goal.service_user_id == person.id).options(selectinload(Goal.ratings))
        .order_by(Goal.created_at, Goal.id)))
    changes: dict[int, list[GoalChange]] = {}
    if goals:
        for change in db.session.scalars(select(GoalChange).where(GoalChange.goal_id.in_([g.id for g in goals]))
                                         .order_by(GoalChange.changed_at, GoalChange.id)):
            changes.setdefault(change.goal_id, []).append(change)
    plan = db.session.scalar(select(CarePlan).where(CarePlan.service_user_id == person.id))
    entries = [] if plan is None else list(db.session.scalars(
        select(CarePlanEntry).where(CarePlanEntry.care_plan_id == plan.id, CarePlanEntry.removed_at.is_(None))
        .order_by(CarePlanEntry.id)))
    versions = [] if plan is None else list(db.session.scalars(
        select(CarePlanVersion).where(CarePlanVersion.care_plan_id == plan.id).order_by(CarePlanVersion.number)))
    sessions = list(db.session.scalars(
        select(CareSession).where(CareSession.service_user_id == person.id)
        .options(selectinload(CareSession.areas)).order_by(CareSession.started_at, CareSession.id)))
    writers = ({e.author_id for e in entries} | {v.agreed_by_id for v in versions}
               | {s.key_worker_id for s in sessions})
    names = _names(writers)
    return {
        **_header("service_user"),
        "person": _profile(person),
        "account": _account(person.user),
        "key_workers": _key_workers(person),
        **_questionnaires(person),
        "goals": [_goal(goal, changes.get(goal.id, [])) for goal in goals],
        "care_plan": {
            "next_review_on": _when(plan.next_review_on) if plan else None,
            "draft": [{"section": e.section.value, "support_kind": e.support_kind.value if e.support_kind else None,
                       "text": e.text, "written_by": names.get(e.author_id), "whose_words": e.author_role.value,
                       "written_at": _when(e.created_at), "changed_at": _when(e.updated_at),
                       "review_note": e.review_note, "reviewed_at": _when(e.reviewed_at)} for e in entries],
            "versions": [{"number": v.number, "agreed_at": _when(v.agreed_at), "agreed_by": names.get(v.agreed_by_id),
                          "next_review_on": _when(v.next_review_on), "content": v.content} for v in versions],
        },
        "safety_plan": _safety_plan(person),
        **_carers(person),
        "reminders": _reminders(ContactPreference.service_user_id, ReminderNotification.service_user_id, person.id),
        "sessions": [{
            "started_at": _when(s.started_at), "ended_at": _when(s.ended_at), "key_worker": names.get(s.key_worker_id),
            "notes": s.notes, "summary": s.summary,
            "dialog_plus_areas": [{"topic": a.item_code, "understanding": a.understanding,
                                   "looking_forward": a.looking_forward, "exploring_options": a.exploring_options}
                                  for a in s.areas],
        } for s in sessions],
        "who_has_seen": _events(access_history.for_service_user(person, shown=None)),
    }


def _profile(person: ServiceUser) -> dict[str, Any]:
    key_worker = person.key_worker
    return {
        "given_name": person.given_name, "family_name": person.family_name,
        "preferred_name": person.preferred_name, "pronouns": person.pronouns,
        "date_of_birth": _when(person.date_of_birth), "nhs_number": person.nhs_number,
        "phone": person.phone, "email": person.email, "address": person.address, "postcode": person.postcode,
        "gender": person.gender or None, "ethnic_category": person.ethnic_category or None,
        "team": person.team.name, "care_pathway": person.care_pathway.name if person.care_pathway else None,
        "key_worker": {"name": key_worker.name, "profession": key_worker.profession} if key_worker else None,
        "discharged_on": _when(person.discharged_on),
    }


def _key_workers(person: ServiceUser) -> list[dict[str, Any]]:
    """Each key worker and when they took over; never the handover note (written for staff)."""
    staff = {s.id: s.name for s in db.session.scalars(
        select(StaffMember).join(KeyWorkerAssignment, KeyWorkerAssignment.key_worker_id == StaffMember.id)
        .where(KeyWorkerAssignment.service_user_id == person.id))}
    return [{"key_worker": staff.get(a.key_worker_id), "from": _when(a.handover_on)}
            for a in db.session.scalars(
                select(KeyWorkerAssignment).where(KeyWorkerAssignment.service_user_id == person.id)
                .order_by(KeyWorkerAssignment.recorded_at, KeyWorkerAssignment.id))]


def _questionnaires(person: ServiceUser) -> dict[str, Any]:
    responses = db.session.scalars(
        select(MeasureResponse).where(MeasureResponse.service_user_id == person.id)
        .options(selectinload(MeasureResponse.answers)).order_by(MeasureResponse.started_at, MeasureResponse.id))
    assignments = db.session.scalars(
        select(MeasureAssignment).where(MeasureAssignment.service_user_id == person.id)
        .order_by(MeasureAssignment.assigned_at, MeasureAssignment.id))
    deferrals = db.session.scalars(  # the reason is the team's note, not shown to the person
        select(MeasureDeferral).where(MeasureDeferral.service_user_id == person.id)
        .order_by(MeasureDeferral.recorded_at, MeasureDeferral.id))
    return {
        "questionnaires": [{
            "id": r.id, "instrument": r.instrument_id, "instrument_version": r.instrument_version,
            "status": r.status.value, "done": r.mode.value, "started_at": _when(r.started_at),
            "sent_at": _when(r.submitted_at), "version": r.version, "corrects": r.supersedes_id,
            "corrected_later": r.superseded, "scores": r.scores,
            "answers": [{"item_code": a.item_code, "item_number": a.item_number, "value": a.value,
                         "more_help": a.more_help, "answered_at": _when(a.answered_at)} for a in r.answers],
        } for r in responses],
        "questionnaires_asked_for": [{"instrument": a.instrument_id, "due_on": _when(a.due_on),
                                      "asked_at": _when(a.assigned_at), "done_at": _when(a.completed_at)}
                                     for a in assignments],
        "questionnaires_put_off": [{"instrument": d.instrument_id, "until": _when(d.until),
                                    "you_chose_not_to_answer": d.declined, "recorded_at": _when(d.recorded_at)}
                                   for d in deferrals],
    }


def _goal(goal: Goal, changes: list[GoalChange]) -> dict[str, Any]:
    return {
        "text": goal.text, "status": goal.status.value, "whose_goal": goal.owner.value,
        "agreed": goal.agreement.value if goal.agreement else None, "set_for_you_because": goal.on_behalf_reason,
        "what_will_help": goal.what_will_help, "who_will_help": list(goal.who_will_help),
        "other_organisation": goal.other_organisation, "stop_reason": goal.stop_reason,
        "written_at": _when(goal.created_at), "agreed_at": _when(goal.agreed_at), "closed_at": _when(goal.closed_at),
        "next_review_on": _when(goal.next_review_on), "goal_number": goal.position,
        "ratings": [{"rating": r.rating, "rated_by": r.rated_by_role.value, "rated_at": _when(r.rated_at),
                     "note": r.note} for r in goal.ratings],
        "changes": [{"at": _when(c.changed_at), "before": c.before, "after": c.after} for c in changes],
    }


def _safety_plan(person: ServiceUser) -> dict[str, Any] | None:
    plan = db.session.scalar(select(SafetyPlan).where(SafetyPlan.service_user_id == person.id))
    if plan is None:
        return None
    revisions = db.session.scalars(select(SafetyPlanRevision).where(SafetyPlanRevision.safety_plan_id == plan.id)
                                   .order_by(SafetyPlanRevision.version, SafetyPlanRevision.id))
    return {
        "steps": {step: getattr(plan, step) for step in SAFETY_PLAN_STEPS},
        "version": plan.version, "started_at": _when(plan.created_at), "changed_at": _when(plan.updated_at),
        "looked_at_together_on": _when(plan.reviewed_on),
        "earlier_versions": [{"version": r.version, "replaced_at": _when(r.changed_at),
                              "steps": {step: r.content.get(step, "") for step in SAFETY_PLAN_STEPS}}
                             for r in revisions],
    }


def _carers(person: ServiceUser) -> dict[str, Any]:
    links = list(db.session.scalars(select(CarerLink).where(CarerLink.service_user_id == person.id)
                                    .options(selectinload(CarerLink.carer)).order_by(CarerLink.id)))
    return {
        "carers": [{
            "name": link.carer.name, "relationship": link.relationship_type,
            "consent_history": [{
                "changed_at": _when(c.changed_at), "may_see": consent.ordered(consent.scopes_of(c)),
                "told_the_team_in_person": c.in_person, "recorded_by": c.recorded_by_role.value,
            } for c in reversed(consent.history(link))],
        } for link in links],
        "carer_views": [{"carer": shared.carer_name, "sent_at": _when(shared.submitted_at),
                         "parts": dict(shared.parts)}
                        for shared in reversed(carers.contributions_for_service_user(person))],
    }


def _reminders(preference_column: Any, notification_column: Any, person_id: int) -> dict[str, Any]:
    choice = db.session.scalar(select(ContactPreference).where(preference_column == person_id))
    sent = db.session.scalars(select(ReminderNotification).where(notification_column == person_id)
                              .order_by(ReminderNotification.created_at, ReminderNotification.id))
    return {
        "choice": None if choice is None else {
            "reminders_by": choice.choice.value, "quiet_from": _when(choice.quiet_from),
            "quiet_until": _when(choice.quiet_until), "chosen_at": _when(choice.consent_recorded_at),
            "chosen_how": choice.consent_source.value,
        },
        "messages": [{"about": n.task_kind, "by": n.channel.value, "status": n.status.value,
                      "made_at": _when(n.created_at), "sent_at": _when(n.sent_at), "to": n.destination_hint}
                     for n in sent],
    }


# A carer ----------------------------------------------------------------------------------------

def for_carer(carer: Carer) -> dict[str, Any]:
    """A carer's own details and what they told the team; nothing of the people they care for."""
    links = list(db.session.scalars(select(CarerLink).where(CarerLink.carer_id == carer.id)
                                    .options(selectinload(CarerLink.service_user)).order_by(CarerLink.id)))
    involved = {link.service_user_id for link in links
                if consent.Scope.INVOLVEMENT in consent.current_scopes(link)}
    names = {link.service_user_id: link.service_user.display_name for link in links}
    views = db.session.scalars(select(CarerContribution).where(CarerContribution.carer_id == carer.id)
                               .order_by(CarerContribution.submitted_at, CarerContribution.id))
    return {
        **_header("carer"),
        "carer": {
            "name": carer.name, "phone": carer.phone, "mobile": carer.mobile, "email": carer.email,
            "address": carer.address, "postcode": carer.postcode,
            "preferred_contact": carer.preferred_contact.value if carer.preferred_contact else None,
            "contact_times": carer.contact_times, "language": carer.language,
            "interpreter_needed": carer.interpreter_needed, "young_carer": carer.young_carer,
            "details_confirmed_on": _when(carer.details_confirmed_on),
        },
        "account": _account(carer.user),
        "cares_for": [{"name": names[link.service_user_id], "relationship": link.relationship_type,
                       "shares_with_you": consent.ordered(consent.current_scopes(link))} for link in links],
        "views_sent": [{
            "about": names.get(v.service_user_id), "sent_at": _when(v.submitted_at),
            "parts": {part: {"text": v.text_of(part), "only_for_the_team": v.is_private(part)}
                      for part in CONTRIBUTION_PARTS if v.text_of(part)},
            "asked_for_carers_assessment": v.wants_carers_assessment,
            "read_by_team": (v.acknowledged_at is not None) if v.service_user_id in involved else None,
        } for v in views],
        "reminders": _reminders(ContactPreference.carer_id, ReminderNotification.carer_id, carer.id),
        "who_has_seen": _events(access_history.for_carer(carer, shown=None)),
    }


# Asking for a copy is audited: by the person, or by staff for a subject access request ---------

def copy_for_service_user(user: User, person: ServiceUser, *, download: bool) -> dict[str, Any]:
    """The copy, for the person themselves or for staff already allowed to see them."""
    if user.is_staff:  # a subject access request
        audit.record_now(user.id, "subject_access_downloaded" if download else "subject_access_copy_viewed",
                         "service_user", person.id)
    else:
        audit.record_now(user.id, "information_downloaded" if download else "information_copy_viewed",
                         "service_user", person.id)
    return for_service_user(person)


def copy_for_carer(user: User, carer: Carer, *, download: bool) -> dict[str, Any]:
    audit.record_now(user.id, "information_downloaded" if download else "information_copy_viewed", "carer", carer.id)
    return for_carer(carer)
