"""Staff records: an administrator finds a member of staff by name or registration and sets their
profession and professional registration (services/staff_records.py)."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.admin import bp
from portal.forms.staff_records import StaffRegistrationForm
from portal.htmx import redirect_after_post
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
    member = staff_records.staff_to_change(current_user, staff_member_id)
    form = StaffRegistrationForm(data={"profession": member.profession, "registration": member.registration})
    if form.validate_on_submit():
        staff_records.set_registration(current_user, member.id, str(form.profession.data),
                                       str(form.registration.data or ""))
        flash(_("Saved %(name)s's profession and registration.", name=member.name), "info")
        return redirect_after_post(url_for("admin.staff", q=member.name))
    return render_template("admin/staff_registration.html", form=form, member=member,
                           action=url_for("admin.staff_registration", staff_member_id=member.id),
                           back=url_for("admin.staff", q=member.name))
