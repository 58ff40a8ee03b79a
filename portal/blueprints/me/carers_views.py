"""The service user's carers: who they are, what each may see, and inviting a carer."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.carer.forms import PART_LABELS
from portal.blueprints.carer_invitation_page import invite_carer_page
from portal.blueprints.me import bp
from portal.forms.carers import consent_changes, consent_form, consent_labels
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.services import carers, consent, people


@bp.get("/carers")
@roles(Role.SERVICE_USER)
def carers_list() -> str:
    person = people.own_service_user(current_user)
    links = people.carers_of(person)
    return render_template(
        "me/carers.html", person=person,
        carers=[(link, consent.current(link)) for link in links],
        consent_labels=consent_labels,
        told=carers.contributions_for_service_user(person), part_labels=PART_LABELS,
    )


@bp.route("/carers/<int:carer_id>/sharing", methods=["GET", "POST"])
@roles(Role.SERVICE_USER)
def carer_consent(carer_id: int) -> str | Response:
    link = carers.link_for_service_user(current_user, carer_id)  # NotFound for anyone else's carer
    form = consent_form(None, consent.current_scopes(link))
    if form.validate_on_submit():
        carers.change_consent(current_user, link, form.chosen_scopes)
        if form.chosen_scopes:
            flash(_("Saved. %(carer)s can see what you chose from now on.", carer=link.carer.name), "info")
        else:
            flash(_("Saved. %(carer)s cannot see anything about your care from now on.", carer=link.carer.name),
                  "info")
        return redirect_after_post(url_for("me.carers_list"))
    return render_template("me/carers_consent.html", link=link, form=form,
                           history=consent_changes(None, link.carer.name, consent.history(link)))


@bp.route("/carers/invitation", methods=["GET", "POST"])
@roles(Role.SERVICE_USER)
def invite_carer() -> str:
    return invite_carer_page(people.own_service_user(current_user), "me/carers_invite.html",
                             "me/carers_invitation_created.html")
