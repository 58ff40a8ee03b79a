"""Demo data for trying the portal. Idempotent: running it twice creates nothing twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    CarePathway,
    Carer,
    CarerConsent,
    CarerContribution,
    CarerLink,
    ContactMethod,
    Role,
    SecondFactor,
    ServiceUser,
    StaffMember,
    Team,
    User,
)
from portal.services.accounts import hash_password

# The demo staff accounts' authenticator app secret (README "Demo accounts"; development only):
# `flask --app portal demo-code` prints the code it shows now.
DEMO_TOTP_SECRET = "DEMOPORTALDEMOPORTALDEMOPORTAL22"  # nosec B105 # published on purpose, like the password
DEMO_PASSWORD = "demo-password-2026"  # nosec B105 # the published demo password; seed-demo is refused in production


def _get_or_create(model, lookup: dict, **values):  # type: ignore[no-untyped-def]
    instance = db.session.scalar(select(model).filter_by(**lookup))
    if instance is not None:
        return instance, False
    instance = model(**lookup, **values)
    db.session.add(instance)
    db.session.flush()
    return instance, True


def load_demo_data() -> int:
    created = 0
    password_hash = hash_password(DEMO_PASSWORD)

    def account(email: str, role: Role) -> User:
        nonlocal created
        user, new = _get_or_create(User, {"email": email}, role=role, password_hash=password_hash)
        created += new
        if role in (Role.KEY_WORKER, Role.TEAM_LEAD, Role.ADMIN):
            created += _get_or_create(SecondFactor, {"user_id": user.id}, secret=DEMO_TOTP_SECRET)[1]
        return user

    def make(model, lookup: dict, **values):  # type: ignore[no-untyped-def]
        nonlocal created
        instance, new = _get_or_create(model, lookup, **values)
        created += new
        return instance

    team = make(Team, {"name": "North Leeds Community Mental Health Team"})
    community = make(CarePathway, {"name": "Community mental health"}, goal_review_months=3)
    make(CarePathway, {"name": "Lithium clinic"}, goal_review_months=12)

    priya = make(
        StaffMember, {"name": "Priya Shah"}, profession="Mental health nurse", registration="NMC 12A3456B",
        team_id=team.id, user_id=account("key.worker@example.test", Role.KEY_WORKER).id,
    )
    tom = make(
        StaffMember, {"name": "Tom Okafor"}, profession="Occupational therapist", registration="HCPC OT12345",
        team_id=team.id, user_id=account("key.worker2@example.test", Role.KEY_WORKER).id,
    )
    helen = make(
        StaffMember, {"name": "Helen Brooks"}, profession="Social worker", registration="SWE SW123456",
        team_id=team.id, user_id=account("team.lead@example.test", Role.TEAM_LEAD).id,
    )
    account("admin@example.test", Role.ADMIN)

    sam = make(
        ServiceUser, {"nhs_number": "9990010005"}, given_name="Samuel", family_name="Taylor",
        preferred_name="Sam", pronouns="he/him", date_of_birth=date(1990, 5, 14), phone="07700900982",
        email="service.user@example.test", postcode="LS6 2AB", team_id=team.id,
        care_pathway_id=community.id, key_worker_id=priya.id,
        user_id=account("service.user@example.test", Role.SERVICE_USER).id,
    )
    make(
        ServiceUser, {"nhs_number": "9990010013"}, given_name="Alex", family_name="Morgan",
        pronouns="they/them", date_of_birth=date(1985, 11, 2), postcode="LS7 3CD", team_id=team.id,
        care_pathway_id=community.id, key_worker_id=None,
    )
    make(  # discharged: on the caseload's "Discharged" filter only
        ServiceUser, {"nhs_number": "9990010021"}, given_name="Chris", family_name="Evans",
        date_of_birth=date(1979, 4, 18), postcode="LS6 2AB", team_id=team.id, care_pathway_id=community.id,
        key_worker_id=priya.id, discharged_on=date.today() - timedelta(days=40),
    )
    jo = make(
        Carer, {"email": "carer@example.test"}, name="Jo Taylor", phone="07700900123",
        user_id=account("carer@example.test", Role.CARER).id,
    )
    jo_link = make(CarerLink, {"carer_id": jo.id, "service_user_id": sam.id}, relationship_type="Mother")
    _demo_carers(make, jo, jo_link, sam)
    _demo_safety_plan(make, sam)
    _demo_goals_and_care_plan(make, sam, priya)
    _demo_caseload(make, sam, priya)
    _demo_handover(make, sam, tom, priya, helen)
    _demo_reminders(make, sam)
    _demo_duty_rota(make, team, tom, helen)
    _demo_care_team(make, account, team, sam, helen)
    db.session.commit()
    return created


def _demo_care_team(make, account, team: Team, sam: ServiceUser, helen: StaffMember) -> None:  # type: ignore[no-untyped-def]
    """Sam's care team besides Priya (issue 15): Dr Ade Bello, a consultant psychiatrist who covers
    several teams (GMC registration), and Robin Clarke, a peer support worker in the team (no
    registration: a member of the care team, never a key worker)."""
    from portal.models import CareTeamMember

    psychiatry = make(Team, {"name": "Leeds Community Psychiatry"})
    bello = make(
        StaffMember, {"name": "Dr Ade Bello"}, profession="Consultant psychiatrist", registration="GMC 7123456",
        team_id=psychiatry.id, user_id=account("consultant@example.test", Role.KEY_WORKER).id,
    )
    robin = make(
        StaffMember, {"name": "Robin Clarke"}, profession="Peer support worker", registration="",
        team_id=team.id, user_id=account("peer.support@example.test", Role.KEY_WORKER).id,
    )
    added = date.today() - timedelta(days=20)
    for staff, role, reason in (
            (bello, "consultant_psychiatrist", "Medication review and Sam's goals at his clinic appointments."),
            (robin, "peer_support_worker", "Sam asked to talk with someone who has been through it too.")):
        make(CareTeamMember, {"service_user_id": sam.id, "staff_member_id": staff.id, "role": role},
             added_by_id=helen.user_id, reason=reason,
             added_at=datetime.combine(added, time(10), tzinfo=UTC))


def _demo_duty_rota(make, team: Team, tom: StaffMember, helen: StaffMember) -> None:  # type: ignore[no-untyped-def]
    """Tom is the team's duty worker for the next two weeks (issue 13): he sees the team's flags,
    and gets those of anyone with no key worker (Alex) or whose key worker is away."""
    from portal.models import DutyShift

    for offset in range(14):
        make(DutyShift, {"team_id": team.id, "duty_date": date.today() + timedelta(days=offset)},
             staff_member_id=tom.id, recorded_by_id=helen.user_id)


def _demo_carers(make, jo: Carer, jo_link: CarerLink, sam: ServiceUser) -> None:  # type: ignore[no-untyped-def]
    """Jo (Sam's mother): details last checked over a year ago, so she is asked to confirm them;
    Sam shares that he is under the team and his goals; one contribution with a private part."""
    if jo.details_confirmed_on is None:
        jo.mobile, jo.phone = jo.phone or "07700900123", ""
        jo.postcode, jo.preferred_contact = "LS6 2AB", ContactMethod.TEXT
        jo.language, jo.contact_times = "English", "Weekday evenings"
        jo.details_confirmed_on = date.today() - timedelta(days=430)
    make(CarerConsent, {"carer_link_id": jo_link.id}, involvement=True, goals=True,
         recorded_by_id=sam.user_id, recorded_by_role=Role.SERVICE_USER, in_person=False)
    make(
        CarerContribution, {"carer_id": jo.id, "service_user_id": sam.id},
        how_things_have_been="Sam has been sleeping better since the new routine, but he still finds mornings hard.",
        what_helps="Walking the dog together in the evening. Knowing what is happening each day.",
        warning_signs="He stops answering his phone and stays in his room.",
        worries="I worry about him being on his own when I am away next month.",
        worries_private=True,
        wanted_from_team="A call before the review so I know what to expect.",
        own_needs="I am tired. I would like to know what support there is for me.",
        wants_carers_assessment=True,
    )


def _demo_safety_plan(make, sam: ServiceUser) -> None:  # type: ignore[no-untyped-def]
    """Sam's safety plan, in his own words, made with Priya."""
    from portal.models import SafetyPlan

    make(
        SafetyPlan, {"service_user_id": sam.id}, updated_by_id=sam.user_id, version=1,
        warning_signs="I stop sleeping and stay in my room. I stop answering my phone.",
        cope_on_my_own="Walk Bess round the park. Put my headphones on. Have a hot shower.",
        people_and_places="The café on Otley Road. Football on a Saturday with my cousin Dan.",
        people_to_ask="Mum (Jo) 07700 900123. Dan 07700 900456.",
        professionals="Priya, my key worker: 0113 496 0000 (Monday to Friday, 9 to 5). "
                      "At night: call 111 and choose option 2.",
        safer_surroundings="Mum keeps my tablets and gives me a week at a time.",
        reasons_for_living="Bess. My little nephew. Seeing Leeds United win at Elland Road.",
    )


def _demo_goals_and_care_plan(make, sam: ServiceUser, priya: StaffMember) -> None:  # type: ignore[no-untyped-def]
    """One goal agreed with Priya and rated twice; a care plan agreed once, with a new draft since."""
    from portal.instruments import gbo
    from portal.models import (
        Agreement,
        AuthorRole,
        CarePlan,
        CarePlanEntry,
        CarePlanVersion,
        Goal,
        GoalRating,
        GoalStatus,
        Section,
    )
    from portal.models.base import utcnow
    from portal.services import care_plans

    started = date.today() - timedelta(days=85)
    goal = make(
        Goal, {"service_user_id": sam.id, "text": "Get back to football on Saturdays"},
        written_by_id=sam.user_id, owner=AuthorRole.SERVICE_USER, agreement=Agreement.TOGETHER,
        status=GoalStatus.ACTIVE, what_will_help="Going with Dan. Leaving early so I am not rushed.",
        who_will_help=["me", "carer"], next_review_on=gbo.next_review_date(started, 3),
    )
    if not goal.ratings:
        now = utcnow()
        goal.ratings = [
            GoalRating(rating=2, rated_by_id=sam.user_id, rated_by_role=AuthorRole.SERVICE_USER,
                       rated_at=now - timedelta(days=85)),
            GoalRating(rating=5, rated_by_id=sam.user_id, rated_by_role=AuthorRole.SERVICE_USER,
                       rated_at=now - timedelta(days=30)),
        ]
    plan = make(CarePlan, {"service_user_id": sam.id})
    if not plan.entries:
        for section, text, author, role in [
            (Section.WHAT_MATTERS, "My dog Bess, my family, and getting back to football.", sam.user_id,
             AuthorRole.SERVICE_USER),
            (Section.I_WILL_DO, "Keep to my bedtime routine, even at weekends.", sam.user_id, AuthorRole.SERVICE_USER),
            (Section.TEAM_WILL_DO, "Priya will see Sam every two weeks and ring on the weeks between.",
             priya.user_id, AuthorRole.KEY_WORKER),
            (Section.ADJUSTMENTS, "Text me the day before an appointment. Afternoon appointments only.", sam.user_id,
             AuthorRole.SERVICE_USER),
        ]:
            plan.entries.append(CarePlanEntry(section=section, text=text, author_id=author, author_role=role))
        db.session.flush()
        agreed_on = date.today() - timedelta(days=30)
        plan.versions.append(CarePlanVersion(
            number=1, agreed_by_id=priya.user_id, agreed_by_role=AuthorRole.KEY_WORKER,
            agreed_at=utcnow() - timedelta(days=30),
            next_review_on=gbo.next_review_date(agreed_on, 12),
            content=care_plans.frozen_content(plan, sam, gbo.next_review_date(agreed_on, 12)),
        ))
        plan.changed_since_agreed, plan.next_review_on = False, gbo.next_review_date(agreed_on, 12)


def _demo_caseload(make, sam: ServiceUser, priya: StaffMember) -> None:  # type: ignore[no-untyped-def]
    """Something due on Priya's caseload (issue 7): she asked Sam for a DIALOG by next week."""
    from portal.models import MeasureAssignment

    make(MeasureAssignment, {"service_user_id": sam.id, "instrument_id": "dialog"},
         due_on=date.today() + timedelta(days=7), assigned_by_id=priya.user_id)


def _demo_handover(make, sam: ServiceUser, tom: StaffMember, priya: StaffMember,  # type: ignore[no-untyped-def]
                   helen: StaffMember) -> None:
    """Tom was Sam's key worker; Helen handed him over to Priya a month ago, and Priya has not yet
    confirmed reading the handover note (issue 7)."""
    from datetime import UTC, datetime

    from portal.models import KeyWorkerAssignment

    now = datetime.now(UTC)
    make(KeyWorkerAssignment, {"service_user_id": sam.id, "key_worker_id": tom.id},
         handover_on=date.today() - timedelta(days=400), handover_note="", recorded_by_id=helen.user_id,
         recorded_at=now - timedelta(days=400), read_at=now - timedelta(days=400))
    make(KeyWorkerAssignment, {"service_user_id": sam.id, "key_worker_id": priya.id},
         previous_key_worker_id=tom.id, handover_on=date.today() - timedelta(days=30),
         handover_note="Sam likes a text the day before a visit. He finds mornings hard.\n"
                       "His mum Jo is his main support. The safety plan was reviewed with Tom in the summer.",
         recorded_by_id=helen.user_id, recorded_at=now - timedelta(days=30))


def _demo_reminders(make, sam: ServiceUser) -> None:  # type: ignore[no-untyped-def]
    """Sam chose reminders by text message (issue 8), with the usual quiet hours."""
    from datetime import time

    from portal.models import ConsentSource, ContactPreference
    from portal.notify.rules import Choice

    make(ContactPreference, {"service_user_id": sam.id}, choice=Choice.TEXT, quiet_from=time(20, 0),
         quiet_until=time(8, 0), consent_recorded_by_id=sam.user_id, consent_source=ConsentSource.DEMO)
