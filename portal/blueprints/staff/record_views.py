"""Key workers: carer details that changed both here and in the clinical record. They choose which is right."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.forms import messages
from portal.forms.fields import RadioField
from portal.forms.validators import Required
from portal.htmx import redirect_after_post
from portal.services import people
from portal.services import record_sync as sync

FIELD_LABELS = {
    "name": _l("Name"), "relationship": _l("Relationship"), "phone": _l("Phone"), "mobile": _l("Mobile"),
    "email": _l("Email address"), "address": _l("Address"), "postcode": _l("Postcode"), "language": _l("Language"),
}


class ChooseCarerValueForm(FlaskForm):
    choice = RadioField(_l("Which is right?"), validators=[Required(messages.CHOOSE_CARER_VALUE)])


@bp.get("/service-users/<int:service_user_id>/carer-details-to-check")
@roles(*STAFF)
def record_conflicts(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    links = {link.carer_id: link for link in people.carers_of(person)}
    conflicts = [(c, links[c.carer_id]) for c in sync.open_conflicts(person) if c.carer_id in links]
    return render_template("staff/record_conflicts.html", person=person, conflicts=conflicts, labels=FIELD_LABELS)


@bp.route("/service-users/<int:service_user_id>/carer-details-to-check/<int:conflict_id>", methods=["GET", "POST"])
@roles(*STAFF)
def resolve_record_conflict(service_user_id: int, conflict_id: int) -> str | Response:
    person, conflict, link = sync.conflict_for_staff(current_user, service_user_id, conflict_id)
    portal_value = sync.current_portal_value(conflict, link)
    form = ChooseCarerValueForm()
    form.choice.choices = [
        SelectChoice("portal", _("%(value)s (in this portal)", value=portal_value or _("blank"))),
        SelectChoice("record", _("%(value)s (in the clinical record)", value=conflict.record_value or _("blank"))),
    ]
    if conflict.status.value == "open" and form.validate_on_submit():
        sync.resolve_conflict(current_user, person, conflict, link, str(form.choice.data))
        flash(_("Saved. Both the portal and the clinical record will show the value you chose."), "info")
        return redirect_after_post(url_for("staff.record_conflicts", service_user_id=person.id))
    return render_template("staff/record_resolve_conflict.html", person=person, conflict=conflict, link=link,
                           form=form, label=FIELD_LABELS.get(conflict.field, conflict.field))
