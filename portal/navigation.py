"""Header navigation for each role."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from portal.models import Role

_NAV: dict[Role, list[tuple[str, Any]]] = {
    Role.SERVICE_USER: [("me.home", _l("Home")), ("me.measures_list", _l("Questionnaires"))],
    Role.CARER: [("carer.home", _l("Home"))],
    Role.KEY_WORKER: [("staff.home", _l("My caseload"))],
    Role.TEAM_LEAD: [("staff.home", _l("Team"))],
    Role.ADMIN: [("admin.home", _l("Admin"))],
}


def navigation_for(user: Any) -> list[dict[str, Any]]:
    if not user or not user.is_authenticated:
        return []
    return [
        {"href": url_for(endpoint), "text": str(label), "current": request.endpoint == endpoint}
        for endpoint, label in _NAV.get(user.role, [])
    ]
