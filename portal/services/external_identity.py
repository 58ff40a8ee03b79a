"""Who someone is in the portal after NHS login or NHS CIS2 said who they are.

NHS login (service users, carers):
- someone already linked signs in as their account;
- a first sign-in is matched to a service user by NHS number **and** date of birth, never by name.
  Both match: the NHS login is linked (to their account, or to a new one without a password). The
  NHS number matches but the date of birth does not: an ``IdentityCheck`` waits for the key worker
  (or, with none, the team lead) and nothing is shown meanwhile. No NHS number (identity level P0):
  NHS login must check who they are first;
- a carer is proven by NHS login but linked only by an invitation code from the team.

CIS2 (staff): the selected role's code gives the portal role through ``CIS2_ROLE_MAP``; a first
sign-in is linked to the staff account with the same email address (the trust's own records); the
assurance (``acr``) must be at least the configured level. Nothing here creates a staff account.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    STAFF_ROLES,
    ExternalIdentity,
    IdentityCheck,
    IdentityCheckOutcome,
    IdentityProvider,
    Role,
    ServiceUser,
    StaffMember,
    User,
)
from portal.models.base import utcnow
from portal.oidc.client import Identity
from portal.services import accounts, audit, people

P9 = "P9"
LEVELS = ("P0", "P5", "P9")
# What CIS2 returns in ``acr`` for each level the portal can ask for (DOMAIN.md "Identity").
CIS2_ACR_REQUESTED = {"AAL2": "AAL2_OR_AAL3_ANY", "AAL3": "AAL3_ANY"}
CIS2_ACR_ACCEPTED = {"AAL2": {"AAL2_OR_AAL3_ANY", "AAL2_ANY", "AAL3_ANY"}, "AAL3": {"AAL3_ANY"}}


class Outcome(enum.StrEnum):
    SIGNED_IN = "signed_in"
    NEEDS_PROOF = "needs_proof"  # P0: no NHS number yet; NHS login must check who they are
    CHECK_PENDING = "check_pending"  # NHS number matched, date of birth did not: the key worker decides
    NOT_FOUND = "not_found"  # nobody under the team has this NHS number (a carer has an invitation)
    NO_ROLE = "no_role"  # CIS2: the selected role opens nothing in the portal
    NO_ACCOUNT = "no_account"  # CIS2: no staff account with this email address
    ASSURANCE_TOO_LOW = "assurance_too_low"  # CIS2: signed in with less than the trust asks for


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    user: User | None = None
    level: str = ""  # NHS login's identity proofing level for this sign-in (P5 or P9)


def identity_level(identity: Identity) -> str:
    """P0, P5 or P9, from ``identity_proofing_level`` or the ``vot`` claim ("P9.Cp.Cd")."""
    level = str(identity.claim("identity_proofing_level") or str(identity.claim("vot") or "").split(".")[0])
    return level if level in LEVELS else "P0"


# --- NHS login ---------------------------------------------------------------------------------------


def sign_in_with_nhs_login(identity: Identity) -> Result:
    level = identity_level(identity)
    linked = _linked_user(IdentityProvider.NHS_LOGIN, identity.subject)
    if linked is not None:
        return _signed_in(linked, IdentityProvider.NHS_LOGIN, level)
    nhs_number, birthdate = _nhs_number(identity), _date(identity.claim("birthdate"))
    if level == "P0" or nhs_number is None:
        return Result(Outcome.NEEDS_PROOF)
    person = db.session.scalar(select(ServiceUser).where(ServiceUser.nhs_number == nhs_number))
    if person is None:
        return Result(Outcome.NOT_FOUND)
    if birthdate != person.date_of_birth:
        _open_check(person, identity.subject, birthdate)
        return Result(Outcome.CHECK_PENDING)
    if person.user is not None and not person.user.active:
        return Result(Outcome.NOT_FOUND)
    user = person.user or _new_account(Role.SERVICE_USER, identity)
    person.user = user
    _link(user, IdentityProvider.NHS_LOGIN, identity.subject)
    return _signed_in(user, IdentityProvider.NHS_LOGIN, level)


def link_carer_by_invitation(identity: Identity, email: str, code: str, locale: str = "en") -> User:
    """A carer proven by NHS login, with an invitation code: their account, linked, in the language
    they were reading (``locale``). Raises ``accounts.InvitationProblem`` for a wrong, used or
    expired code (nothing changes)."""
    now = utcnow()
    invitation = accounts.usable_invitation(code, email, now)
    if invitation.role is not Role.CARER or accounts.find_user_by_email(email) is not None:
        raise accounts.InvitationProblem
    user = User(email=invitation.email, password_hash=None, role=Role.CARER, locale=locale)
    db.session.add(user)
    db.session.flush()
    accounts.attach_person(invitation, user)
    invitation.used_at = now
    audit.record(user.id, "invitation_accepted", "invitation", invitation.id)
    _link(user, IdentityProvider.NHS_LOGIN, identity.subject)
    db.session.commit()
    return user


def _open_check(person: ServiceUser, subject: str, birthdate: date | None) -> None:
    """One open check per NHS login and person: signing in again adds nothing."""
    existing = db.session.scalar(select(IdentityCheck).where(
        IdentityCheck.subject == subject, IdentityCheck.service_user_id == person.id,
        IdentityCheck.provider == IdentityProvider.NHS_LOGIN))
    if existing is not None:
        return
    check = IdentityCheck(service_user_id=person.id, provider=IdentityProvider.NHS_LOGIN, subject=subject,
                          birthdate_given=birthdate)
    db.session.add(check)
    db.session.flush()
    audit.record(None, "identity_check_opened", "service_user", person.id)
    db.session.commit()


def _nhs_number(identity: Identity) -> str | None:
    value = str(identity.claim("nhs_number") or "").replace(" ", "")
    return value if len(value) == 10 and value.isdigit() else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


# --- the key worker's checks -------------------------------------------------------------------------


# Built once for each kind of scope (people.ByScope): the staff home page asks on every visit.
_OPEN_CHECKS = people.ByScope(lambda in_scope: (
    select(IdentityCheck).join(ServiceUser, IdentityCheck.service_user_id == ServiceUser.id)
    .where(IdentityCheck.resolved_at.is_(None), in_scope).order_by(IdentityCheck.created_at)
))


def open_checks_for(user: User) -> list[IdentityCheck]:
    """Open checks for people on this member of staff's caseload (a team lead: everyone in the team)."""
    return list(db.session.scalars(*_OPEN_CHECKS.for_user(user)))


