"""The people and records the authorisation matrix (``tests/views/test_authorisation_matrix.py``)
requests every page about.

Five service users ("subjects"), each with one of every kind of record a URL can name:

- ``own``: Sam Ownerby, on the key worker's caseload (handed over to them with a note), with
  three carers: one Sam shares everything with, one never given consent, one whose consent Sam
  withdrew.
- ``same_team``: Alex Samestead, in the same team, another key worker's.
- ``other_team``: Olly Otterwell, in another team.
- ``former``: Fran Formby, handed over from the key worker to a colleague (``handover.allocate``).
- ``discharged``: Dee Dischley, on the key worker's caseload, discharged yesterday
  (``discharge.discharge``).

Each has a consultant from a team of their own in their care team; Sam's signs in as the actor
``care_team_member`` (issue 15).

The records are made through the services where one exists (handover, discharge, care plan,
sessions, measures, consent), so they are as the portal itself would have them. Each subject's
family name, and a content marker written into their goal, care plan, safety plan, session notes
and carer's contribution, let the matrix check that no page shows them to someone who may not see
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    CarerDetailConflict,
    CompletionMode,
    IdentityCheck,
    IdentityProvider,
    Role,
    Section,
    ServiceUser,
    StaffMember,
    User,
)
from portal.notify.tokens import make_stop_token
from portal.services import care_plans, care_sessions, care_team, carers, discharge, handover, measures, settings
from portal.services import statement_of_care as statements
from portal.services.reminders import SERVICE_USER
from tests import factories
from tests import workspace_factories as wf

SUBJECTS = ("own", "same_team", "other_team", "former", "discharged")
FAMILY_NAMES = {"own": "Ownerby", "same_team": "Samestead", "other_team": "Otterwell", "former": "Formby",
                "discharged": "Dischley"}
GIVEN_NAMES = {"own": "Sam", "same_team": "Alex", "other_team": "Olly", "former": "Fran", "discharged": "Dee"}
ALL_SCOPES = ("involvement", "goals", "care_plan", "safety_plan", "questionnaire_results")


def content_marker(subject: str) -> str:
    """Written into the subject's goal, care plan, safety plan, session notes and carer's words."""
    return f"Qz{subject.replace('_', '')}Secret"


@dataclass
class World:
    actors: dict[str, User | None]  # the signed-in people (None: signed out)
    own_subject: dict[str, str]  # actor → the subject whose record is theirs (service users, carers, staff)
    subjects: dict[str, ServiceUser]
    key_worker_names: dict[str, str]  # subject → their key worker's name (what "involvement" shares)
    team_names: dict[str, str]
    ids: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # subject → argument → values


# How each URL argument names a record: the subject's records of that kind (several where pages
# differ in which one they take, e.g. a questionnaire answered alone or together in a session).
# A rule with an argument that is neither here nor in CONSTANT_ARGUMENTS fails the matrix.
RECORD_ARGUMENTS: dict[str, Callable[[World, str], list[Any]]] = {
    name: (lambda world, subject, name=name: world.ids[subject][name])
    for name in ("service_user_id", "goal_id", "entry_id", "session_id", "area_id", "response_id", "carer_id",
                 "contribution_id", "flag_id", "assignment_id", "conflict_id", "message_id", "token",
                 "staff_member_id", "user_id", "check_id", "member_id", "statement_id", "lead_id")
}

# Arguments that do not name anyone's record, so one value serves every case. Each is scoped by a
# record argument in the same URL or by the signed-in person's own record; keep this list short.
CONSTANT_ARGUMENTS: dict[str, Any] = {
    "position": 1,  # a question's place in a questionnaire (with response_id)
    "number": 1,  # a care plan version's number within the person's own plan (every subject has version 1)
    "section": Section.ADJUSTMENTS.value,  # a care plan section (of the signed-in person's or service_user_id's plan)
    "step": "warning_signs",  # a safety plan step (of the signed-in person's own plan)
    "instrument_id": "reqol10",  # a questionnaire (started for the signed-in person)
}


def _lead_of(team_id: int) -> int:
    return db.session.scalars(select(StaffMember.id).join(User, User.id == StaffMember.user_id).where(
        User.role == Role.TEAM_LEAD, StaffMember.team_id == team_id).order_by(StaffMember.id)).first() or 0


def build_world() -> World:
    today = date.today()
    team, other_team = factories.create_team("Team Amberley"), factories.create_team("Team Bexhill")
    lead = factories.create_staff(team, Role.TEAM_LEAD, name="Lee Lead")
    key_worker = factories.create_staff(team, Role.KEY_WORKER, name="Kim Keyworker")
    colleague = factories.create_staff(team, Role.KEY_WORKER, name="Cat Colleague")
    other_lead = factories.create_staff(other_team, Role.TEAM_LEAD, name="Ola Otherlead")
    other_key_worker = factories.create_staff(other_team, Role.KEY_WORKER, name="Oz Otherworker")

    def person(subject: str, in_team: Any) -> ServiceUser:
        return factories.create_service_user(in_team, given_name=GIVEN_NAMES[subject],
                                             family_name=FAMILY_NAMES[subject])

    subjects = {subject: person(subject, other_team if subject == "other_team" else team) for subject in SUBJECTS}
    db.session.commit()

    def allocate(by: StaffMember, subject: str, to: StaffMember) -> None:
        handover.allocate(by.user, subjects[subject], to.id, handover_on=today,
                          handover_note=f"Handover for {GIVEN_NAMES[subject]}")

    allocate(lead, "own", key_worker)
    allocate(lead, "same_team", colleague)
    allocate(other_lead, "other_team", other_key_worker)
    allocate(lead, "former", key_worker)
    allocate(lead, "former", colleague)  # the key worker is now their former key worker
    allocate(lead, "discharged", key_worker)

    sam = subjects["own"]
    with_consent = factories.create_carer(sam, name="Cora Consented")
    without_consent = factories.create_carer(sam, name="Nell Noconsent")
    withdrawn = factories.create_carer(sam, name="Wyn Withdrawn")
    factories.create_consent(with_consent, sam, ALL_SCOPES)
    factories.create_consent(withdrawn, sam, ALL_SCOPES)
    db.session.commit()
    carers.change_consent(sam.user, factories.link_of(withdrawn, sam), [])  # withdrawn: nothing shared now

    world = World(
        actors={"signed_out": None, "service_user": sam.user, "discharged_service_user": subjects["discharged"].user,
                "carer_with_consent": with_consent.user, "carer_without_consent": without_consent.user,
                "carer_consent_withdrawn": withdrawn.user, "key_worker": key_worker.user, "team_lead": lead.user,
                "admin": factories.create_user(Role.ADMIN)},
        own_subject={"service_user": "own", "discharged_service_user": "discharged", "carer_with_consent": "own",
                     "carer_without_consent": "own", "carer_consent_withdrawn": "own", "key_worker": "own",
                     "team_lead": "own", "admin": "own", "signed_out": "own"},
        subjects=subjects,
        key_worker_names={},
        team_names={subject: (other_team if subject == "other_team" else team).name for subject in SUBJECTS},
    )
    for subject, someone in subjects.items():
        their_carers = [with_consent, without_consent, withdrawn] if subject == "own" else [
            factories.create_carer(someone, with_account=False, name=f"Carer of {GIVEN_NAMES[subject]}")]
        world.ids[subject] = _records(someone, their_carers, content_marker(subject), today)
        world.key_worker_names[subject] = someone.key_worker.name
    discharge.discharge(lead.user, subjects["discharged"], today - timedelta(days=1), today)
    db.session.commit()
    # Sam's consultant (registered), in his care team only: sees and co-writes Sam's care, nothing else.
    world.actors["care_team_member"] = consultants[sam.id].user
    world.own_subject["care_team_member"] = "own"
    return world


consultants: dict[int, StaffMember] = {}  # service user id → the consultant in their care team


def _records(person: ServiceUser, their_carers: list[Any], marker: str, today: date) -> dict[str, list[Any]]:
    """One of every kind of record a URL can name, about this person."""
    staff_user = person.key_worker.user
    goal = wf.create_goal(person, agreed_on=today - timedelta(days=30), next_review_on=today + timedelta(days=60),
                          ratings=((today - timedelta(days=30), 3),), text=f"Goal {marker}")
    entry = care_plans.add_entry(staff_user, person, Section.ADJUSTMENTS, f"Plan {marker}")
    # Only the side whose words they are may change them: one entry in each side's words.
    own_words = care_plans.add_entry(person.user, person, Section.WHAT_MATTERS, f"Words {marker}")
    care_plans.agree(staff_user, person, today=today)
    plan = wf.create_safety_plan(person)
    plan.warning_signs = f"Signs {marker}"

    own_reqol = measures.start_or_resume(person.user, person, "reqol10")
    for item in measures.questions(measures.instrument_for("reqol10")):
        measures.save_answer(person.user, own_reqol, item, item.values[1])
    measures.submit(person.user, own_reqol, person)
    in_progress = measures.start_or_resume(person.user, person, "reqol10")
    together = measures.start_or_resume(staff_user, person, "dialog", CompletionMode.IN_SESSION)

    session = care_sessions.start(staff_user, person)
    care_sessions.save_notes(staff_user, session, f"Notes {marker}", based_on_version=session.notes_version)
    area = care_sessions.pick_area(staff_user, session, settings.instrument("dialog").items[0].code)
    action = care_sessions.add_action(staff_user, person, session, "me", f"Action {marker}")

    flag = wf.create_flag(person)
    contribution = wf.create_contribution(person, their_carers[0].id)
    contribution.what_helps = f"Helps {marker}"
    conflict = CarerDetailConflict(service_user_id=person.id, carer_id=their_carers[0].id, field="phone",
                                   portal_value="01632 960001", record_value="01632 960002")
    db.session.add(conflict)
    check = IdentityCheck(service_user_id=person.id, provider=IdentityProvider.NHS_LOGIN, subject=f"nhs-{marker}",
                          birthdate_given=date(1980, 1, 1))
    db.session.add(check)
    message = wf.create_dead_message(person)
    db.session.commit()
    # A consultant from a team of their own in the person's care team (no actor is a member).
    consultant = factories.create_staff(factories.create_team(), name=f"Consultant of {person.given_name}")
    member = care_team.add_member(staff_user, person, consultant.id, "consultant_psychiatrist", f"Review {marker}")
    consultants[person.id] = consultant
    # A statement of care, agreed by the key worker (issue 15): version 1 (CONSTANT_ARGUMENTS "number").
    statement = statements.start(staff_user, person, "session")
    statements.save_draft(staff_user, person, statement, f"Statement {marker}")
    statements.agree(staff_user, person, statement, today)
    assignments = [a.id for a in handover.history(person)]
    return {
        "service_user_id": [person.id],
        "goal_id": [goal.id],
        "entry_id": [entry.id, action.id, own_words.id],
        "session_id": [session.id],
        "area_id": [area.id],
        "response_id": [in_progress.id, together.id, own_reqol.id],
        "carer_id": [carer.id for carer in their_carers],
        "contribution_id": [contribution.id],
        "flag_id": [flag.id],
        "assignment_id": assignments,
        "conflict_id": [conflict.id],
        "message_id": [message.id],
        "token": [make_stop_token(current_app.config["SECRET_KEY"], SERVICE_USER, person.id)],
        "staff_member_id": [person.key_worker_id],
        "user_id": [person.user_id],  # their account (an administrator resets its second step)
        "check_id": [check.id],  # a first NHS login sign-in that did not match them
        "member_id": [member.id],  # a member of their care team
        "statement_id": [statement.id],  # a statement of care about them, with version 1 agreed
        "lead_id": [_lead_of(person.team_id)],  # their team's lead (an administrator gives them more teams)
    }
