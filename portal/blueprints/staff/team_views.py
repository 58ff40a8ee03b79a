"""The team view for team leads: everyone in the team and their key worker; allocating or
changing a key worker with a handover note. Key workers cannot reallocate (403)."""

from __future__ import annotations

from datetime import date
from typing import cast

from flask import flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import roles
from portal.blueprints.staff import bp
from portal.forms import messages
from portal.forms.fields import DateField, RadioField, TextAreaField
from portal.forms.validators import MaxLength, Required, today_or_before
from portal.htmx import redirect_after_post, wants_fragment
from portal.models import Role, ServiceUser
from portal.services import handover
from portal.services import record_sync as sync
from portal.services.errors import NotFound


class AllocateKeyWorkerForm(FlaskForm):
    key_worker = RadioField(_l("Who will be their key worker?"), validators=[Required(messages.CHOOSE_KEY_WORKER)])
    handover_on = DateField(
        _l("When did the handover happen?"),
        description=_l("Teams hand over in person. For example, 27 3 2026"),
        validators=[today_or_before(messages.HANDOVER_DATE_NOT_FUTURE)],
    )
    handover_note = TextAreaField(
        _l("What does the new key worker need to know?"),
        description=_l("For example, current risks and what helps, who to contact, and what was agreed. "
                       "Do not write more than is needed."),
        validators=[Required(messages.ENTER_HANDOVER_NOTE), MaxLength(handover.HANDOVER_NOTE_MAX)],
    )


@bp.get("/team")
@roles(Role.TEAM_LEAD)
def team() -> Response:
    try:
        page_number = int(request.args.get("page", "1"))
    except ValueError:
        page_number = 1
    page = handover.team(
        current_user, search=" ".join(request.args.get("q", "").split())[:100],
        key_worker=request.args.get("key_worker", ""), page=page_number,
    )
    template = "staff/_team.html" if wants_fragment() else "staff/team.html"
    response = make_response(render_template(template, page=page, record_problems=sync.problems_for_team(current_user)))
    response.vary.add("HX-Request")
    return response


def _choice_label(choice: handover.KeyWorkerChoice) -> str:
    label = ngettext("%(name)s, %(profession)s (%(num)d person)", "%(name)s, %(profession)s (%(num)d people)",
                     choice.caseload, name=choice.name, profession=choice.profession)
    if choice.registered:
        return label
    return _("%(choice)s - no professional registration, so cannot be a key worker", choice=label)


def _choices(person: ServiceUser) -> list[SelectChoice]:
    return [
        SelectChoice(str(choice.id), _choice_label(choice))
        for choice in handover.key_workers(current_user)
        if choice.id != person.key_worker_id
    ]


@bp.route("/service-users/<int:service_user_id>/key-worker", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def allocate_key_worker(service_user_id: int):  # type: ignore[no-untyped-def]
    person = handover.person_to_allocate(current_user, service_user_id)
    form = AllocateKeyWorkerForm(handover_on=date.today())
    form.key_worker.choices = _choices(person)
    if form.validate_on_submit():
        try:
            handover.allocate(current_user, person, int(str(form.key_worker.data)),
                              handover_on=cast(date, form.handover_on.data),
                              handover_note=str(form.handover_note.data))
        except handover.SameKeyWorker:
            form.key_worker.errors = [str(messages.SAME_KEY_WORKER)]
        except handover.NotRegistered as refused:
            form.key_worker.errors = [messages.KEY_WORKER_NOT_REGISTERED % {"name": refused.staff_name}]
        except NotFound:
            form.key_worker.errors = [str(messages.CHOOSE_KEY_WORKER)]
        else:
            flash(_("%(name)s's key worker is now %(key_worker)s.", name=person.display_name,
                    key_worker=person.key_worker.name if person.key_worker else ""), "info")
            return redirect_after_post(url_for("staff.team"))
    return render_template("staff/allocate_key_worker.html", person=person, form=form,
                           history=handover.history(person))