def record_checks_seen(viewer_user_id: int, checks: list[IdentityCheck]) -> None:
    for check in checks:
        audit.record(viewer_user_id, "identity_check_viewed", "service_user", check.service_user_id)
    if checks:
        db.session.commit()


def resolve_check(check: IdentityCheck, staff: StaffMember, same_person: bool) -> None:
    """The key worker has checked with the person: link their NHS login, or refuse it."""
    check.resolved_at = utcnow()
    check.resolved_by_id = staff.id
    check.outcome = IdentityCheckOutcome.LINKED if same_person else IdentityCheckOutcome.REFUSED
    person = check.service_user
    if same_person and _linked_user(IdentityProvider.NHS_LOGIN, check.subject) is None:
        user = person.user or _new_account(Role.SERVICE_USER, None)
        person.user = user
        _link(user, IdentityProvider.NHS_LOGIN, check.subject)
    audit.record(staff.user_id, "identity_check_linked" if same_person else "identity_check_refused",
                 "service_user", person.id)
    db.session.commit()


# --- CIS2 --------------------------------------------------------------------------------------------


def cis2_role(identity: Identity, role_map: dict[str, str]) -> Role | None:
    """The portal role of the person's selected CIS2 role, or None."""
    selected = identity.claim("selected_roleid")
    for role in identity.claim("nhsid_nrbac_roles") or []:
        if isinstance(role, dict) and selected and role.get("person_roleid") == selected:
            code = str(role.get("role_code", "")).split(":")[-1]
            mapped = role_map.get(code)
            return Role(mapped) if mapped in {r.value for r in (*STAFF_ROLES, Role.ADMIN)} else None
    return None


def sign_in_with_cis2(identity: Identity, role_map: dict[str, str], assurance: str) -> Result:
    if str(identity.claim("acr") or "") not in CIS2_ACR_ACCEPTED[assurance]:
        return Result(Outcome.ASSURANCE_TOO_LOW)
    role = cis2_role(identity, role_map)
    if role is None:
        return Result(Outcome.NO_ROLE)
    user = _linked_user(IdentityProvider.CIS2, identity.subject)
    if user is None:
        email = str(identity.claim("email") or "")
        user = accounts.find_user_by_email(email) if email else None
        if user is None or not user.active or (user.role not in STAFF_ROLES and user.role is not Role.ADMIN):
            return Result(Outcome.NO_ACCOUNT)
        _link(user, IdentityProvider.CIS2, identity.subject)
    if user.role is not role:
        if not (user.role in STAFF_ROLES and role in STAFF_ROLES and user.staff_member is not None):
            return Result(Outcome.NO_ROLE)  # key worker <-> team lead follows CIS2; anything else is the admin's
        user.role = role
        audit.record(user.id, "role_changed_from_cis2", "user", user.id)
    return _signed_in(user, IdentityProvider.CIS2, "")


# --- shared ------------------------------------------------------------------------------------------


def _linked_user(provider: IdentityProvider, subject: str) -> User | None:
    link = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.provider == provider, ExternalIdentity.subject == subject))
    if link is None or not link.user.active:
        return None
    link.last_signed_in_at = utcnow()
    return link.user


def _link(user: User, provider: IdentityProvider, subject: str) -> None:
    db.session.add(ExternalIdentity(provider=provider, subject=subject, user_id=user.id))
    audit.record(user.id, f"{provider.value}_linked", "user", user.id)


def _new_account(role: Role, identity: Identity | None) -> User:
    """An account without a password: its person signs in only through NHS login."""
    email = str(identity.claim("email") or "") if identity else ""
    if not email or accounts.find_user_by_email(email) is not None:
        email = f"nhs-login-{secrets.token_hex(8)}@accounts.invalid"  # unique; never written to
    user = User(email=accounts.normalise_email(email), password_hash=None, role=role)
    db.session.add(user)
    db.session.flush()
    return user


def _signed_in(user: User, provider: IdentityProvider, level: str) -> Result:
    user.last_signed_in_at = utcnow()
    audit.record(user.id, f"signed_in_with_{provider.value}", "user", user.id)
    db.session.commit()
    return Result(Outcome.SIGNED_IN, user=user, level=level)
