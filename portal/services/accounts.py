"""Accounts: sign-in, passwords and invitations."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Invitation, Role, User
from portal.models.base import utcnow
from portal.models.people import new_session_token
from portal.passwords import personal_words
from portal.services import audit, record_sync, safety_plans

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified when no account matches, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# Crockford-style alphabet: no 0/O or 1/I/L to misread when a code is read out.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (no hint which was wrong)."""
    user = find_user_by_email(email)
    ok = _verify(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        audit.record_now(user.id if user else None, "sign_in_failed")
        return None
    if _hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = utcnow()
    audit.record(user.id, "signed_in", "user", user.id)
    db.session.commit()
    # After the commit: bring in what the clinical record knows. Never raises; gives up quickly.
    record_sync.pull_for_user(user)
    return user


def sign_out(user: User) -> None:
    user.session_token = new_session_token()
    audit.record(user.id, "signed_out", "user", user.id)
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> bool:
    """Change the password if the current one is right. Signs out every other session."""
    if not _verify(user.password_hash, current_password):
        return False
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    safety_plans.revoke_devices(user)  # a phone trusted to show the safety plan must be set up again
    audit.record(user.id, "password_changed", "user", user.id)
    db.session.commit()
    return True


def _hash_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode()).hexdigest()


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    code: str  # shown once, to hand over in person; only its hash is stored


def create_invitation(
    created_by: User,
    email: str,
    role: Role,
    *,
    service_user_id: int | None = None,
    carer_id: int | None = None,
    days: int = 7,
    now: datetime | None = None,
) -> NewInvitation:
    if role not in (Role.SERVICE_USER, Role.CARER):
        raise ValueError("Only service users and carers are invited this way")
    now = now or utcnow()
    _replace_unused(created_by, normalise_email(email), role, service_user_id, carer_id, now)
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    invitation = Invitation(
        code_hash=_hash_code(code),
        email=normalise_email(email),
        role=role,
        service_user_id=service_user_id,
        carer_id=carer_id,
        created_by_id=created_by.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(created_by.id, "invitation_created", "invitation", invitation.id)
    db.session.commit()
    return NewInvitation(invitation, format_code(code))


def _replace_unused(created_by: User, email: str, role: Role, service_user_id: int | None, carer_id: int | None,
                    now: datetime) -> None:
    """A new code for the same person and purpose replaces any earlier one not used yet (a lost
    code), so only one works at a time."""
    for earlier in db.session.scalars(select(Invitation).where(
        Invitation.email == email, Invitation.role == role, Invitation.service_user_id == service_user_id,
        Invitation.carer_id == carer_id, Invitation.used_at.is_(None), Invitation.expires_at > now,
    )):
        earlier.expires_at = now
        audit.record(created_by.id, "invitation_replaced", "invitation", earlier.id)


class InvitationProblem(Exception):
    """The code is wrong, used or expired (one message for all, to give nothing away)."""


def usable_invitation(code: str, email: str, now: datetime) -> Invitation:
    """The invitation this code is for, if it is unused, in date and for this email address;
    InvitationProblem otherwise."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.code_hash == _hash_code(code)))
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= now
        or invitation.email != normalise_email(email)
    ):
        raise InvitationProblem
    return invitation


def invited_person_words(code: str, email: str) -> list[str]:
    """The invited person's own name and email address, as words a password must not be built from."""
    from portal.models import Carer, ServiceUser

    try:
        invitation = usable_invitation(code, email, utcnow())
    except InvitationProblem:
        return personal_words(email)
    person = (db.session.get(ServiceUser, invitation.service_user_id) if invitation.service_user_id
              else db.session.get(Carer, invitation.carer_id) if invitation.carer_id else None)
    return personal_words(email, person.display_name if person else None)


def user_words(user: User) -> list[str]:
    return personal_words(user.email, user.display_name)


def accept_invitation(email: str, code: str, password: str, now: datetime | None = None,
                      locale: str = "en") -> User:
    """``locale``: the language the person was reading when they signed up, kept on their account."""
    now = now or utcnow()
    invitation = usable_invitation(code, email, now)
    if find_user_by_email(email) is not None:
        raise InvitationProblem
    user = User(email=invitation.email, password_hash=hash_password(password), role=invitation.role,
                locale=locale)
    db.session.add(user)
    db.session.flush()
    attach_person(invitation, user)
    invitation.used_at = now
    audit.record(user.id, "invitation_accepted", "invitation", invitation.id)
    db.session.commit()
    return user


def attach_person(invitation: Invitation, user: User) -> None:
    from portal.models import Carer, ServiceUser

    if invitation.role is Role.SERVICE_USER and invitation.service_user_id:
        person = db.session.get(ServiceUser, invitation.service_user_id)
        if person is None or person.user_id is not None:
            raise InvitationProblem
        person.user_id = user.id
    elif invitation.role is Role.CARER and invitation.carer_id:
        carer = db.session.get(Carer, invitation.carer_id)
        if carer is None or carer.user_id is not None:
            raise InvitationProblem
        carer.user_id = user.id
    else:
        raise InvitationProblem
