"""Forgotten passwords: a single-use link, valid for 30 minutes, sent to the account's email address
and, where the trust can send texts, by text message to the mobile number the portal has for the
person (a service user's or carer's, or a member of staff's own) — many people read texts first.

The page that asks for it says the same whether or not an account exists. Only a hash of the link's
token is kept. Setting the new password signs the account out everywhere; staff still need their
second step to sign in afterwards (the reset does not sign anyone in).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import PasswordReset, User
from portal.models.base import utcnow
from portal.models.people import new_session_token
from portal.notify.messages import MessageKind
from portal.notify.port import Message, Notifier, SendError
from portal.notify.rules import Channel
from portal.services import audit
from portal.services.accounts import find_user_by_email, hash_password

VALID_FOR = timedelta(minutes=30)
log = logging.getLogger(__name__)


def by_email(config: Mapping[str, Any]) -> bool:
    return config.get("NOTIFIER", "local") != "govuk_notify" or bool(config.get("NOTIFY_RESET_EMAIL_TEMPLATE_ID"))


def by_text(config: Mapping[str, Any]) -> bool:
    return config.get("NOTIFIER", "local") != "govuk_notify" or bool(config.get("NOTIFY_RESET_SMS_TEMPLATE_ID"))


def available(config: Mapping[str, Any]) -> bool:
    """A reset can be offered only where the link can be sent."""
    return by_email(config) or by_text(config)


def _mobile_of(user: User) -> str | None:
    from portal.forms.validators import is_uk_mobile, normalise_uk_phone
    from portal.services.reminders import contacts_of

    person = user.service_user or user.carer
    if person is not None:
        return contacts_of(person).mobile
    staff = user.staff_member
    return normalise_uk_phone(staff.mobile) if staff and staff.mobile and is_uk_mobile(staff.mobile) else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str, notifier: Notifier, link_for: Callable[[str], str],
                  now: datetime | None = None, *, email_link: bool = True, text_link: bool = False) -> None:
    """Send a link if this is an active account's email address (by email, and by text to their
    mobile when ``text_link``); otherwise do nothing, quietly."""
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                   PasswordReset.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(user_id=user.id, token_hash=_hash(token), created_at=now, expires_at=now + VALID_FOR)
    db.session.add(reset)
    db.session.flush()
    audit.record(None, "password_reset_requested", "user", user.id)
    link = link_for(token)
    mobile = _mobile_of(user) if text_link else None
    for channel, to in ((Channel.EMAIL, user.email if email_link else None), (Channel.SMS, mobile)):
        if not to:
            continue
        try:
            notifier.send(Message(channel=channel, to=to, personalisation={"link": link},
                                  reference=f"password-reset-{reset.id}", unsubscribe_url="",
                                  kind=MessageKind.PASSWORD_RESET, locale=user.locale))
        except SendError as error:
            log.warning("password reset %s not sent by %s: %s", reset.id, channel.value, error.reason)
    db.session.commit()


def usable(token: str, now: datetime | None = None) -> PasswordReset | None:
    reset = db.session.scalar(select(PasswordReset).filter_by(token_hash=_hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= (now or utcnow()):
        return None
    user = db.session.get(User, reset.user_id)
    return reset if user is not None and user.active else None


def user_of(reset: PasswordReset) -> User:
    user = db.session.get(User, reset.user_id)
    assert user is not None  # usable() checked
    return user


def set_new_password(reset: PasswordReset, password: str, now: datetime | None = None) -> User:
    """The new password; every session of the account ends, and the link stops working."""
    user = user_of(reset)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    reset.used_at = now or utcnow()
    audit.record(user.id, "password_reset", "user", user.id)
    db.session.commit()
    return user
