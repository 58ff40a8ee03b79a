"""The service user's reminder choices: text message, email, both or neither, and quiet hours."""

from __future__ import annotations

from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.me import bp
from portal.blueprints.reminder_page import reminders_page
from portal.models import Role
from portal.services import people


@bp.route("/reminders", methods=["GET", "POST"])
@roles(Role.SERVICE_USER)
def reminders() -> str | Response:
    return reminders_page(people.own_service_user(current_user), "me/reminders.html", "me.reminders")
