"""The page where a member of staff's profession and registration are set, shared by the
administrator (any member of staff) and a team lead (their own team): the same form and rules
(services/staff_records.py decides who may change whom)."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.forms.staff_records import StaffRegistrationForm
from portal.htmx import redirect_after_post
from portal.models import StaffMember
from portal.services import staff_records


def registration_page(staff_member_id: int, template: str, action: str,
                      back: Callable[[StaffMember], str]) -> str | Response:
    member = staff_records.staff_to_change(current_user, staff_member_id)
    form = StaffRegistrationForm(data={"profession": member.profession, "registration": member.registration})
    if form.validate_on_submit():
        staff_records.set_registration(current_user, member.id, str(form.profession.data),
                                       str(form.registration.data or ""))
        flash(_("Saved %(name)s's profession and registration.", name=member.name), "info")
        return redirect_after_post(back(member))
    return render_template(template, form=form, member=member, action=action, back=back(member))
