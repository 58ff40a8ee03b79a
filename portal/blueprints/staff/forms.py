
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

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
    instrument = RadioField(_l("Which questionnaire can wait?"), validators=[Required(messages.CHOOSE_MEASURE)])
    reason = TextAreaField(
        _l("Why is it not the right time?"),
        description=_l("For example, in crisis or acute psychosis. Do not write more than is needed."),
        validators=[Required(messages.ENTER_REASON), MaxLength(500)],
    )
    until = DateField(_l("Try again from"), description=_l("For example, 27 3 2027"),
                      validators=[after_today(messages.DATE_IN_FUTURE)])
