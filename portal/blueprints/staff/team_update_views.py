"""'You said, we did' (issue 16): the team lead writes what the team changed after feedback."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.staff import bp
from portal.forms.feedback import TeamUpdateForm
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.services import feedback, once


@bp.route("/team/you-said-we-did", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def team_updates() -> str | Response:
    form = TeamUpdateForm()
    if form.validate_on_submit():
        try:
            feedback.add_team_update(current_user, form.you_said.data or "", form.we_did.data or "", form.sent())
        except once.AlreadySent:  # a double tap, or Back and send: published once
            flash(_("You published this already."), "info")
        else:
            flash(_("Published. Service users and carers can read it now."), "info")
        return redirect_after_post(url_for("staff.team_updates"))
    return render_template("staff/team_updates.html", form=form, updates=feedback.own_team_updates(current_user))
