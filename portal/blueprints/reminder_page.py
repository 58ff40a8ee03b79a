"""The reminders page, shared by service users (me) and carers: the same form, the same rules. Staff
recording a choice told to them in person use the same form too (`reminder_form`)."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.forms.reminders import ReminderForm, quiet_from_value, quiet_value
from portal.htmx import redirect_after_post
from portal.models import Carer, ServiceUser
from portal.notify.rules import Choice
from portal.services import reminders
from portal.services.reminders import Contacts

F = TypeVar("F", bound=ReminderForm)


def reminder_form(person: ServiceUser | Carer, form_class: type[F], **options: Any) -> tuple[F, Contacts]:
    """The form, filled in with the person's current choice, and their contact details."""
    pref = reminders.preference(person)
    contacts = reminders.contacts_of(person)
    quiet = reminders.quiet_hours_of(pref)
    form = form_class(
        data={"choice": pref.choice.value if pref else None, "quiet": quiet_value(quiet)},
        mobile=contacts.mobile_display, email=contacts.email or "", default_quiet=reminders.default_quiet_hours(),
        current_quiet=quiet, **options,
    )
    return form, contacts


def reminders_page(person: ServiceUser | Carer, template: str, endpoint: str,
                   details_endpoint: str | None = None) -> str | Response:
    form, contacts = reminder_form(person, ReminderForm)
    if form.validate_on_submit():
        choice = Choice(form.choice.data or "")
        reminders.change_preference(current_user, person, choice, quiet_from_value(form.quiet.data or ""))
        flash(_("You will not get reminders. You can change this at any time.") if choice is Choice.NONE
              else _("Your reminder choices are saved."), "info")
        return redirect_after_post(url_for(endpoint))
    return render_template(template, form=form, preference=reminders.preference(person), contacts=contacts,
                           details_endpoint=details_endpoint, person=person)
