from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.forms import messages
from portal.forms.fields import EmailField, RadioField
from portal.forms.validators import Email, Required


class InvitationForm(FlaskForm):
    invitee = RadioField(_l("Who are you inviting?"), validators=[Required(messages.CHOOSE_WHO)])
    email = EmailField(
        _l("Their email address"),
        description=_l("They will use this to sign in"),
        validators=[Required(messages.ENTER_EMAIL), Email()],
    )
