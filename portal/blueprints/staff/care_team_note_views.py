"""A short note about a person from anyone in their care team (services/care_team_notes.py): the one
thing a member who may not change the person's care can add."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.forms.fields import TextAreaField
from portal.forms.once import OnceForm
from portal.forms.validators import MaxLength, Required
from portal.htmx import redirect_after_post
from portal.services import care_team_notes, once, people


class CareTeamNoteForm(OnceForm):
    text = TextAreaField(_l("Your note"),
                         description=_l("What you saw or did with them, for the key worker and the team. "
                                        "For example: Met them at the allotment group; they enjoyed it."),
                         validators=[Required(_l("Write your note")), MaxLength(care_team_notes.NOTE_MAX)])


@bp.route("/service-users/<int:service_user_id>/care-team-notes", methods=["GET", "POST"])
@roles(*STAFF)
def add_care_team_note(service_user_id: int) -> str | Response:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    form = CareTeamNoteForm()
    if form.validate_on_submit():
        try:
            care_team_notes.add_note(current_user, person, str(form.text.data), form.sent())
        except once.AlreadySent:  # a double tap, or Back and send: kept once
            flash(_("Your note is kept already."), "info")
        else:
            flash(_("Your note is kept. The key worker and the team can read it on %(name)s's page.",
                    name=person.first_name), "info")
        return redirect_after_post(url_for("staff.service_user", service_user_id=person.id))
    return render_template("staff/care_team_note.html", person=person, form=form)
