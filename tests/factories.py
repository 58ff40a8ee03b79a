"""Small create_* helpers that build data for tests (and only tests)."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache

import pyotp
from sqlalchemy import select

from portal.extensions import db
from portal.forms.validators import is_valid_nhs_number
from portal.models import CarePathway, Carer, CarerLink, Role, SecondFactor, ServiceUser, StaffMember, Team, User
from portal.services.accounts import hash_password

PASSWORD = "correct-horse-battery"
# Staff and administrators must use a second step (portal/services/second_factor.py): test
# accounts that need one get an authenticator app with this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_sequence = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def _next_nhs_number() -> str:
    while True:
        base = f"999{next(_sequence):06d}"
        for check in range(10):
            if is_valid_nhs_number(base + str(check)):
                return base + str(check)


def create_user(role: Role, email: str | None = None, second_factor: bool | None = None, **values: object) -> User:
    """An account; staff and administrators get an authenticator app unless ``second_factor=False``."""
    user = User(email=email or f"user{next(_sequence)}@example.test", role=role,
                password_hash=_password_hash(), **values)
    db.session.add(user)
    db.session.flush()
    if second_factor or (second_factor is None and role in (Role.KEY_WORKER, Role.TEAM_LEAD, Role.ADMIN)):
        db.session.add(SecondFactor(user_id=user.id, secret=TOTP_SECRET))
        db.session.flush()
    return user


def totp_code(user_id: int) -> str:
    """The code the test authenticator app shows now. The portal accepts each code once, and tests
    sign the same person in many times within 30 seconds: forget the last one used first."""
    factor = db.session.scalar(select(SecondFactor).filter_by(user_id=user_id))
    assert factor is not None, "this account has no authenticator app"
    factor.last_used_step = None
    db.session.commit()
    return pyotp.TOTP(factor.secret).now()


def create_team(name: str | None = None) -> Team:
    team = Team(name=name or f"Team {next(_sequence)}")
    db.session.add(team)
    db.session.flush()
    return team


def create_pathway(name: str | None = None, months: int = 3) -> CarePathway:
    pathway = CarePathway(name=name or f"Pathway {next(_sequence)}", goal_review_months=months)
    db.session.add(pathway)
    db.session.flush()
    return pathway


def create_staff(team: Team | None = None, role: Role = Role.KEY_WORKER, name: str | None = None,
                 with_account: bool = True) -> StaffMember:
    team = team or create_team()
    staff = StaffMember(
        name=name or f"Staff {next(_sequence)}", profession="Mental health nurse",
        registration="NMC 00A0000A", team_id=team.id,
        user_id=create_user(role).id if with_account else None,
    )
    db.session.add(staff)
    db.session.flush()
    return staff


def create_service_user(team: Team | None = None, key_worker: StaffMember | None = None,
                        with_account: bool = True, **values: object) -> ServiceUser:
    team = team or (key_worker.team if key_worker else create_team())
    defaults: dict[str, object] = {
        "given_name": "Test", "family_name": f"Person{next(_sequence)}",
        "date_of_birth": date(1990, 1, 1), "nhs_number": _next_nhs_number(),
    }
    defaults.update(values)
    person = ServiceUser(
        team_id=team.id, key_worker_id=key_worker.id if key_worker else None,
        user_id=create_user(Role.SERVICE_USER).id if with_account else None, **defaults,
    )
    db.session.add(person)
    db.session.flush()
    return person


def create_carer(service_user: ServiceUser | None = None, relationship: str = "Partner",
                 with_account: bool = True, name: str | None = None) -> Carer:
    carer = Carer(name=name or f"Carer {next(_sequence)}",
                  user_id=create_user(Role.CARER).id if with_account else None)
    db.session.add(carer)
    db.session.flush()
    if service_user is not None:
        db.session.add(CarerLink(carer_id=carer.id, service_user_id=service_user.id,
                                 relationship_type=relationship))
        db.session.flush()
    return carer


def link_of(carer: Carer, service_user: ServiceUser) -> CarerLink:
    from sqlalchemy import select

    return db.session.scalars(
        select(CarerLink).where(CarerLink.carer_id == carer.id, CarerLink.service_user_id == service_user.id)
    ).one()


def create_consent(carer: Carer, service_user: ServiceUser, scopes: tuple[str, ...] = (),
                   recorded_by: User | None = None, in_person: bool = False, **values: object) -> object:
    """A consent decision, written directly (services.carers.change_consent is tested on its own)."""
    from portal.models import CarerConsent

    by = recorded_by or service_user.user
    assert by is not None
    decision = CarerConsent(
        carer_link_id=link_of(carer, service_user).id, recorded_by_id=by.id, recorded_by_role=by.role,
        in_person=in_person, **{scope: scope in scopes for scope in ("involvement", "goals", "care_plan", "safety_plan",
                                                                "questionnaire_results")},
        **values,
    )
    db.session.add(decision)
    db.session.flush()
    return decision


def create_contribution(carer: Carer, service_user: ServiceUser, private: tuple[str, ...] = (),
                        **texts: object) -> object:
    from portal.models import CarerContribution

    texts = texts or {"how_things_have_been": "Better this month", "worries": "Money is tight"}
    contribution = CarerContribution(carer_id=carer.id, service_user_id=service_user.id, **texts,
                                     **{f"{part}_private": True for part in private})
    db.session.add(contribution)
    db.session.flush()
    return contribution
