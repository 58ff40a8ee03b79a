"""The service user's safety plan: read it, write it one step at a time, print it, and (if the
trust allows) let their own phone show it without signing in.

One step per page, not seven boxes on one page: on a phone, in distress, one question at a time
is easier to take in, an error or a lost signal costs one step rather than the whole plan, and
each step is saved as soon as it is written.
"""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import public, roles
from portal.blueprints.me import bp
from portal.forms.safety_plans import ConfirmForm, SafetyPlanStepForm
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.presenters import safety_plans as presenter
from portal.services import people, safety_plans
from portal.services.safety_plans import SafetyPlanConflict

PHONE_COOKIE = "safety_plan_phone"
PHONE_COOKIE_PATH = "/me/safety-plan"


def _person_and_plan():  # type: ignore[no-untyped-def]
    person = people.own_service_user(current_user)
    return person, safety_plans.current(person)


def _phones_allowed() -> bool:
    return bool(current_app.config["SAFETY_PLAN_ON_TRUSTED_DEVICE"])


def _require_phones_allowed() -> None:
    if not _phones_allowed():
        abort(404)


def _phone_token() -> str | None:
    return request.cookies.get(PHONE_COOKIE)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/safety-plan")
@roles(Role.SERVICE_USER)
def safety_plan() -> str:
    person, plan = _person_and_plan()
    return render_template(
        "me/safety_plan.html", person=person, plan=plan, steps=presenter.STEPS,
        text=safety_plans.steps_of(plan), has_content=safety_plans.has_content(plan),
        phones_allowed=_phones_allowed(),
    )


@bp.route("/safety-plan/steps/<step>", methods=["GET", "POST"])
@roles(Role.SERVICE_USER)
def edit_safety_plan_step(step: str) -> str | Response | tuple[str, int]:
    person, plan = _person_and_plan()
    this_step = presenter.step(step)
    if this_step is None:
        abort(404)
    walk = request.args.get("walk") == "1"
    form = SafetyPlanStepForm()
    if not form.is_submitted():
        form.version.data = str(plan.version if plan else 0)
        form.text.data = safety_plans.steps_of(plan)[step]
    conflict = None
    if form.validate_on_submit():
        text = form.text.data or ""
        try:
            if plan is not None or text.strip():
                safety_plans.save(current_user, person, {step: text}, form.based_on())
        except SafetyPlanConflict as error:
            conflict = error
            form.version.data = str(error.version)  # saving again keeps what they typed, on top of the newer plan
        else:
            return redirect_after_post(_after_step(this_step.number, walk, saved=bool(plan or text.strip())))
    page = render_template(
        "me/safety_plan_step.html", person=person, step=this_step, form=form, walk=walk,
        total=len(presenter.STEPS), conflict=conflict,
        newer_text=conflict.steps[step] if conflict else "",
        changed_by_you=bool(conflict and conflict.updated_by_id == current_user.id),
    )
    return (page, 409) if conflict else page


def _after_step(number: int, walk: bool, saved: bool) -> str:
    if walk and number < len(presenter.STEPS):
        return url_for("me.edit_safety_plan_step", step=presenter.STEPS[number].code, walk="1")
    if saved:
        flash(_("Your safety plan is saved."), "info")
    return url_for("me.safety_plan", _anchor=f"step-{number}")


@bp.get("/safety-plan/print")
@roles(Role.SERVICE_USER)
def print_safety_plan() -> str | Response:
    person, plan = _person_and_plan()
    if not safety_plans.has_content(plan):
        return redirect(url_for("me.safety_plan"))
    return render_template("me/safety_plan_print.html", person=person, plan=plan, steps=presenter.STEPS,
                           text=safety_plans.steps_of(plan), back_url=url_for("me.safety_plan"))


# This phone ----------------------------------------------------------------------------------

@bp.get("/safety-plan/this-phone")
@roles(Role.SERVICE_USER)
def safety_plan_phone() -> str:
    _require_phones_allowed()
    person, plan = _person_and_plan()
    return render_template(
        "me/safety_plan_phone.html", person=person, form=ConfirmForm(),
        this_phone=safety_plans.is_trusted_device(current_user, _phone_token()),
        phones=safety_plans.trusted_devices(current_user),
    )


@bp.post("/safety-plan/this-phone/trust")
@roles(Role.SERVICE_USER)
def trust_this_phone() -> Response:
    _require_phones_allowed()
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect_after_post(url_for("me.safety_plan_phone"))
    safety_plans.forget_device(current_user, _phone_token())  # one token per phone, never two
    token = safety_plans.trust_device(current_user)
    flash(_("This phone will now show your safety plan without signing in."), "info")
    response = redirect_after_post(url_for("me.safety_plan_phone"))
    response.set_cookie(
        PHONE_COOKIE, token, max_age=safety_plans.DEVICE_DAYS * 24 * 60 * 60, path=PHONE_COOKIE_PATH,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]), httponly=True, samesite="Lax",
    )
    return response


@bp.post("/safety-plan/this-phone/forget")
@roles(Role.SERVICE_USER)
def forget_this_phone() -> Response:
    _require_phones_allowed()
    form = ConfirmForm()
    if form.validate_on_submit():
        safety_plans.forget_device(current_user, _phone_token())
        flash(_("This phone will no longer show your safety plan without signing in."), "info")
    response = redirect_after_post(url_for("me.safety_plan_phone"))
    response.delete_cookie(PHONE_COOKIE, path=PHONE_COOKIE_PATH)
    return response


@bp.post("/safety-plan/phones/forget")
@roles(Role.SERVICE_USER)
def forget_all_phones() -> Response:
    _require_phones_allowed()
    form = ConfirmForm()
    if form.validate_on_submit():
        safety_plans.forget_all_devices(current_user)
        flash(_("No phone will show your safety plan without signing in now."), "info")
    response = redirect_after_post(url_for("me.safety_plan_phone"))
    response.delete_cookie(PHONE_COOKIE, path=PHONE_COOKIE_PATH)
    return response


@bp.get("/safety-plan/on-this-phone")
@public
def safety_plan_on_this_phone() -> Response:
    """The plan, and nothing else, for a phone its owner chose to trust. No name, no NHS number,
    no links into the rest of their record."""
    _require_phones_allowed()
    shown = safety_plans.view_on_device(_phone_token())
    if shown is None:
        response = make_response(render_template("me/safety_plan_not_on_this_phone.html"), 404)
        response.delete_cookie(PHONE_COOKIE, path=PHONE_COOKIE_PATH)
        return _private(response)
    return _private(make_response(render_template(
        "me/safety_plan_on_this_phone.html", plan=shown.plan, steps=presenter.STEPS,
        text=safety_plans.steps_of(shown.plan), has_content=safety_plans.has_content(shown.plan),
        form=ConfirmForm(),
    )))


@bp.post("/safety-plan/on-this-phone/forget")
@public
def stop_showing_on_this_phone() -> Response:
    """Anyone holding the phone may stop it showing the plan: that only ever hides it."""
    _require_phones_allowed()
    form = ConfirmForm()
    token = _phone_token()
    if form.validate_on_submit() and safety_plans.forget_device_by_token(token):
        flash(_("This phone will no longer show the safety plan without signing in."), "info")
    response = redirect_after_post(url_for("public.home"))
    response.delete_cookie(PHONE_COOKIE, path=PHONE_COOKIE_PATH)
    return _private(response)
