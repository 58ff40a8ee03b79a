"""Team leads who lead more than one team (service managers, issue 16): an administrator chooses the
other teams each team lead leads; the lead then sees those teams on their dashboard."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import roles
from portal.blueprints.admin import bp
from portal.extensions import db
from portal.forms.fields import CheckboxesField
from portal.htmx import redirect_after_post
from portal.models import Role, Team
from portal.services import team_leadership


class OtherTeamsForm(FlaskForm):
    teams = CheckboxesField(_l("Other teams they lead"),
                            description=_l("They see each team's dashboard, and all their teams together. "
                                           "Their caseload and team pages stay with their own team."))


@bp.get("/team-leads")
@roles(Role.ADMIN)
def team_leads() -> str:
    return render_template("admin/team_leads.html", leads=team_leadership.team_leads())


def _form(team_id: int) -> OtherTeamsForm:
    form = OtherTeamsForm()
    form.teams.choices = [SelectChoice(str(team.id), team.name) for team in db.session.scalars(
        select(Team).where(Team.id != team_id).order_by(Team.name))]
    return form


@bp.route("/team-leads/<int:lead_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def team_lead_teams(lead_id: int) -> str | Response:
    staff = team_leadership.team_lead(lead_id)
    form = _form(staff.team_id)
    if form.validate_on_submit():
        added, removed = team_leadership.set_teams(current_user._get_current_object(), staff,
                                                   {int(value) for value in form.teams.data or []})
        flash(_("Saved: %(name)s's teams (%(added)d added, %(removed)d removed).", name=staff.name,
                added=added, removed=removed), "info")
        return redirect_after_post(url_for("admin.team_leads"))
    if not form.is_submitted():
        form.teams.data = [str(team.id) for team in team_leadership.teams_led(staff.user)[1:]]  # type: ignore[arg-type]
    return render_template("admin/team_lead_teams.html", staff=staff, form=form)
