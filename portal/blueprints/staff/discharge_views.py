"""Recording a discharge, or a return to the team's care (services/discharge.py). Only team leads,
and only when the portal is the clinical record; otherwise the record's discharge is shown."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.staff import bp
from portal.forms import messages
from portal.forms.fields import DateField
from portal.forms.validators import today_or_before
from portal.htmx import redirect_after_post
from portal.models import Role, ServiceUser
from portal.services import discharge, people


class DischargeForm(FlaskForm):
    discharged_on = DateField(_l("When did they leave the team's care?"), description=_l("For example, 27 3 2026"),
                              validators=[today_or_before(messages.DISCHARGE_DATE_NOT_FUTURE)])


def _person_to_change(service_user_id: int) -> ServiceUser:
    person = people.service_user_for_staff(current_user, service_user_id)
    if not discharge.recorded_in_portal(current_user):
        abort(403)
    return person


@bp.route("/service-users/<int:service_user_id>/discharge", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def discharge_service_user(service_user_id: int) -> str | Response:
    person = _person_to_change(service_user_id)
    if person.discharged:
        return redirect_after_post(url_for("staff.service_user", service_user_id=person.id))
    form = DischargeForm(discharged_on=date.today())
    if form.validate_on_submit():
        assert form.discharged_on.data is not None
        discharge.discharge(current_user, person, form.discharged_on.data, date.today())
        flash(_("%(name)s is discharged. They are off the caseload and get no more reminders.",
                name=person.display_name), "info")
        return redirect_after_post(url_for("staff.service_user", service_user_id=person.id))
    return render_template("staff/discharge.html", person=person, form=form)


@bp.post("/service-users/<int:service_user_id>/reopen")
@roles(Role.TEAM_LEAD)
def reopen_service_user(service_user_id: int) -> Response:
    person = _person_to_change(service_user_id)
    discharge.reopen(current_user, person)
    flash(_("%(name)s is back under the team's care.", name=person.display_name), "info")
    return redirect_after_post(url_for("staff.service_user", service_user_id=person.id))
