"""The feedback form: the NHS Friends and Family Test question (wording in portal/feedback_rules.py,
not to be changed), two free-text questions, and "contact me"."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.forms import messages
from portal.forms.fields import BooleanField, RadioField, TextAreaField
from portal.forms.once import OnceForm
from portal.forms.validators import MaxLength, Required
from portal.services.feedback import MAX_TEXT, TeamChoice

# NHS England's standard FFT question and answers (portal/feedback_rules.py cites the source).
FFT_QUESTION = _l("Overall, how was your experience of our service?")
FFT_ANSWER_LABELS = {
    "very_good": _l("Very good"),
    "good": _l("Good"),
    "neither": _l("Neither good nor poor"),
    "poor": _l("Poor"),
    "very_poor": _l("Very poor"),
    "dont_know": _l("Don't know"),
}


class FeedbackForm(FlaskForm):
    team = RadioField(_l("Which team is this about?"), validators=[Required(messages.CHOOSE_FEEDBACK_TEAM)])
    fft_answer = RadioField(FFT_QUESTION,
                            choices=[SelectChoice(code, label) for code, label in FFT_ANSWER_LABELS.items()],
                            validators=[Required(messages.CHOOSE_EXPERIENCE)])
    went_well = TextAreaField(_l("What went well? (optional)"), validators=[MaxLength(MAX_TEXT)])
    could_be_better = TextAreaField(_l("What could be better? (optional)"), validators=[MaxLength(MAX_TEXT)])
    contact_me = BooleanField(
        _l("I would like someone to contact me about this"),
        description=_l("The team will see your name with what you wrote. If you do not tick this, "
                       "they will not know it was you."),
    )


def team_label(team: TeamChoice) -> str:
    """A service user's team by its name; a carer's by the people they care for in it (a carer
    is told a team's name only when the person shares "involvement" with them)."""
    if team.cared_for:
        return _("The team caring for %(names)s", names=", ".join(team.cared_for))
    return team.name


def feedback_form(teams: list[TeamChoice], **kwargs: Any) -> FeedbackForm:
    """The form; the team question only when there is more than one team to choose from."""
    form = FeedbackForm(**kwargs)
    form.team.choices = [SelectChoice(str(team.team_id), team_label(team)) for team in teams]
    if len(teams) == 1:
        form.team.data = str(teams[0].team_id)  # type: ignore[assignment]
        form.team.validators = []
    return form


class TeamUpdateForm(OnceForm):
    """"You said, we did": written by a team lead, read by service users and carers."""

    you_said = TextAreaField(_l("You said"), description=_l("What people told the team, in plain words, without names"),
                             validators=[Required(messages.ENTER_YOU_SAID), MaxLength(1000)])
    we_did = TextAreaField(_l("We did"), description=_l("What the team changed because of it"),
                           validators=[Required(messages.ENTER_WE_DID), MaxLength(1000)])
