"""A second step at sign-in: a 6-digit code from an authenticator app (RFC 6238 TOTP), or a
single-use recovery code.

Staff (key workers, team leads, administrators) must have one: they reach whole caseloads.
Service users and carers may turn it on. An administrator can reset a lost one; the person then
sets it up again at their next sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.models import RecoveryCode, Role, SecondFactor, User
from portal.models.base import utcnow
from portal.models.people import new_session_token
from portal.services import audit

RECOVERY_CODES = 10
STEP_SECONDS = 30
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # nothing to misread: no 0/O, 1/I/L


def mandatory(user: User) -> bool:
    """Staff and administrators must use a second step; others may choose to."""
    return user.is_staff or user.role is Role.ADMIN


def required(user: User) -> bool:
    """Whether signing in needs the second step."""
    return mandatory(user) or factor_of(user) is not None


def factor_of(user: User) -> SecondFactor | None:
    return db.session.scalar(select(SecondFactor).filter_by(user_id=user.id))


def new_secret() -> str:
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> str:
    """The QR code an authenticator app scans, drawn here (no outside service), as inline SVG."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, title=title, svgclass="portal-qr",
                                                    lineclass=None, omitsize=False)


def _step_accepted(secret: str, code: str, now: float, after_step: int | None) -> int | None:
    """The 30-second step this code belongs to (one either side allowed for a slow phone clock),
    or None. A step at or before ``after_step`` was used already: refused."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if (after_step is None or step > after_step) and secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def enrol(user: User, secret: str, code: str, now: float | None = None) -> list[str] | None:
    """Set up the authenticator app whose secret was shown, if ``code`` is from it. Returns the
    recovery codes (shown once, kept only as hashes), or None if the code is not right."""
    step = _step_accepted(secret, code, now or time.time(), None)
    if step is None:
        return None
    db.session.execute(delete(SecondFactor).filter_by(user_id=user.id))
    db.session.add(SecondFactor(user_id=user.id, secret=secret, last_used_step=step))
    codes = _replace_recovery_codes(user)
    audit.record(user.id, "second_factor_set_up", "user", user.id)
    db.session.commit()
    return codes


def verify(user: User, code: str, now: float | None = None) -> bool:
    """A code from their app (each accepted once), or one of their unused recovery codes."""
    factor = factor_of(user)
    if factor is None:
        return False
    step = _step_accepted(factor.secret, code, now or time.time(), factor.last_used_step)
    if step is not None:
        factor.last_used_step = step
        audit.record(user.id, "second_factor_used", "user", user.id)
        db.session.commit()
        return True
    recovery = db.session.scalar(select(RecoveryCode).filter_by(
        user_id=user.id, code_hash=_hash(code), used_at=None))
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    audit.record(user.id, "recovery_code_used", "user", user.id)
    db.session.commit()
    return True


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .filter_by(user_id=user.id, used_at=None)) or 0


def new_recovery_codes(user: User) -> list[str]:
    codes = _replace_recovery_codes(user)
    audit.record(user.id, "recovery_codes_replaced", "user", user.id)
    db.session.commit()
    return codes


def turn_off(user: User) -> None:
    """Service users and carers may turn it off again (staff may not: ``required``)."""
    _remove(user)
    audit.record(user.id, "second_factor_turned_off", "user", user.id)
    db.session.commit()


def reset(admin: User, user: User) -> bool:
    """An administrator resets a lost factor: every session ends, and staff set it up again.
    False (and nothing changes) when the account has none."""
    if factor_of(user) is None:
        return False
    _remove(user)
    user.session_token = new_session_token()
    audit.record(admin.id, "second_factor_reset", "user", user.id)
    db.session.commit()
    return True


def _remove(user: User) -> None:
    db.session.execute(delete(SecondFactor).filter_by(user_id=user.id))
    db.session.execute(delete(RecoveryCode).filter_by(user_id=user.id))


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).filter_by(user_id=user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def _hash(code: str) -> str:
    """Recovery codes are 50 random bits: a plain SHA-256 is enough (as for invitation codes)."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()
