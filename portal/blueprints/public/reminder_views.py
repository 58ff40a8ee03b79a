"""Stop reminders from the link in a message, without signing in; and Notify's delivery receipts.

GET shows a page with a button (so a link checker opening the link stops nothing); POST stops
them. The POST is also what an email client's one-click unsubscribe sends (RFC 8058), which has
no CSRF token: the signed, single-purpose token in the URL is the protection.
"""

from __future__ import annotations

import hmac

from flask import abort, current_app, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import public
from portal.blueprints.public import bp
from portal.extensions import csrf
from portal.htmx import redirect_after_post
from portal.notify.govuk import GovukNotifyNotifier, delivery_status_of
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


@bp.post("/notify/delivery-receipts")
@public
@csrf.exempt
def notify_delivery_receipt() -> Response:
    """GOV.UK Notify's delivery receipt callback: what happened to a message it accepted. Notify
    sends the bearer token the trust set up (``NOTIFY_CALLBACK_TOKEN``); without one set, there
    is no callback (404) and the ``reminders run`` command asks Notify instead."""
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN", "")
    if not expected:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        abort(401)
    receipt = request.get_json(silent=True)
    if not isinstance(receipt, dict) or not isinstance(receipt.get("id"), str):
        abort(400)
    reminders.record_delivery_receipt(GovukNotifyNotifier.name, receipt["id"],
                                      delivery_status_of(str(receipt.get("status", ""))))
    return Response(status=204)  # also for a message that is not ours: Notify need not try again
