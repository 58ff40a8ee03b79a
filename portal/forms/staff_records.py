"""The form for a member of staff's profession and professional registration."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError

from portal.forms import messages
from portal.forms.fields import StringField
from portal.forms.validators import MaxLength, Required
from portal.registrations import is_valid
from portal.services.staff_records import PROFESSION_MAX


def registration_format(form: Any, field: Any) -> None:
    if field.data and not is_valid(field.data):
        raise ValidationError(str(messages.REGISTRATION_FORMAT))


class StaffRegistrationForm(FlaskForm):
    profession = StringField(_l("Profession"),
                             description=_l("For example, mental health nurse or consultant psychiatrist"),
                             validators=[Required(messages.ENTER_PROFESSION), MaxLength(PROFESSION_MAX)])
    registration = StringField(
        _l("Professional registration"),
        description=_l("The regulator and number, like NMC 12A3456E, GMC 1234567, HCPC OT12345 or SWE SW12345. "
                       "Leave it empty if they have none: then they cannot be a key worker."),
        validators=[MaxLength(40), registration_format],
    )
