"""How long a signed-in session lasts: an idle timeout and an absolute lifetime, kept on the server.

Idle: staff 30 minutes, everyone else 60 (``IDLE_MINUTES_STAFF``, ``IDLE_MINUTES``). Absolute:
``SESSION_ABSOLUTE_HOURS`` from signing in, however busy. Both are checked on every request from
times kept in the signed session cookie, so they hold without JavaScript and on every instance.
Requests the page makes by itself (the live session's poll, marked ``X-Portal-Background``) do not
count as using the portal. With JavaScript, the page warns two minutes before (portal.js, the
layout's dialog) and lets the person stay signed in (WCAG 2.2.1); typing counts as using it.
"""

from __future__ import annotations

import time
from enum import Enum

from flask import Flask, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from portal.access import ACCESS_ATTRIBUTE, PUBLIC
from portal.htmx import redirect_after_post, wants_fragment

BACKGROUND_HEADER = "X-Portal-Background"
SEEN = "seen_at"
SIGNED_IN = "signed_in_at"
_WRITE_EVERY_SECONDS = 30  # don't rewrite the cookie on every click


class Ended(Enum):
    IDLE = "idle"
    TOO_LONG = "too_long"


def idle_seconds(is_staff: bool) -> int:
    minutes = current_app.config["IDLE_MINUTES_STAFF" if is_staff else "IDLE_MINUTES"]
    return int(minutes * 60)


def why_ended(now: float, seen_at: float, signed_in_at: float, idle: float, absolute: float) -> Ended | None:
    if now - signed_in_at > absolute:
        return Ended.TOO_LONG
    if now - seen_at > idle:
        return Ended.IDLE
    return None


def seconds_left(now: float, seen_at: float, signed_in_at: float, idle: float, absolute: float) -> int:
    return max(0, int(min(seen_at + idle, signed_in_at + absolute) - now))


def init_session_lifetime(app: Flask) -> None:
    app.before_request(_check_session)
    app.jinja_env.globals["session_idle_seconds"] = lambda: idle_seconds(current_user.is_staff)


def start() -> None:
    """Call when someone signs in."""
    now = time.time()
    session[SIGNED_IN] = now
    session[SEEN] = now


def still_here(force: bool = False) -> None:
    """The person used the portal (or asked to stay signed in)."""
    now = time.time()
    if force or now - float(session.get(SEEN, 0)) >= _WRITE_EVERY_SECONDS:
        session[SEEN] = now


def remaining() -> int:
    now = time.time()
    return seconds_left(now, float(session.get(SEEN, now)), float(session.get(SIGNED_IN, now)),
                        idle_seconds(current_user.is_staff), _absolute())


def _absolute() -> float:
    return float(current_app.config["SESSION_ABSOLUTE_HOURS"]) * 3600


def _check_session() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    session.setdefault(SIGNED_IN, now)  # a session from before this rule: counted from now
    session.setdefault(SEEN, now)
    ended = why_ended(now, float(session[SEEN]), float(session[SIGNED_IN]),
                      idle_seconds(current_user.is_staff), _absolute())
    if ended is None:
        if request.headers.get(BACKGROUND_HEADER) != "1":
            still_here()
        return None
    minutes = idle_seconds(current_user.is_staff) // 60
    logout_user()
    session.clear()
    view = current_app.view_functions.get(request.endpoint or "")
    open_to_all = getattr(view, ACCESS_ATTRIBUTE, None) == PUBLIC
    if ended is Ended.IDLE:
        flash(ngettext("You were signed out because you had not used the portal for %(num)d minute. "
                       "This keeps your information safe.",
                       "You were signed out because you had not used the portal for %(num)d minutes. "
                       "This keeps your information safe.", minutes), "info")
    else:
        flash(_("You were signed out because you had been signed in for a long time. "
                "This keeps your information safe."), "info")
    if open_to_all and request.method == "GET":
        return None  # a page for everyone: shown signed out, with the message
    if request.method != "GET":
        flash(_("What you just sent was not saved. Sign in, then try again."), "info")
    next_path = request.full_path.rstrip("?") if request.method == "GET" and not wants_fragment() else None
    return redirect_after_post(url_for("auth.login", next=next_path) if next_path else url_for("auth.login"))
