"""Inviting a carer, shared by the service user (me) and their key worker or team lead (staff):
the same form, the same rules; only the pages around it differ."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from portal.forms import messages
from portal.forms.carers import InviteCarerForm
from portal.forms.reminders import chosen_channel, send_invitation_choices
from portal.models import ServiceUser
from portal.services import carers, reminders


def invite_carer_page(person: ServiceUser, template: str, created_template: str) -> str:
    """The form, or (once it is valid) the invitation code. The code is shown once and never stored
    in clear, so there is no redirect: it is in no URL."""
    form = InviteCarerForm()
    form.send_by.choices = send_invitation_choices(reminders.invitation_channels())
    if form.validate_on_submit():
        try:
            invitation = carers.invite_carer(
                current_user, person, name=form.name.data, relationship=form.relationship.data,
                email=form.email.data, days=current_app.config["INVITATION_DAYS"],
            )
        except carers.AlreadyTheirCarer:
            form.email.errors = [str(messages.CARER_ALREADY_INVITED)]
        else:
            message = reminders.send_invitation_if_chosen(current_user, invitation.created.invitation,
                                                         chosen_channel(form.send_by), mobile=form.mobile.data)
            return render_template(created_template, person=person, invitation=invitation, message=message)
    return render_template(template, person=person, form=form)
