"""Staff records: an administrator finds a member of staff by name or registration and sets their
profession and professional registration (services/staff_records.py)."""

from __future__ import annotations

from flask import render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.admin import bp
from portal.blueprints.staff_registration_page import registration_page
from portal.models import Role
from portal.services import staff_records


@bp.get("/staff")
@roles(Role.ADMIN)
def staff() -> str:
    found = staff_records.find_staff(request.args.get("q", ""))
    return render_template("admin/staff.html", found=found)


@bp.route("/staff/<int:staff_member_id>/registration", methods=["GET", "POST"])
@roles(Role.ADMIN)
def staff_registration(staff_member_id: int) -> str | Response:
    return registration_page(staff_member_id, "admin/staff_registration.html",
                             url_for("admin.staff_registration", staff_member_id=staff_member_id),
                             lambda member: url_for("admin.staff", q=member.name))
