"""Demo data for trying the portal. Idempotent: running it twice creates nothing twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import CarePathway, Carer, CarerLink, Role, ServiceUser, StaffMember, Team, User
from portal.services.accounts import hash_password

DEMO_PASSWORD = "demo-password-2026"


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
    make(
        StaffMember, {"name": "Tom Okafor"}, profession="Occupational therapist", registration="HCPC OT12345",
        team_id=team.id, user_id=account("key.worker2@example.test", Role.KEY_WORKER).id,
    )
    make(
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
    jo = make(
        Carer, {"email": "carer@example.test"}, name="Jo Taylor", phone="07700900123",
        user_id=account("carer@example.test", Role.CARER).id,
    )
    make(CarerLink, {"carer_id": jo.id, "service_user_id": sam.id}, relationship_type="Mother")
    db.session.commit()
    return created
