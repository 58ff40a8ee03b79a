"""Messages the local notifier recorded instead of sending, and the reminder queue's state."""

from __future__ import annotations

from flask import current_app, render_template

from portal.access import roles
from portal.blueprints.admin import bp
from portal.models import Role
from portal.presenters import reminders as present
from portal.services import reminders


@bp.get("/notifications")
@roles(Role.ADMIN)
def notifications() -> str:
    return render_template("admin/notifications.html", messages=reminders.local_messages(),
                           counts=reminders.queue_counts(), notifier=current_app.config["NOTIFIER"],
                           **present.helpers())
