"""The feedback page, shared by service users (me) and carers: the same form, the same rules."""

from __future__ import annotations

from datetime import date

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.feedback_rules import offer_due
from portal.forms.feedback import feedback_form
from portal.htmx import redirect_after_post
from portal.services import feedback


def feedback_page(template: str, home_url: str) -> str | Response:
    today = date.today()
    teams = [team for team in feedback.teams_for(current_user) if offer_due(team.last_given_on, today, 0)]
    form = feedback_form(teams)
    if request.method == "POST" and not teams:  # sent again (Back and send): nothing more is kept
        flash(_("You have already told us what you think today. Thank you."), "info")
        return redirect_after_post(home_url)
    if form.validate_on_submit():
        try:
            feedback.give(current_user, int(form.team.data or 0), form.fft_answer.data or "",
                          form.went_well.data or "", form.could_be_better.data or "",
                          bool(form.contact_me.data), today)
        except feedback.AlreadyGiven:
            flash(_("You have already told us what you think today. Thank you."), "info")
        else:
            flash(_("Thank you. Someone from the team will contact you about it.") if form.contact_me.data else
                  _("Thank you. The team will read what you said, without your name."), "info")
        return redirect_after_post(home_url)
    return render_template(template, form=form, teams=teams)
