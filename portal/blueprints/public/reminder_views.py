"""Stop reminders from the link in a message, without signing in.

GET shows a page with a button (so a link checker opening the link stops nothing); POST stops
them. The POST is also what an email client's one-click unsubscribe sends (RFC 8058), which has
no CSRF token: the signed, single-purpose token in the URL is the protection.
"""

from __future__ import annotations

from flask import render_template, url_for
from werkzeug.wrappers import Response

from portal.access import public
from portal.blueprints.public import bp
from portal.extensions import csrf
from portal.htmx import redirect_after_post
from portal.services import reminders


@bp.get("/reminders/stop/<token>")
@public
def stop_reminders(token: str) -> str | tuple[str, int]:
    if reminders.person_for_stop_token(token) is None:
        return render_template("public/reminders_stop_invalid.html"), 404
    return render_template("public/reminders_stop.html", token=token)


@bp.post("/reminders/stop/<token>")
@public
@csrf.exempt
def confirm_stop_reminders(token: str) -> Response | tuple[str, int]:
    person = reminders.person_for_stop_token(token)
    if person is None:
        return render_template("public/reminders_stop_invalid.html"), 404
    reminders.stop_by_link(person)
    return redirect_after_post(url_for("public.reminders_stopped"))


@bp.get("/reminders/stopped")
@public
def reminders_stopped() -> str:
    return render_template("public/reminders_stopped.html")
