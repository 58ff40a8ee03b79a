"""Caseload analysis for team leads (services/caseload_analysis.py): sizes per key worker and
pathway, what is overdue, people whose key worker has gone, a CSV; and bulk allocation — several
people to one registered key worker with one handover note, through ``handover.allocate_many``."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from flask import flash, make_response, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import roles
from portal.blueprints.staff import bp
from portal.blueprints.staff import caseload_analysis_presenters as presenter
from portal.blueprints.staff.team_views import _choice_label
from portal.forms import messages
from portal.forms.fields import CheckboxesField, DateField, RadioField, TextAreaField
from portal.forms.validators import MaxLength, Required, today_or_before
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.services import caseload_analysis, handover
from portal.services.errors import NotFound


class BulkAllocationForm(FlaskForm):
    people = CheckboxesField(_l("Who is moving to the new key worker?"),
                             validators=[Required(messages.CHOOSE_PEOPLE_TO_ALLOCATE)])
    key_worker = RadioField(_l("Who will be their key worker?"), validators=[Required(messages.CHOOSE_KEY_WORKER)])
    handover_on = DateField(_l("When did the handover happen?"), description=_l("For example, 27 3 2026"),
                            validators=[today_or_before(messages.HANDOVER_DATE_NOT_FUTURE)])
    handover_note = TextAreaField(
        _l("What does the new key worker need to know?"),
        description=_l("One note for everyone you move: it goes with each of them. Do not write more than is needed."),
        validators=[Required(messages.ENTER_HANDOVER_NOTE), MaxLength(handover.HANDOVER_NOTE_MAX)],
    )


def _context(found: caseload_analysis.Analysis) -> dict[str, object]:
    return {"found": found, "problems": presenter.problem_labels(), "overdue_labels": presenter.overdue_labels(found),
            "show_labels": presenter.show_labels()}


@bp.get("/team/caseload-analysis")
@roles(Role.TEAM_LEAD)
def caseload_analysis_page() -> str:
    found = caseload_analysis.analyse(current_user, date.today(), request.args)
    return render_template("staff/caseload_analysis_page.html", **_context(found))


@bp.get("/team/caseload-analysis.csv")
@roles(Role.TEAM_LEAD)
def caseload_analysis_csv() -> Response:
    found = caseload_analysis.analyse(current_user, date.today())
    response = make_response(caseload_analysis.to_csv(found, presenter.csv_labels()))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="caseload-analysis-{date.today().isoformat()}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/team/caseload-analysis/allocation", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def bulk_allocation() -> str | Response:
    found = caseload_analysis.analyse(current_user, date.today(), request.args)
    form = BulkAllocationForm(handover_on=date.today())
    form.people.choices = [SelectChoice(str(person.id), person.display_name) for person in found.chosen]
    choices = handover.key_workers(current_user)
    form.key_worker.choices = [SelectChoice(str(choice.id), _choice_label(choice)) for choice in choices]
    if form.validate_on_submit():
        chosen = [int(value) for value in form.people.data or []]
        key_worker_id = int(str(form.key_worker.data))
        try:
            handover.allocate_many(current_user, chosen, key_worker_id,
                                   handover_on=cast(date, form.handover_on.data),
                                   handover_note=str(form.handover_note.data))
        except handover.SameKeyWorker:
            form.key_worker.errors = [str(messages.SAME_KEY_WORKER_FOR_SOME)]
        except handover.NotRegistered as refused:
            form.key_worker.errors = [messages.KEY_WORKER_NOT_REGISTERED % {"name": refused.staff_name}]
        except NotFound:
            form.people.errors = [str(messages.CHOOSE_PEOPLE_TO_ALLOCATE)]
        else:
            name = next(choice.name for choice in choices if choice.id == key_worker_id)
            flash(ngettext("%(num)d person has a new key worker: %(name)s. The handover note goes with them.",
                           "%(num)d people have a new key worker: %(name)s. The handover note goes with each of them.",
                           len(chosen), name=name), "info")
            filters: dict[str, Any] = found.filters.args()
            return redirect_after_post(url_for("staff.caseload_analysis_page", **filters))
    checked = {str(value) for value in (form.people.data or [])}
    return render_template("staff/bulk_allocation.html", form=form, checked=checked, **_context(found))
