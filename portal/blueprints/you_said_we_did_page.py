"""'You said, we did', as service users (me) and carers read it: the same page for both."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.forms.feedback import team_label
from portal.services import feedback


def you_said_we_did_page(template: str) -> str:
    teams = [(team_label(team), updates) for team, updates in feedback.updates_for(current_user)]
    return render_template(template, teams=teams)
