"""A service user's safety plan, for their key worker (or team lead) to read and write with them.

All seven steps on one page here: the key worker writes it with the person in a session, on a
bigger screen, so seeing the whole plan at once matters more than one question at a time.
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.forms.safety_plans import ConfirmForm, SafetyPlanForm
from portal.htmx import redirect_after_post
from portal.presenters import safety_plans as presenter
from portal.services import people, safety_plans
from portal.services.safety_plans import SafetyPlanConflict

PREFIX = "/service-users/<int:service_user_id>/safety-plan"


@bp.get(PREFIX)
@roles(*STAFF)
def safety_plan(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    plan = safety_plans.for_staff(current_user, person)
    return render_template(
        "staff/safety_plan.html", person=person, plan=plan, steps=presenter.STEPS,
        text=safety_plans.steps_of(plan), has_content=safety_plans.has_content(plan),
        review_due_on=safety_plans.review_due_on(plan) if plan else None,
        review_overdue=bool(plan and safety_plans.is_review_due(plan, date.today())),
        revisions=safety_plans.revisions(plan) if plan else [], form=ConfirmForm(),
    )


@bp.route(PREFIX + "/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_safety_plan(service_user_id: int) -> str | Response | tuple[str, int]:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    plan = safety_plans.current(person)
    form = SafetyPlanForm()
    if not form.is_submitted():
        form.version.data = str(plan.version if plan else 0)
        for code, text in safety_plans.steps_of(plan).items():
            form[code].data = text
    conflict = None
    if form.validate_on_submit():
        try:
            safety_plans.save(current_user, person, form.steps(), form.based_on())
        except SafetyPlanConflict as error:
            conflict = error
            form.version.data = str(error.version)
        else:
            flash(_("The safety plan is saved."), "info")
            return redirect_after_post(url_for("staff.safety_plan", service_user_id=person.id))
    typed = form.steps()
    changed = [step for step in presenter.STEPS if conflict and conflict.steps[step.code] != typed[step.code].strip()]
    page = render_template("staff/safety_plan_edit.html", person=person, form=form, steps=presenter.STEPS,
                           conflict=conflict, changed_steps=changed)
    return (page, 409) if conflict else page


@bp.post(PREFIX + "/review")
@roles(*STAFF)
def review_safety_plan(service_user_id: int) -> Response:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    if ConfirmForm().validate_on_submit() and safety_plans.current(person) is not None:
        safety_plans.mark_reviewed(current_user, person)
        flash(_("The safety plan is marked as reviewed today."), "info")
    return redirect_after_post(url_for("staff.safety_plan", service_user_id=person.id))


@bp.get(PREFIX + "/print")
@roles(*STAFF)
def print_safety_plan(service_user_id: int) -> str | Response:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    plan = safety_plans.for_staff(current_user, person)
    if not safety_plans.has_content(plan):
        return redirect(url_for("staff.safety_plan", service_user_id=person.id))
    return render_template("staff/safety_plan_print.html", person=person, plan=plan, steps=presenter.STEPS,
                           text=safety_plans.steps_of(plan),
                           back_url=url_for("staff.safety_plan", service_user_id=person.id))
