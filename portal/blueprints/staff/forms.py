
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, ValidationError

from portal.forms import messages
from portal.forms.fields import DateField, EmailField, RadioField, TextAreaField
from portal.forms.once import OnceForm
from portal.forms.reminders import send_invitation_field
from portal.forms.validators import Email, MaxLength, Required, after_today


class InvitationForm(FlaskForm):
    invitee = RadioField(_l("Who are you inviting?"), validators=[Required(messages.CHOOSE_WHO)])
    email = EmailField(
        _l("Their email address"),
        description=_l("They will use this to sign in"),
        validators=[Required(messages.ENTER_EMAIL), Email()],
    )
    send_by = send_invitation_field()



class AssignMeasureForm(OnceForm):
    instrument = RadioField(_l("Which questionnaire?"), validators=[Required(messages.CHOOSE_MEASURE)])
    due_on = DateField(_l("When should it be done by?"), description=_l("For example, 27 3 2027"),
                       validators=[after_today(messages.DATE_IN_FUTURE)])


class DeferMeasureForm(OnceForm):
    """A questionnaire not done now: not the right time (a reason is needed), or the person chose
    not to answer it (a reason only if they gave one). Either way, it is asked for again from a date."""

    instrument = RadioField(_l("Which questionnaire?"), validators=[Required(messages.CHOOSE_MEASURE)])
    why = RadioField(_l("Why is it not being done now?"), choices=[
        SelectChoice("not_now", _l("It is not the right time, for example in a crisis")),
        SelectChoice("declined", _l("They chose not to answer it")),
    ], validators=[Required(messages.CHOOSE_WHY_NOT_NOW)])
    reason = TextAreaField(
        _l("What is the reason?"),
        description=_l("Needed if it is not the right time, for example in crisis or acute psychosis. "
                       "If they chose not to answer, only what they said, if they gave a reason. "
                       "Do not write more than is needed."),
        validators=[MaxLength(500)],
    )
    until = DateField(_l("Ask again from"), description=_l("For example, 27 3 2027"),
                      validators=[after_today(messages.DATE_IN_FUTURE)])

    def validate_reason(self, field: TextAreaField) -> None:
        if self.why.data == "not_now" and not (field.data or "").strip():
            raise ValidationError(str(messages.ENTER_REASON))
