"""The reminders page, shared by service users (me) and carers: the same form, the same rules."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.forms.reminders import ReminderForm, quiet_from_value, quiet_value
from portal.htmx import redirect_after_post
from portal.models import Carer, ServiceUser
from portal.notify.rules import Choice
from portal.services import reminders


def reminders_page(person: ServiceUser | Carer, template: str, endpoint: str,
                   details_endpoint: str | None = None) -> str | Response:
    pref = reminders.preference(person)
    contacts = reminders.contacts_of(person)
    current_quiet = reminders.quiet_hours_of(pref)
    form = ReminderForm(
        data={"choice": pref.choice.value if pref else None, "quiet": quiet_value(current_quiet)},
        mobile=contacts.mobile_display, email=contacts.email or "",
        default_quiet=reminders.default_quiet_hours(),
    )
    if form.validate_on_submit():
        choice = Choice(form.choice.data or "")
        reminders.change_preference(current_user, person, choice, quiet_from_value(form.quiet.data or ""))
        flash(_("You will not get reminders. You can change this at any time.") if choice is Choice.NONE
              else _("Your reminder choices are saved."), "info")
        return redirect_after_post(url_for(endpoint))
    return render_template(template, form=form, preference=pref, contacts=contacts,
                           details_endpoint=details_endpoint)
