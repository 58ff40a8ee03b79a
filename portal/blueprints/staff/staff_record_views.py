"""A team lead sets the profession and professional registration of staff in their own team
(services/staff_records.py); an administrator does it for anyone (admin/staff_views.py)."""

from __future__ import annotations

from flask import url_for
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.staff import bp
from portal.blueprints.staff_registration_page import registration_page
from portal.models import Role


@bp.route("/team/members/<int:staff_member_id>/registration", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def staff_registration(staff_member_id: int) -> str | Response:
    return registration_page(staff_member_id, "staff/staff_registration.html",
                             url_for("staff.staff_registration", staff_member_id=staff_member_id),
                             lambda _member: url_for("staff.team"))
