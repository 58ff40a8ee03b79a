"""What the reminder pages need: labels for codes, UK times, shortened addresses."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.dates import format_when
from portal.notify.rules import UK
from portal.services.reminders import reason_code

TASK_LABELS = {
    "measure": _l("Questionnaire"),
    "goal_review": _l("Goal review"),
    "care_plan_to_agree": _l("Care plan to agree"),
    "carer_details": _l("Contact details to check"),
    "carer_views": _l("Views before a care plan review"),
    "invitation": _l("Invitation to the portal"),
}
STATUS_LABELS = {
    "queued": _l("Waiting to send"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Not delivered"),
    "dead": _l("Could not send"),
    "cancelled": _l("Not needed"),
}
STATUS_CLASSES = {
    "queued": "nhsuk-tag--grey", "sent": "nhsuk-tag--blue", "delivered": "nhsuk-tag--green",
    "failed": "nhsuk-tag--red", "dead": "nhsuk-tag--red", "cancelled": "nhsuk-tag--grey",
}
REASON_LABELS = {
    "invalid_number": _l("not a UK mobile number"),
    "invalid_email": _l("email address not valid"),
    "no_contact": _l("no number or address to use"),
    "not_delivered": _l("phone off, number or address not working"),
    "done": _l("already done"),
    "deferred": _l("put off by the team"),
    "record_closed": _l("account closed"),
    "not_chosen": _l("they stopped reminders"),
    "gave_up": _l("tried too many times"),
    "rejected": _l("GOV.UK Notify would not send it"),
    "no_template": _l("no GOV.UK Notify template set up for it"),
    "rate_limited": _l("will try again"),
    "provider_unavailable": _l("will try again"),
    "auth_error": _l("will try again"),
}


def uk_time(moment: datetime | None) -> str:
    return format_when(moment, "short_day_time", zone=UK)


def mask(destination: str) -> str:
    """An address or number, shortened so the admin page does not list people's contact details."""
    if "@" in destination:
        name, _, domain = destination.partition("@")
        return f"{name[:1]}…@{domain}"
    return f"…{destination[-3:]}"


_STOP_TOKEN = re.compile(r"(/reminders/stop/)[^\s/?#]+")


def without_stop_tokens(body: str) -> str:
    """A message as the admin page shows it: a stop link stops that person's reminders, so its
    token is hidden from everyone but the person it was sent to."""
    return _STOP_TOKEN.sub(r"\1…", body)


def helpers() -> dict[str, Any]:
    return {"task_labels": TASK_LABELS, "status_labels": STATUS_LABELS, "status_classes": STATUS_CLASSES,
            "reason_labels": REASON_LABELS, "uk_time": uk_time, "mask": mask,
            "without_stop_tokens": without_stop_tokens, "reason_code": reason_code}
