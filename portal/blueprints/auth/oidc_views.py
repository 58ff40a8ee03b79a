"""Signing in with NHS login (service users, carers) and NHS CIS2 (staff). Both are off, and their
pages 404, unless configured (README "NHS login and NHS CIS2").

An NHS login sign-in below P9 (identity checked with photo ID) opens only the pages that show no
care information (``require_p9_for_care_information``): the rest offer the step-up first.
"""

from __future__ import annotations

import json
import time

from flask import Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from portal import guessing, session_lifetime
from portal.access import public, signed_in
from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import NhsLoginInvitationForm
from portal.blueprints.auth.views import _safe_next
from portal.forms import messages
from portal.htmx import redirect_after_post
from portal.models import User
from portal.oidc.client import Attempt, Identity, OpenIDClient, ProviderUnavailable, SignInRefused
from portal.oidc.settings import client_settings
from portal.services import accounts, audit, external_identity, record_sync
from portal.services.external_identity import P9, Outcome

ATTEMPT = "oidc_attempt"
SIGNED_IN_WITH = "signed_in_with"
IDENTITY_LEVEL = "identity_level"
PENDING_IDENTITY = "nhs_login_pending"
_PENDING_SECONDS = 10 * 60
# What NHS login may answer with (Vectors of Trust): first sign-in accepts P5 or P9; the step-up asks
# for P9 only. Each with a password and a one-time code, a shared key, or a FIDO device.
_P9_VECTORS = ["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]
_P5_VECTORS = ["P5.Cp.Cd", "P5.Cp.Ck", "P5.Cm"]
# Pages an NHS login session below P9 may open: none of them shows care information.
_OPEN_BELOW_P9 = {"static", "public", "auth"}


def _client(provider: str) -> OpenIDClient:
    settings = client_settings(current_app.config, provider)
    if settings is None:
        abort(404)
    return OpenIDClient(settings)


def _start(provider: str, **extra: str) -> Response:
    client = _client(provider)
    attempt = Attempt.new()
    try:
        url = client.authorisation_url(attempt, **extra)
    except ProviderUnavailable:
        return Response(render_template("auth/provider_unavailable.html", provider=provider), status=503)
    session[ATTEMPT] = {**attempt.as_dict(), "provider": provider, "next": _safe_next(request.args.get("next"))}
    return redirect(url, code=303)


def _finish(provider: str) -> tuple[Identity | None, Response | tuple[str, int] | None, str | None]:
    """(who signed in, None, where to go next) or (None, the page that says it did not work, None)."""
    client = _client(provider)  # 404 while the provider is off
    stored = session.pop(ATTEMPT, None)
    attempt = Attempt.from_dict(stored)
    if attempt is None or not isinstance(stored, dict) or stored.get("provider") != provider:
        return None, (render_template("auth/external_sign_in_failed.html", provider=provider), 400), None
    try:
        identity = client.finish(attempt, request.args.to_dict())
    except SignInRefused as refused:
        current_app.logger.warning("%s sign-in refused: %s", provider, refused.reason)
        audit.record_now(None, "external_sign_in_refused")
        return None, (render_template("auth/external_sign_in_failed.html", provider=provider), 400), None
    except ProviderUnavailable as problem:
        current_app.logger.warning("%s unavailable: %s", provider, problem)
        return None, (render_template("auth/provider_unavailable.html", provider=provider), 503), None
    return identity, None, stored.get("next")


def _sign_in(user: User, provider: str, level: str, next_url: str | None) -> Response:
    session.clear()  # a fresh session: nothing carried over from before
    login_user(user)
    session_lifetime.start()
    session[SIGNED_IN_WITH] = provider
    if level:
        session[IDENTITY_LEVEL] = level
    if user.service_user is not None:
        record_sync.pull_for_user(user)
    return redirect_after_post(next_url or url_for("public.home"))


# --- NHS login ---------------------------------------------------------------------------------------


@bp.get("/nhs-login/start")
@public
def start_nhs_login() -> Response:
    if request.args.get("level") == P9:  # the step-up: the person proves who they are again, at P9
        return _start("nhs_login", vtr=json.dumps(_P9_VECTORS), prompt="login")
    return _start("nhs_login", vtr=json.dumps(_P9_VECTORS + _P5_VECTORS))


@bp.get("/nhs-login/callback")
@public
def nhs_login_callback() -> Response | tuple[str, int]:
    identity, failed, next_url = _finish("nhs_login")
    if identity is None:
        return failed  # type: ignore[return-value]
    result = external_identity.sign_in_with_nhs_login(identity)
    if result.outcome is Outcome.SIGNED_IN and result.user is not None:
        return _sign_in(result.user, "nhs_login", result.level, next_url)
    session.clear()
    if result.outcome is Outcome.NOT_FOUND:
        session[PENDING_IDENTITY] = {"subject": identity.subject, "issuer": identity.issuer,
                                     "level": external_identity.identity_level(identity), "since": time.time()}
    status = 200 if result.outcome is Outcome.NOT_FOUND else 403
    return render_template("auth/nhs_login_outcome.html", outcome=result.outcome.value), status


@bp.route("/nhs-login/invitation", methods=["GET", "POST"])
@public
def link_nhs_login_by_invitation() -> str | Response | tuple[str, int]:
    """A carer who signed in with NHS login and has an invitation code from the team."""
    pending = session.get(PENDING_IDENTITY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("since", 0)) > _PENDING_SECONDS:
        return render_template("auth/external_sign_in_failed.html", provider="nhs_login"), 400
    form = NhsLoginInvitationForm()
    if form.validate_on_submit():
        refusal = guessing.refused("invitation_code", form.email.data)
        if refusal is not None:
            return guessing.too_many(refusal, "invitation_code")
        identity = Identity(issuer=str(pending["issuer"]), subject=str(pending["subject"]))
        try:
            user = external_identity.link_carer_by_invitation(identity, form.email.data, form.code.data,
                                                                  locale=str(get_locale()))
        except accounts.InvitationProblem:
            guessing.failed("invitation_code", form.email.data)
            form.code.errors = [str(messages.CODE_NOT_RIGHT)]
        else:
            return _sign_in(user, "nhs_login", str(pending.get("level", "")), None)
    return render_template("auth/nhs_login_invitation.html", form=form)


@bp.get("/nhs-login/check-your-identity")
@signed_in
def identity_step_up() -> str:
    """Signed in with NHS login below P9: the step-up to see care information."""
    return render_template("auth/identity_step_up.html", next_url=_safe_next(request.args.get("next")))


# --- CIS2 --------------------------------------------------------------------------------------------


@bp.get("/cis2/start")
@public
def start_cis2() -> Response:
    assurance = current_app.config.get("CIS2_ASSURANCE", "AAL2")
    acr_values = external_identity.CIS2_ACR_REQUESTED[assurance]
    if request.args.get("again"):  # after "no role" or a weak check: sign in afresh, choosing again
        return _start("cis2", acr_values=acr_values, prompt="login")
    return _start("cis2", acr_values=acr_values)


@bp.get("/cis2/callback")
@public
def cis2_callback() -> Response | tuple[str, int]:
    identity, failed, next_url = _finish("cis2")
    if identity is None:
        return failed  # type: ignore[return-value]
    result = external_identity.sign_in_with_cis2(identity, current_app.config.get("CIS2_ROLE_MAP") or {},
                                                 current_app.config.get("CIS2_ASSURANCE", "AAL2"))
    if result.outcome is Outcome.SIGNED_IN and result.user is not None:
        return _sign_in(result.user, "cis2", "", next_url)
    session.clear()
    return render_template("auth/cis2_outcome.html", outcome=result.outcome.value), 403


# --- the P9 gate ---------------------------------------------------------------------------------------


def require_p9_for_care_information() -> Response | None:
    if (session.get(SIGNED_IN_WITH) != "nhs_login" or session.get(IDENTITY_LEVEL) == P9
            or not current_user.is_authenticated):
        return None
    blueprint = (request.endpoint or "").split(".")[0]
    if blueprint in _OPEN_BELOW_P9:
        return None
    return redirect(url_for("auth.identity_step_up", next=request.full_path.rstrip("?")), code=303)


def init_identity_gate(app: Flask) -> None:
    app.before_request(require_p9_for_care_information)
