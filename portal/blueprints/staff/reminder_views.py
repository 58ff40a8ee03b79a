"""Reminders sent to a service user, for their key worker: "I never got a message" can be checked;
and the choice the person told them in person."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.reminder_page import reminder_form
from portal.blueprints.staff import bp
from portal.forms.reminders import InPersonReminderForm, quiet_from_value
from portal.htmx import redirect_after_post
from portal.notify.rules import Choice
from portal.presenters import reminders as present
from portal.services import people, reminders


@bp.get("/service-users/<int:service_user_id>/reminders")
@roles(*STAFF)
def service_user_reminders(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    return render_template("staff/service_user_reminders.html", person=person,
                           history=reminders.history_for(person), **present.helpers())


@bp.route("/service-users/<int:service_user_id>/reminders/choice", methods=["GET", "POST"])
@roles(*STAFF)
def record_reminder_choice(service_user_id: int) -> str | Response:
    """The service user tells their key worker (say, in a session) how they want reminders."""
    person = people.service_user_for_staff(current_user, service_user_id)
    form, contacts = reminder_form(person, InPersonReminderForm, name=person.first_name)
    if form.validate_on_submit():
        reminders.record_choice_given_in_person(current_user, person, Choice(form.choice.data or ""),
                                                quiet_from_value(form.quiet.data or ""))
        flash(_("%(name)s's reminder choices are saved.", name=person.first_name), "info")
        return redirect_after_post(url_for("staff.service_user_reminders", service_user_id=person.id))
    return render_template("staff/record_reminder_choice.html", person=person, form=form, contacts=contacts)
