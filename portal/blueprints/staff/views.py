"""Pages for key workers and team leads."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.blueprints.staff.forms import InvitationForm
from portal.forms import messages
from portal.forms.reminders import chosen_channel, send_invitation_choices
from portal.models import GoalStatus, Role
from portal.notify.rules import Channel
from portal.services import accounts, care_team, care_team_notes, discharge, goals, people, reminders

NOTES_SHOWN = 10  # the newest notes from the care team on the person's page; the timeline has them all


@bp.get("/service-users/<int:service_user_id>")
@roles(*STAFF)
def service_user(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    draft_goals = [goal for goal in goals.open_goals(person) if goal.status is GoalStatus.DRAFT]
    return render_template("staff/service_user.html", person=person, carer_links=people.carers_of(person),
                           can_record_discharge=discharge.recorded_in_portal(current_user), draft_goals=draft_goals,
                           care_team_size=len(care_team.current_members(person)),
                           on_caseload=people.is_key_worker_or_team_lead(current_user, person),
                           may_change=people.may_change(current_user, person),
                           notes=care_team_notes.notes_for(person, limit=NOTES_SHOWN))


def _invitee_choices(person) -> list[SelectChoice]:  # type: ignore[no-untyped-def]
    choices = []
    if person.user_id is None:
        choices.append(SelectChoice("service_user", person.display_name))
    for link in people.carers_of(person):
        if link.carer.user_id is None:
            choices.append(SelectChoice(f"carer-{link.carer_id}", _("%(name)s (carer)", name=link.carer.name)))
    return choices


@bp.route("/service-users/<int:service_user_id>/invitation", methods=["GET", "POST"])
@roles(*STAFF)
def invite(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    form = InvitationForm()
    form.invitee.choices = _invitee_choices(person)
    form.send_by.choices = send_invitation_choices(reminders.invitation_channels())
    if form.validate_on_submit():
        link = None
        if form.invitee.data != "service_user":
            link = people.carer_link_for_staff(current_user, person.id, int(str(form.invitee.data).split("-")[1]))
        channel = chosen_channel(form.send_by)
        if channel is Channel.SMS and not reminders.can_text(link.carer if link else person):
            form.send_by.errors = [str(messages.INVITEE_HAS_NO_MOBILE)]
            return render_template("staff/invite.html", person=person, form=form)
        if link is None:
            created = accounts.create_invitation(
                current_user, form.email.data, Role.SERVICE_USER, service_user_id=person.id,
                days=current_app.config["INVITATION_DAYS"],
            )
        else:
            created = accounts.create_invitation(
                current_user, form.email.data, Role.CARER, carer_id=link.carer_id,
                days=current_app.config["INVITATION_DAYS"],
            )
        message = reminders.send_invitation_if_chosen(current_user, created.invitation, channel)
        # Shown once, never stored in clear: no redirect, so the code is not in any URL.
        return render_template("staff/invitation_created.html", person=person, created=created, message=message)
    return render_template("staff/invite.html", person=person, form=form)
