"""The second step at sign-in, setting it up, recovery codes, and turning it on or off."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from portal import guessing, session_lifetime
from portal.access import public, signed_in
from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import CodeForm
from portal.extensions import db
from portal.forms import messages
from portal.htmx import redirect_after_post
from portal.models import User
from portal.services import second_factor

PENDING_USER = "pending_user_id"
PENDING_TOKEN = "pending_session_token"  # nosec B105 # a session key name, not a secret
PENDING_SINCE = "pending_since"
PENDING_NEXT = "pending_next"
PENDING_SECRET = "pending_secret"  # nosec B105 # a session key name, not a secret
NEW_CODES = "new_recovery_codes"
_PENDING_SECONDS = 10 * 60
T = TypeVar("T")


def start_second_step(user: User, next_url: str | None) -> Response:
    """The password was right: ask for the second step before signing in."""
    session.clear()
    session.update({PENDING_USER: user.id, PENDING_TOKEN: user.session_token, PENDING_SINCE: time.time(),
                    PENDING_NEXT: next_url})
    if second_factor.factor_of(user) is None:
        return redirect_after_post(url_for("auth.set_up_second_step"))
    return redirect_after_post(url_for("auth.second_step"))


def _pending_user() -> User | None:
    user_id, since = session.get(PENDING_USER), session.get(PENDING_SINCE)
    if not isinstance(user_id, int) or not isinstance(since, float) or time.time() - since > _PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_token != session.get(PENDING_TOKEN):
        return None
    return user


def _finish_sign_in(user: User) -> str:
    next_url = session.get(PENDING_NEXT)
    session.clear()
    login_user(user)
    session_lifetime.start()
    return next_url or url_for("public.home")


def _start_again() -> Response:
    session.clear()
    flash(_("Sign in again: the time to finish signing in ran out."), "info")
    return redirect_after_post(url_for("auth.login"))


def _check_code(user: User, form: CodeForm,
                check: Callable[[str], T | None]) -> tuple[tuple[str, int] | None, T | None]:
    """Limit and check a code: (the "too many tries" page, None), (None, what ``check`` gave for a
    right code), or (None, None) for a wrong one, with the form's error set."""
    refusal = guessing.refused("second_factor", str(user.id))
    if refusal is not None:
        return guessing.too_many(refusal, "second_factor"), None
    result = check(form.code.data)
    if result is not None:
        guessing.succeeded("second_factor", str(user.id))
        return None, result
    guessing.failed("second_factor", str(user.id))
    form.code.errors = [str(messages.SECOND_STEP_CODE_WRONG)]
    return None, None


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_step() -> str | Response | tuple[str, int]:
    user = _pending_user()
    if user is None or second_factor.factor_of(user) is None:
        return _start_again()
    form = CodeForm()
    if form.validate_on_submit():
        refused, right = _check_code(user, form, lambda code: True if second_factor.verify(user, code) else None)
        if refused is not None:
            return refused
        if right:
            return redirect_after_post(_finish_sign_in(user))
    return render_template("auth/second_step.html", form=form)


def _set_up(user: User, action: str, signing_in: bool) -> str | Response | tuple[str, int]:
    """Show a new secret (kept in the session until a code from it is right), then save it."""
    form = CodeForm()
    secret = session.get(PENDING_SECRET)
    if form.validate_on_submit() and isinstance(secret, str):
        shown: str = secret
        refused, codes = _check_code(user, form, lambda code: second_factor.enrol(user, shown, code))
        if refused is not None:
            return refused
        if codes is not None:
            if signing_in:
                _finish_sign_in(user)
            session.pop(PENDING_SECRET, None)
            session[NEW_CODES] = codes
            return redirect_after_post(url_for("auth.new_recovery_codes"))
    if not isinstance(secret, str):
        secret = session[PENDING_SECRET] = second_factor.new_secret()
    uri = second_factor.provisioning_uri(secret, user.email, current_app.config["SERVICE_NAME"])
    return render_template(
        "auth/set_up_second_step.html", form=form, action=action,
        qr_svg=second_factor.qr_svg(uri, _("QR code to scan with your authenticator app")),
        secret_groups=[secret[i:i + 4] for i in range(0, len(secret), 4)],
    )


@bp.route("/login/set-up-code", methods=["GET", "POST"])
@public
def set_up_second_step() -> str | Response | tuple[str, int]:
    """Staff who have no authenticator app yet set one up before they are signed in."""
    user = _pending_user()
    if user is None:
        return _start_again()
    return _set_up(user, url_for("auth.set_up_second_step"), signing_in=True)


@bp.route("/account/second-step/set-up", methods=["GET", "POST"])
@signed_in
def turn_on_second_step() -> str | Response | tuple[str, int]:
    """Anyone signed in may add a second step (or move it to a new phone)."""
    return _set_up(current_user._get_current_object(), url_for("auth.turn_on_second_step"), signing_in=False)


@bp.get("/account/recovery-codes/new")
@signed_in
def new_recovery_codes() -> str | Response:
    codes = session.pop(NEW_CODES, None)
    if not codes:
        return redirect(url_for("auth.account_second_step"))
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.get("/account/second-step")
@signed_in
def account_second_step() -> str:
    user = current_user._get_current_object()
    return render_template(
        "auth/account_second_step.html", factor=second_factor.factor_of(user),
        mandatory=second_factor.mandatory(user), codes_left=second_factor.recovery_codes_left(user),
    )


@bp.post("/account/recovery-codes")
@signed_in
def replace_recovery_codes() -> Response:
    user = current_user._get_current_object()
    if second_factor.factor_of(user) is None:
        return redirect_after_post(url_for("auth.account_second_step"))
    session[NEW_CODES] = second_factor.new_recovery_codes(user)
    return redirect_after_post(url_for("auth.new_recovery_codes"))


@bp.post("/account/second-step/removal")
@signed_in
def turn_off_second_step() -> Response:
    user = current_user._get_current_object()
    if second_factor.mandatory(user):
        flash(_("Staff accounts must keep a second step."), "info")
    else:
        second_factor.turn_off(user)
        flash(_("The second step is turned off. You sign in with your password only."), "info")
    return redirect_after_post(url_for("auth.account_second_step"))
