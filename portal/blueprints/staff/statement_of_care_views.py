"""The statement of care (services/statement_of_care.py): a registered member of the person's care
team (a medic especially) writes it for a session or clinic letter from a live template, reviews the
person's goals inside it, agrees it in versions and prints it. Every care team member reads the
agreed versions; only writers see the pages that change it (care_team_access lists which is which)."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import STAFF, roles
from portal.blueprints.coproduction.forms import RATING_CHOICES, VersionedForm, staff_rating_words
from portal.blueprints.staff import bp
from portal.forms import messages
from portal.forms.fields import RadioField, TextAreaField
from portal.forms.once import OnceForm
from portal.forms.validators import MaxLength, Required
from portal.htmx import redirect_after_post, wants_fragment
from portal.models import ServiceUser, StatementOfCare, StatementOfCareVersion
from portal.presenters import statement_of_care as presenter
from portal.services import goals, once, people
from portal.services import statement_of_care as statements
from portal.services.errors import EditConflict, NotAllowed

PREFIX = "/service-users/<int:service_user_id>/statements-of-care"


class NewStatementForm(OnceForm):
    purpose = RadioField(_l("What is this statement of care for?"),
                         choices=[SelectChoice("clinic_letter", _l("A clinic letter")),
                                  SelectChoice("session", _l("A session"))],
                         validators=[Required(messages.CHOOSE_STATEMENT_PURPOSE)])


class StatementTextForm(FlaskForm):
    text = TextAreaField(_l("Your own words"),
                         description=_l("What you talked about, what you found, and what happens next. "
                                        "It is saved as you write."),
                         validators=[MaxLength(statements.TEXT_MAX)])


class GoalReviewForm(VersionedForm):
    rating = RadioField(_l("How close is this person to the goal now?"), choices=RATING_CHOICES,
                        validators=[Required(messages.CHOOSE_RATING)])
    still_right = RadioField(_l("Is this goal still right for them?"),
                             choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No, it needs to change"))],
                             validators=[Required(messages.CHOOSE_GOAL_STILL_RIGHT)])


def _person(service_user_id: int, *, audit_view: bool = False) -> ServiceUser:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    if audit_view:
        statements.record_view(current_user, person)
    return person


def _writer(service_user_id: int) -> ServiceUser:
    person = _person(service_user_id)
    if not statements.may_write(current_user, person):
        abort(403)
    return person


@bp.get(PREFIX)
@roles(*STAFF)
def statements_of_care(service_user_id: int) -> str:
    person = _person(service_user_id, audit_view=True)
    return render_template("staff/statements_of_care.html", person=person,
                           rows=presenter.statement_rows(statements.statements(person)),
                           may_write=statements.may_write(current_user, person))


@bp.route(PREFIX + "/new", methods=["GET", "POST"])
@roles(*STAFF)
def new_statement_of_care(service_user_id: int) -> str | Response:
    person = _writer(service_user_id)
    form = NewStatementForm()
    if form.validate_on_submit():
        try:
            statement = statements.start(current_user, person, str(form.purpose.data), sent=form.sent())
        except once.AlreadySent:
            flash(_("This statement of care is started already."), "info")
            return redirect_after_post(url_for("staff.statements_of_care", service_user_id=person.id))
        return redirect_after_post(url_for("staff.write_statement_of_care", service_user_id=person.id,
                                           statement_id=statement.id))
    return render_template("staff/new_statement_of_care.html", person=person, form=form)


def _write_page(person: ServiceUser, statement: StatementOfCare, form: StatementTextForm) -> str:
    content = statements.template(person, date.today())
    return render_template("staff/write_statement_of_care.html", person=person, statement=statement, form=form,
                           template=presenter.template_view(content, statement.goal_reviews),
                           versions=statement.versions)


@bp.route(PREFIX + "/<int:statement_id>", methods=["GET", "POST"])
@roles(*STAFF)
def write_statement_of_care(service_user_id: int, statement_id: int) -> str | Response:
    person = _writer(service_user_id)
    statement = statements.statement_for(person, statement_id)
    form = StatementTextForm(data={"text": statement.draft_text})
    if request.method == "POST" and request.form.get("autosave") and wants_fragment():
        saved = form.validate() and bool(statements.save_draft(current_user, person, statement, form.text.data or ""))
        return render_template("staff/_statement_save_status.html", saved=saved)
    if form.validate_on_submit():
        statements.save_draft(current_user, person, statement, form.text.data or "")
        if request.form.get("action") != "agree":
            flash(_("Your statement of care is saved as a draft."), "info")
            return redirect_after_post(url_for("staff.write_statement_of_care", service_user_id=person.id,
                                               statement_id=statement.id))
        if not statement.draft_text:
            form.text.errors = [str(messages.ENTER_STATEMENT_OF_CARE)]
            return _write_page(person, statement, form)
        version = statements.agree(current_user, person, statement)
        flash(_("Statement of care agreed. It is version %(number)d, and it goes to the health record.",
                number=version.number), "info")
        return redirect_after_post(url_for("staff.statement_of_care_version", service_user_id=person.id,
                                           statement_id=statement.id, number=version.number))
    if request.method == "GET":
        statements.record_view(current_user, person)  # the page shows their goals, scores and plans
    return _write_page(person, statement, form)


@bp.route(PREFIX + "/<int:statement_id>/goals/<int:goal_id>", methods=["GET", "POST"])
@roles(*STAFF)
def review_statement_goal(service_user_id: int, statement_id: int, goal_id: int) -> str | Response:
    person = _writer(service_user_id)
    statement = statements.statement_for(person, statement_id)
    goal = goals.goal_for(person, goal_id)
    form = GoalReviewForm()
    staff_rating_words(form.rating, person.first_name)
    form.still_right.label.text = _("Is this goal still right for %(name)s?", name=person.first_name)
    if not form.is_submitted():
        form.version.data = str(goal.version)
    conflict = False
    if form.validate_on_submit():
        try:
            statements.review_goal(current_user, person, statement, goal.id, int(str(form.rating.data)),
                                   form.still_right.data == "yes", based_on_version=form.based_on())
        except EditConflict:
            conflict = True
            form.version.data = str(goal.version)
        except NotAllowed:
            abort(404)
        else:
            flash(_("Goal reviewed. This counts as the goal's review."), "info")
            return redirect_after_post(url_for("staff.write_statement_of_care", service_user_id=person.id,
                                               statement_id=statement.id) + f"#goal-{goal.id}")
    return render_template("staff/review_statement_goal.html", person=person, statement=statement, goal=goal,
                           progress=goals.progress(goal), form=form, conflict=conflict)


def _version(service_user_id: int, statement_id: int, number: int) -> tuple[ServiceUser, StatementOfCare,
                                                                          StatementOfCareVersion]:
    """One agreed version (on screen or for print), its statement and person; the reading is audited."""
    person = _person(service_user_id, audit_view=True)
    statement = statements.statement_for(person, statement_id)
    return person, statement, statements.version_for(statement, number)


@bp.get(PREFIX + "/<int:statement_id>/versions/<int:number>")
@roles(*STAFF)
def statement_of_care_version(service_user_id: int, statement_id: int, number: int) -> str:
    person, statement, version = _version(service_user_id, statement_id, number)
    return render_template("staff/statement_of_care_version.html", person=person, statement=statement,
                           version=version, view=presenter.version_view(version),
                           may_write=statements.may_write(current_user, person))


@bp.get(PREFIX + "/<int:statement_id>/versions/<int:number>/print")
@roles(*STAFF)
def print_statement_of_care(service_user_id: int, statement_id: int, number: int) -> str:
    person, statement, version = _version(service_user_id, statement_id, number)
    return render_template("staff/statement_of_care_print.html", person=person, statement=statement,
                           version=version, view=presenter.version_view(version),
                           back_url=url_for("staff.statement_of_care_version", service_user_id=person.id,
                                            statement_id=statement.id, number=number))
