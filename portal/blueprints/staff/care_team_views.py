"""The care team around a person (services/care_team.py): who is in it and what they do; the key
worker or team lead adds and removes members with a reason. Care team members themselves read it."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.forms import messages
from portal.forms.fields import RadioField, TextAreaField
from portal.forms.validators import MaxLength, Required
from portal.htmx import redirect_after_post
from portal.models import ServiceUser
from portal.services import care_team, care_team_search, people, staff_records
from portal.services.errors import NotAllowed, NotFound


class AddCareTeamMemberForm(FlaskForm):
    staff_member = RadioField(_l("Who is joining the care team?"),
                              validators=[Required(messages.CHOOSE_CARE_TEAM_MEMBER)])
    role = RadioField(_l("What will they do in the care team?"), validators=[Required(messages.CHOOSE_CARE_TEAM_ROLE)])
    reason = TextAreaField(_l("Why are they joining?"),
                           description=_l("For example, a medication review, or the clozapine clinic."),
                           validators=[Required(messages.ENTER_CARE_TEAM_REASON), MaxLength(care_team.REASON_MAX)])


class RemoveCareTeamMemberForm(FlaskForm):
    reason = TextAreaField(_l("Why are they leaving the care team?"),
                           validators=[Required(messages.ENTER_CARE_TEAM_REMOVAL_REASON),
                                       MaxLength(care_team.REASON_MAX)])


def _to_manage(service_user_id: int) -> ServiceUser:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    if not care_team.may_manage(current_user, person):
        abort(403)
    return person


@bp.get("/service-users/<int:service_user_id>/care-team")
@roles(*STAFF)
def care_team_page(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    return render_template("staff/care_team.html", person=person, members=care_team.current_members(person),
                           former=care_team.former_members(person), role_of=care_team.role_of,
                           may_manage=care_team.may_manage(current_user, person))


@bp.route("/service-users/<int:service_user_id>/care-team/members", methods=["GET", "POST"])
@roles(*STAFF)
def add_care_team_member(service_user_id: int) -> str | Response:
    person = _to_manage(service_user_id)
    form = AddCareTeamMemberForm()
    found = care_team_search.candidates(current_user, person, request.args.get("q", ""))
    form.staff_member.choices = [SelectChoice(str(c.id), _candidate_label(c)) for c in found.found]
    form.role.choices = [SelectChoice(code, str(role.name)) for code, role in care_team.roles().items()]
    if form.validate_on_submit():
        try:
            member = care_team.add_member(current_user, person, int(str(form.staff_member.data)),
                                          str(form.role.data), str(form.reason.data))
        except care_team.AlreadyInCareTeam:
            form.staff_member.errors = [str(messages.ALREADY_IN_CARE_TEAM)]
        except (NotFound, NotAllowed):
            form.staff_member.errors = [str(messages.CHOOSE_CARE_TEAM_MEMBER)]
        else:
            flash(_("%(name)s is in %(person)s's care team now.", name=member.staff_member.name,
                    person=person.display_name), "info")
            return redirect_after_post(url_for("staff.care_team_page", service_user_id=person.id))
    return render_template("staff/add_care_team_member.html", person=person, form=form, found=found)


def _candidate_label(found: staff_records.StaffFound) -> str:
    """Who they are, their team and profession, and whether they are registered: a choice read aloud."""
    if found.registered:
        return _("%(name)s, %(profession)s, %(team)s, registered (%(registration)s)", name=found.name,
                 profession=found.profession, team=found.team_name, registration=found.registration)
    return _("%(name)s, %(profession)s, %(team)s, no professional registration", name=found.name,
             profession=found.profession, team=found.team_name)


@bp.route("/service-users/<int:service_user_id>/care-team/members/<int:member_id>/removal", methods=["GET", "POST"])
@roles(*STAFF)
def remove_care_team_member(service_user_id: int, member_id: int) -> str | Response:
    person = _to_manage(service_user_id)
    member = care_team.member_to_remove(current_user, person, member_id)
    form = RemoveCareTeamMemberForm()
    if form.validate_on_submit():
        care_team.remove_member(current_user, person, member.id, str(form.reason.data))
        flash(_("%(name)s is no longer in %(person)s's care team.", name=member.staff_member.name,
                person=person.display_name), "info")
        return redirect_after_post(url_for("staff.care_team_page", service_user_id=person.id))
    return render_template("staff/remove_care_team_member.html", person=person, member=member,
                           role=care_team.role_of(member), form=form)
