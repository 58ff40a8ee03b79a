"""Admin: the health of the sync with the clinical record, and retrying dead letters. Ids only."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.admin import bp
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.services import record_sync as sync
from portal.services.errors import NotFound


@bp.get("/sync")
@roles(Role.ADMIN)
def sync_health() -> str:
    return render_template(
        "admin/sync_health.html", health=sync.sync_health(), dead_letters=sync.dead_letters(),
        failing=sync.failing_messages(),
    )


@bp.post("/sync/dead-letters/<int:message_id>/retry")
@roles(Role.ADMIN)
def retry_dead_letter(message_id: int) -> Response:
    try:
        sync.retry(current_user, message_id)
    except NotFound:
        flash(_("That message is not a dead letter any more."), "info")
    else:
        flash(_("Message %(id)s is back in the queue.", id=message_id), "info")
    return redirect_after_post(url_for("admin.sync_health"))
