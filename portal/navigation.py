"""Header navigation for each role."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from portal.models import Role

_NAV: dict[Role, list[tuple[str, Any]]] = {
    # The safety plan comes straight after Home, so on a phone it is never folded away into "More".
    Role.SERVICE_USER: [("me.home", _l("Home")), ("me.safety_plan", _l("My safety plan")),
                        ("me.goals_page", _l("Goals")), ("me.care_plan", _l("Care plan")),
                        ("me.measures_list", _l("Questionnaires")),
                        ("me.carers_list", _l("Carers"))],
    Role.CARER: [("carer.home", _l("Home")), ("carer.details", _l("Your details"))],
    Role.KEY_WORKER: [("staff.home", _l("My caseload")), ("staff.duty", _l("Duty"))],
    Role.TEAM_LEAD: [
        ("staff.home", _l("Team")), ("staff.duty", _l("Duty")), ("staff.team", _l("Key workers")),
        ("staff.team_report", _l("Report")), ("staff.team_dashboard", _l("Dashboard")),
    ],
    Role.ADMIN: [("admin.home", _l("Admin"))],
}


def current_item(user: Any) -> str | None:
    """The endpoint of the menu item for this page, if it has one: with the person's role and the
    language, all the header's menu depends on (the layout keeps the header by them)."""
    endpoint = request.endpoint
    if endpoint == "public.get_help" or (
        user and user.is_authenticated and any(item == endpoint for item, _ in _NAV.get(user.role, []))
    ):
        return endpoint
    return None


def navigation_for(user: Any) -> list[dict[str, Any]]:
    if not user or not user.is_authenticated:
        return []
    return [
        {"href": url_for(endpoint), "text": str(label), "current": request.endpoint == endpoint}
        for endpoint, label in _NAV.get(user.role, [])
    ]
