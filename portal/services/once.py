"""Sending the same form twice makes one thing, not two.

Every form that creates something says what was sent (``Sent``, from ``portal/forms/once.py``):
its one-time token, made when the form was shown, and a key of its content and address. The
create service claims both in its own transaction, before it adds anything, and refuses with
``AlreadySent`` when

- the token was used already (a double tap; Back to a page the browser kept), or
- the same person sent the very same content to the same address a moment ago (Back to a page
  the browser loads again: personal pages are never cached, so it comes with a new token, and the
  browser puts back what was typed).

The unique (user, token) constraint settles two sends that arrive at the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import UsedFormToken, User
from portal.models.base import utcnow

REPEAT_WINDOW = timedelta(minutes=15)  # the same words again, sooner than this, were sent twice


@dataclass(frozen=True)
class Sent:
    """What one send of a form carries: its one-time token and a key of its content (each may be
    empty: a form from before tokens, or a client that sent none)."""

    token: str = ""
    content: str = ""


class AlreadySent(Exception):
    """This form was sent before, and what it made already exists."""


def claim(user: User, sent: Sent | None) -> None:
    """Mark ``sent`` used by ``user`` (committed with the caller's change), or refuse a repeat."""
    if sent is None:
        return
    keys = [key for key in (sent.token, sent.content) if key]
    if not keys:
        return
    now = utcnow()
    used = {row.token: row for row in db.session.scalars(
        select(UsedFormToken).where(UsedFormToken.user_id == user.id, UsedFormToken.token.in_(keys))
    )}
    same_content = used.get(sent.content) if sent.content else None
    if (sent.token and sent.token in used) or (same_content and same_content.used_at > now - REPEAT_WINDOW):
        raise AlreadySent
    if sent.token:
        db.session.add(UsedFormToken(user_id=user.id, token=sent.token, used_at=now))
    if same_content is not None:
        same_content.used_at = now  # the same words, sent again on purpose much later
    elif sent.content:
        db.session.add(UsedFormToken(user_id=user.id, token=sent.content, used_at=now))
    try:
        db.session.flush()
    except IntegrityError:  # the same form, sent again while the first was being saved
        db.session.rollback()
        raise AlreadySent from None
