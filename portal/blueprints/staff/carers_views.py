"""Carers for key workers and team leads: a service user's carers (stale details shown),
consent given in person, and carers' contributions to read, acknowledge and bring into the
care plan."""

from __future__ import annotations

from datetime import date

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.carer import presenters as present
from portal.blueprints.carer.forms import PART_LABELS
from portal.blueprints.carer_invitation_page import invite_carer_page
from portal.blueprints.staff import bp
from portal.forms.carers import consent_form, consent_labels
from portal.htmx import redirect_after_post
from portal.models import CONTRIBUTION_PARTS
from portal.services import carers, consent, people


def _labels() -> dict[str, str]:
    return {part: str(label) for part, label in PART_LABELS.items()}


@bp.get("/service-users/<int:service_user_id>/carers")
@roles(*STAFF)
def service_user_carers(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)  # audited view
    today = date.today()
    rows = [(link, carers.details_stale(link.carer, today), consent.current(link)) for link in people.carers_of(person)]
    return render_template(
        "staff/carers.html", person=person, rows=rows, consent_labels=consent_labels,
        contributions=carers.contributions_for_staff(current_user, person), present=present,
    )


@bp.route("/service-users/<int:service_user_id>/carers/<int:carer_id>/consent", methods=["GET", "POST"])
@roles(*STAFF)
def record_carer_consent(service_user_id: int, carer_id: int) -> str | Response:
    link = people.carer_link_for_staff(current_user, service_user_id, carer_id)
    person = link.service_user
    form = consent_form(person.first_name, consent.current_scopes(link))
    if form.validate_on_submit():
        carers.change_consent(current_user, link, form.chosen_scopes)
        flash(_("Consent recorded as given in person. It works straight away."), "info")
        return redirect_after_post(url_for("staff.service_user_carers", service_user_id=person.id))
    return render_template("staff/carers_consent.html", link=link, person=person, form=form,
                           history=consent.history(link))


@bp.get("/carer-contributions")
@roles(*STAFF)
def new_carer_contributions() -> str:
    return render_template("staff/carers_new_contributions.html",
                           contributions=carers.new_contributions_for(current_user))


@bp.get("/service-users/<int:service_user_id>/carer-contributions/<int:contribution_id>")
@roles(*STAFF)
def carer_contribution(service_user_id: int, contribution_id: int) -> str:
    contribution = carers.contribution_for_staff(current_user, service_user_id, contribution_id)  # audited
    return render_template(
        "staff/carers_contribution.html", contribution=contribution, person=contribution.service_user,
        parts=CONTRIBUTION_PARTS, part_labels=PART_LABELS, can_bring=bool(carers.shared_parts(contribution)),
    )


@bp.post("/service-users/<int:service_user_id>/carer-contributions/<int:contribution_id>/acknowledgement")
@roles(*STAFF)
def acknowledge_carer_contribution(service_user_id: int, contribution_id: int) -> Response:
    contribution = carers.contribution_for_staff(current_user, service_user_id, contribution_id, audit_view=False)
    carers.acknowledge(current_user, contribution)
    flash(_("Marked as read."), "info")
    return redirect_after_post(url_for("staff.carer_contribution", service_user_id=service_user_id,
                                       contribution_id=contribution_id))


@bp.post("/service-users/<int:service_user_id>/carer-contributions/<int:contribution_id>/care-plan")
@roles(*STAFF)
def bring_carer_contribution_into_care_plan(service_user_id: int, contribution_id: int) -> Response:
    contribution = carers.contribution_for_staff(current_user, service_user_id, contribution_id, audit_view=False)
    try:
        carers.bring_into_care_plan(current_user, contribution, _labels())
    except carers.CannotBringIntoCarePlan:
        flash(_("There is nothing in this that can go into the care plan, or it is there already."), "info")
    else:
        flash(_("Added to the care plan draft, in the carer's words. Private parts were left out."), "info")
    return redirect_after_post(url_for("staff.carer_contribution", service_user_id=service_user_id,
                                       contribution_id=contribution_id))


@bp.route("/service-users/<int:service_user_id>/carers/invitation", methods=["GET", "POST"])
@roles(*STAFF)
def invite_carer(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    return invite_carer_page(person, "staff/carers_invite.html", "staff/carers_invitation_created.html")
