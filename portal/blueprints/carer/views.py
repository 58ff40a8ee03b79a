"""The carer's own pages: the people they care for, their details, their views for the team,
and what each person has chosen to share with them."""

from __future__ import annotations

from datetime import date

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import guessing
from portal.access import roles
from portal.blueprints.carer import bp
from portal.blueprints.carer import presenters as present
from portal.blueprints.carer.forms import PART_LABELS, AddPersonForm, ContributionForm, details_form
from portal.forms import messages
from portal.htmx import redirect_after_post
from portal.models import CONTRIBUTION_PARTS, SAFETY_PLAN_STEPS, ContactMethod, Role
from portal.presenters.carer_results import carer_results
from portal.services import accounts, audit, carers, consent, once, people, risk
from portal.services.errors import NotFound

TEMPLATE_HELPERS = {"present": present, "part_labels": PART_LABELS, "parts": CONTRIBUTION_PARTS,
                    "safety_steps": SAFETY_PLAN_STEPS}


@bp.get("/")
@roles(Role.CARER)
def home() -> str:
    carer = people.own_carer(current_user)
    return render_template("carer/home.html", carer=carer, cared_for=people.cared_for(current_user),
                           stale=carers.details_stale(carer, date.today()))


@bp.route("/details", methods=["GET", "POST"])
@roles(Role.CARER)
def details() -> str | Response:
    carer = people.own_carer(current_user)
    links = [item.link for item in people.cared_for(current_user)]
    form = details_form(carer, links)
    if form.validate_on_submit():
        carers.update_details(current_user, carer, carers.CarerDetails(
            name=form.name.data, phone=form.phone.data or "", mobile=form.mobile.data or "",
            email=form.email.data or "", address=form.address.data or "", postcode=form.postcode.data or "",
            preferred_contact=ContactMethod(form.preferred_contact.data) if form.preferred_contact.data else None,
            contact_times=form.contact_times.data or "", language=form.language.data or "",
            interpreter_needed=bool(form.interpreter_needed.data), young_carer=bool(form.young_carer.data),
            relationships={link.id: form[f"relationship_{link.id}"].data for link in links},
        ))
        flash(_("Your details are saved. Thank you for keeping them up to date."), "info")
        return redirect_after_post(url_for("carer.home"))
    return render_template("carer/details.html", carer=carer, form=form,
                           stale=carers.details_stale(carer, date.today()), **TEMPLATE_HELPERS)


@bp.post("/details/confirmation")
@roles(Role.CARER)
def confirm_details() -> Response:
    carers.confirm_details(current_user, people.own_carer(current_user))
    flash(_("Thank you. Your details are confirmed."), "info")
    return redirect_after_post(url_for("carer.home"))


@bp.get("/people/<int:service_user_id>")
@roles(Role.CARER)
def cared_for_person(service_user_id: int) -> str:
    carer = people.own_carer(current_user)
    view = consent.shared_view(carer, service_user_id)  # NotFound if they do not care for this person
    return render_template(
        "carer/cared_for_person.html", view=view, others=people.cared_for(current_user),
        told=carers.contributions_by_carer(carer, service_user_id), **TEMPLATE_HELPERS,
    )


@bp.get("/people/<int:service_user_id>/results")
@roles(Role.CARER)
def shared_results(service_user_id: int) -> str:
    """The person's latest DIALOG and ReQoL-10 in plain words, only while they share their results."""
    carer = people.own_carer(current_user)
    view = consent.shared_view(carer, service_user_id, audit_view=False)  # NotFound if not theirs
    if view.questionnaire_results is None:
        raise NotFound  # not shared, or no longer: as if there were nothing here
    audit.record_now(carer.user_id, "carer_viewed_results", "service_user", service_user_id)
    content = view.questionnaire_results.content
    results = carer_results(view.link.service_user, content.dialog if content else None,
                            content.reqol10 if content else None)
    return render_template("carer/results.html", view=view, results=results)


@bp.route("/people/<int:service_user_id>/views", methods=["GET", "POST"])
@roles(Role.CARER)
def contribute(service_user_id: int) -> str | Response:
    carer = people.own_carer(current_user)
    link = consent.link_for_carer(carer, service_user_id)  # never gated by consent: listening is always allowed
    form = ContributionForm()
    if form.validate_on_submit():
        tier = form.worry_tier()
        try:
            carers.add_contribution(current_user, carer, service_user_id, form.parts(), form.private_parts(),
                                    wants_carers_assessment=bool(form.wants_carers_assessment.data),
                                    worry_tier=tier, sent=form.sent())
        except once.AlreadySent:  # sent twice (a double tap, or Back and send): the team has it once
            flash(_("You sent this already. The team has it."), "info")
            return redirect_after_post(url_for("carer.cared_for_person", service_user_id=service_user_id))
        if tier is None:
            flash(_("Thank you. The team will read what you have told them."), "info")
        else:  # what the carer is told must be true: who will see the worry, and when
            notice = risk.carer_notice(service_user_id, tier)
            flash(_("Thank you. %(who)s will see your worry %(when)s.", who=notice.who_capitalised,
                    when=notice.when), "worry_urgent" if tier == "urgent" else "info")
        return redirect_after_post(url_for("carer.cared_for_person", service_user_id=service_user_id))
    return render_template("carer/contribute.html", form=form, person=link.service_user, **TEMPLATE_HELPERS)


@bp.get("/people/<int:service_user_id>/views/<int:contribution_id>")
@roles(Role.CARER)
def sent_contribution(service_user_id: int, contribution_id: int) -> str:
    """What the carer told the team, to read again."""
    carer = people.own_carer(current_user)
    contribution = carers.contribution_by_carer(carer, service_user_id, contribution_id)
    return render_template("carer/sent_contribution.html", contribution=contribution,
                           person=contribution.service_user, **TEMPLATE_HELPERS)


@bp.route("/people/new", methods=["GET", "POST"])
@roles(Role.CARER)
def add_person() -> str | Response | tuple[str, int]:
    people.own_carer(current_user)
    form = AddPersonForm()
    if form.validate_on_submit():
        refusal = guessing.refused("invitation_code", current_user.email)
        if refusal is not None:
            return guessing.too_many(refusal, "invitation_code")
        try:
            link = carers.accept_link_invitation(current_user, form.code.data, form.relationship.data)
        except accounts.InvitationProblem:
            guessing.failed("invitation_code", current_user.email)
            form.code.errors = [str(messages.CODE_NOT_RIGHT)]
        else:
            flash(_("%(name)s is added to the people you care for.", name=link.service_user.display_name), "info")
            return redirect_after_post(url_for("carer.home"))
    return render_template("carer/add_person.html", form=form)
