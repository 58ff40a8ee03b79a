"""Administration: accounts and the audit trail. No clinical content here."""

from __future__ import annotations

from flask import render_template

from portal.access import roles
from portal.blueprints.admin import bp
from portal.models import Role
from portal.services import admin as admin_service


@bp.get("/")
@roles(Role.ADMIN)
def home() -> str:
    return render_template(
        "admin/home.html",
        account_counts=admin_service.account_counts(),
        audit_events=admin_service.recent_audit_events(),
    )
