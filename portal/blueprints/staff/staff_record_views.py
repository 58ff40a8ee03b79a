"""A team lead sets the profession and professional registration of staff in their own team
(services/staff_records.py); an administrator does it for anyone (admin/staff_views.py)."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.staff import bp
from portal.forms.staff_records import StaffRegistrationForm
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.services import staff_records


@bp.route("/team/members/<int:staff_member_id>/registration", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def staff_registration(staff_member_id: int) -> str | Response:
    member = staff_records.staff_to_change(current_user, staff_member_id)
    form = StaffRegistrationForm(data={"profession": member.profession, "registration": member.registration})
    if form.validate_on_submit():
        staff_records.set_registration(current_user, member.id, str(form.profession.data),
                                       str(form.registration.data or ""))
        flash(_("Saved %(name)s's profession and registration.", name=member.name), "info")
        return redirect_after_post(url_for("staff.team"))
    return render_template("staff/staff_registration.html", form=form, member=member,
                           action=url_for("staff.staff_registration", staff_member_id=member.id),
                           back=url_for("staff.team"))
