"""Reminders sent to a service user, for their key worker: "I never got a message" can be checked."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.presenters import reminders as present
from portal.services import people, reminders


@bp.get("/service-users/<int:service_user_id>/reminders")
@roles(*STAFF)
def service_user_reminders(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    return render_template("staff/service_user_reminders.html", person=person,
                           history=reminders.history_for(person), **present.helpers())
