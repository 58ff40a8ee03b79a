"""A signed-in person chooses their language: saved on their account, so their pages, emails and
text messages follow it (portal/i18n.py, portal/notify/messages.py)."""

from __future__ import annotations

from portal.extensions import db
from portal.models import User
from portal.services import audit


def choose_language(user: User, code: str) -> None:
    """Save ``code`` (already checked to be an offered language) as ``user``'s language, audited."""
    if user.locale == code:
        return
    user.locale = code
    audit.record(user.id, "language_changed", "user", user.id)
    db.session.commit()
