"""Forms for the risk pathway: what was done about a flag, how staff are told, away dates."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, ValidationError
from wtforms.validators import StopValidation

from portal.forms import messages
from portal.forms.fields import DateField, RadioField, TelField, TextAreaField
from portal.forms.validators import MaxLength, Required, UKPhone
from portal.models import FlagOutcome
from portal.notify.rules import Channel
from portal.services.risk import OUTCOME_NOTE_MAX

OUTCOME_LABELS = {
    FlagOutcome.SPOKE_WITH_PERSON: _l("I spoke with them"),
    FlagOutcome.DISCUSSED_IN_SESSION: _l("We talked about it in a session"),
    FlagOutcome.PASSED_TO_CRISIS_TEAM: _l("I passed it to the crisis team"),
    FlagOutcome.NO_ACTION_NEEDED: _l("I reviewed it and no action is needed"),
}


class FlagOutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("What was done?"),
        choices=[SelectChoice(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
        validators=[Required(messages.CHOOSE_OUTCOME)],
    )
    outcome_note = TextAreaField(
        _l("Notes (needed if no action is needed: say why)"),
        description=_l("This goes to the clinical record with the outcome."),
        validators=[MaxLength(OUTCOME_NOTE_MAX)],
    )

    def validate_outcome_note(self, field: TextAreaField) -> None:
        if self.outcome.data == FlagOutcome.NO_ACTION_NEEDED.value and not (field.data or "").strip():
            raise ValidationError(str(messages.ENTER_NO_ACTION_REASON))


class OptionalDate:
    """An optional date: empty is fine, but what was typed must be a real date."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.parse_error:
            raise StopValidation(str(messages.DATE_FORMAT))


def _away_from() -> DateField:
    return DateField(_l("First day away (optional)"), description=_l("For example, 27 3 2027"),
                     validators=[OptionalDate()])


def _away_until() -> DateField:
    return DateField(_l("Last day away (optional)"),
                     description=_l("Leave empty if you do not know yet. For example, 3 4 2027"),
                     validators=[OptionalDate()])


def _check_away(form: Any, field: DateField) -> None:
    if field.data is not None and form.away_from.data is None and not form.away_from.parse_error:
        raise ValidationError(str(messages.AWAY_NEEDS_START))
    if field.data is not None and form.away_from.data is not None and field.data < form.away_from.data:
        raise ValidationError(str(messages.AWAY_END_BEFORE_START))


class AwayForm(FlaskForm):
    """When a member of staff is away (leave, training): their flags go to the duty worker."""

    away_from = _away_from()
    away_until = _away_until()

    def validate_away_until(self, field: DateField) -> None:
        _check_away(self, field)


class NotificationChoiceForm(FlaskForm):
    notify_by = RadioField(
        _l("How should we tell you when something needs your attention?"),
        description=_l("The message only says that something needs your attention in the portal."),
        choices=[SelectChoice(Channel.EMAIL.value, _l("Email, to the address you sign in with")),
                 SelectChoice(Channel.SMS.value, _l("Text message"))],
        validators=[Required(messages.CHOOSE_HOW_TOLD)],
    )
    mobile = TelField(_l("Your work mobile number (needed for text messages)"),
                      validators=[UKPhone(mobile_only=True)])
    away_from = _away_from()
    away_until = _away_until()

    def validate_mobile(self, field: TelField) -> None:
        if self.notify_by.data == Channel.SMS.value and not field.data:
            raise ValidationError(str(messages.STAFF_NEEDS_MOBILE))

    def validate_away_until(self, field: DateField) -> None:
        _check_away(self, field)
