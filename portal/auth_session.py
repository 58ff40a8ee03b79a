"""Flask-Login wiring: the session cookie names the user and their current session token."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.extensions import db, login_manager
from portal.models import User


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


# With the person the account is for, in the same query: every page shows their name. Built once:
# every signed-in request runs it, and a statement made afresh (as Session.get with options does)
# has its cache key worked out afresh too, which took as long again as the query itself.
_USER_WITH_PERSON = select(User).options(
    joinedload(User.staff_member), joinedload(User.service_user), joinedload(User.carer),
).where(User.id == bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.execute(_USER_WITH_PERSON, {"user_id": int(raw_id)}).unique().scalar_one_or_none()
    if user is None or not user.active or user.session_token != token:
        return None
    return user
