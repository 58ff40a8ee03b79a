"""Signing in and out, passwords, and accepting an invitation."""

from __future__ import annotations

import re

from flask import current_app, flash, jsonify, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from portal import guessing, session_lifetime
from portal.access import public, signed_in
from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgottenPasswordForm,
    LoginForm,
    NewPasswordForm,
)
from portal.blueprints.auth.second_factor_views import start_second_step
from portal.extensions import db
from portal.forms import messages
from portal.htmx import redirect_after_post
from portal.notify import notifier_from_config
from portal.oidc import settings as oidc_settings
from portal.services import accounts, password_reset, second_factor

# A path on this site, as Flask-Login writes it into ``?next=`` (already percent-encoded): URL
# characters only, so no space, tab or backslash a browser would drop or turn into "//other.host".
_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]{0,1999}")


def _safe_next(target: str | None) -> str | None:
    """Where to go after signing in: a path on this site, or None (never echoed otherwise)."""
    if target and _LOCAL_PATH.fullmatch(target):
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect_after_post(url_for("public.home"))
    form = LoginForm()
    if form.validate_on_submit():
        refusal = guessing.refused("sign_in", form.email.data)
        if refusal is not None:
            return guessing.too_many(refusal, "sign_in")
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            guessing.succeeded("sign_in", form.email.data)
            next_url = _safe_next(request.args.get("next"))
            if second_factor.required(user):
                return guessing.remember_browser(start_second_step(user, next_url))
            session.clear()  # a fresh session on sign-in: nothing carried over from before
            login_user(user)
            session_lifetime.start()
            return guessing.remember_browser(redirect_after_post(next_url or url_for("public.home")))
        guessing.failed("sign_in", form.email.data)
        form.email.errors = [str(messages.SIGN_IN_FAILED)]
    return render_template("auth/login.html", form=form, sign_in_with={
        provider: oidc_settings.enabled(current_app.config, provider) for provider in ("nhs_login", "cis2")})


@bp.post("/logout")
@signed_in
def logout() -> Response:
    accounts.sign_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect_after_post(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> str | Response | tuple[str, int]:
    if current_user.password_hash is None:  # signs in only with NHS login or NHS Care Identity
        return render_template("auth/no_password.html")
    form = ChangePasswordForm()
    form.personal_words = accounts.user_words(current_user._get_current_object())
    if form.validate_on_submit():
        user = current_user._get_current_object()
        refusal = guessing.refused("current_password", str(user.id))
        if refusal is not None:
            return guessing.too_many(refusal, "current_password")
        if accounts.change_password(user, form.current_password.data, form.new_password.data):
            guessing.succeeded("current_password", str(user.id))
            login_user(user)  # the session token changed: keep this session, end the others
            flash(_("Your password has been changed. You have been signed out everywhere else."), "info")
            return redirect_after_post(url_for("public.home"))
        guessing.failed("current_password", str(user.id))
        form.current_password.errors = [str(messages.CURRENT_PASSWORD_WRONG)]
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitation", methods=["GET", "POST"])
@public
def accept_invitation() -> str | Response | tuple[str, int]:
    form = AcceptInvitationForm()
    form.personal_words = accounts.invited_person_words(form.code.data or "", form.email.data or "")
    if form.validate_on_submit():
        refusal = guessing.refused("invitation_code", form.email.data)
        if refusal is not None:
            return guessing.too_many(refusal, "invitation_code")
        try:
            user = accounts.accept_invitation(form.email.data, form.code.data, form.new_password.data,
                                              locale=str(get_locale()))
        except accounts.InvitationProblem:
            guessing.failed("invitation_code", form.email.data)
            form.code.errors = [str(messages.CODE_NOT_RIGHT)]
        else:
            session.clear()
            login_user(user)
            session_lifetime.start()
            flash(_("Your account is ready. Welcome."), "info")
            return redirect_after_post(url_for("public.home"))
    return render_template("auth/accept_invitation.html", form=form)


@bp.post("/session/stay")
@signed_in
def stay_signed_in() -> Response:
    """The warning's "Stay signed in" (and typing, with JavaScript): the session goes on."""
    session_lifetime.still_here(force=True)
    return Response(status=204)


@bp.get("/session/remaining")
@signed_in
def session_remaining() -> Response:
    """Seconds until this session ends, for the warning (asked with X-Portal-Background)."""
    return jsonify(seconds=session_lifetime.remaining())


@bp.route("/password/forgotten", methods=["GET", "POST"])
@public
def forgotten_password() -> str | Response | tuple[str, int]:
    if not password_reset.available(current_app.config):
        return render_template("auth/forgotten_password_unavailable.html")
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        refusal = guessing.refused("password_reset", form.email.data)
        if refusal is not None:
            return guessing.too_many(refusal, "password_reset")
        guessing.failed("password_reset", form.email.data)  # every request counts

        def link_for(token: str) -> str:
            return f"{current_app.config['PUBLIC_BASE_URL']}{url_for('auth.reset_password', token=token)}"

        password_reset.request_reset(form.email.data, notifier_from_config(current_app.config, db.session),
                                     link_for, email_link=password_reset.by_email(current_app.config),
                                     text_link=password_reset.by_text(current_app.config))
        return redirect_after_post(url_for("auth.reset_link_sent"))
    return render_template("auth/forgotten_password.html", form=form,
                           by_email=password_reset.by_email(current_app.config),
                           by_text=password_reset.by_text(current_app.config))


@bp.get("/password/forgotten/sent")
@public
def reset_link_sent() -> str:
    return render_template("auth/reset_link_sent.html", by_email=password_reset.by_email(current_app.config),
                           by_text=password_reset.by_text(current_app.config))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> str | Response:
    reset = password_reset.usable(token[:100])
    if reset is None:
        return render_template("auth/reset_link_not_working.html")
    form = NewPasswordForm()
    user = password_reset.user_of(reset)
    form.personal_words = accounts.user_words(user)
    if form.validate_on_submit():
        password_reset.set_new_password(reset, form.new_password.data)
        session.clear()
        flash(_("Your password has been changed, and you have been signed out everywhere. "
                "Sign in with your new password."), "info")
        return redirect_after_post(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token)
