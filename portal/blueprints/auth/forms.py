from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError

from portal.forms import messages
from portal.forms.fields import EmailField, PasswordField, StringField
from portal.forms.validators import Email, MaxLength, Required
from portal.passwords import PasswordProblem, password_problem

_PROBLEM_MESSAGES = {
    PasswordProblem.TOO_SHORT: messages.PASSWORD_TOO_SHORT,
    PasswordProblem.TOO_LONG: messages.PASSWORD_TOO_LONG,
    PasswordProblem.EASY_TO_GUESS: messages.PASSWORD_EASY_TO_GUESS,
    PasswordProblem.ABOUT_YOU: messages.PASSWORD_ABOUT_YOU,
}


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[Required(messages.ENTER_EMAIL), Email()])
    password = PasswordField(_l("Password"), validators=[Required(messages.ENTER_PASSWORD)])


def _new_password() -> Any:
    return PasswordField(
        _l("New password"),
        description=_l("Use 12 characters or more. A few words together are easy to remember."),
        validators=[Required(messages.ENTER_NEW_PASSWORD)],
    )


def _confirm_password() -> Any:
    return PasswordField(
        _l("Type the new password again"), validators=[Required(messages.ENTER_NEW_PASSWORD)]
    )


class NewPasswordChecks:
    """Checks shared by every form that sets a password (fields are declared in order per form).

    ``personal_words`` (the person's own name and email address) is set by the view.
    """

    personal_words: list[str] = []

    def validate_new_password(self, field: Any) -> None:
        problem = password_problem(field.data, self.personal_words)
        if problem is not None:
            raise ValidationError(str(_PROBLEM_MESSAGES[problem]))

    def validate_confirm_password(self, field: Any) -> None:
        if field.data != self.new_password.data:  # type: ignore[attr-defined]
            raise ValidationError(str(messages.PASSWORDS_DIFFERENT))


class ChangePasswordForm(NewPasswordChecks, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[Required(messages.ENTER_CURRENT_PASSWORD)]
    )
    new_password = _new_password()
    confirm_password = _confirm_password()


class AcceptInvitationForm(NewPasswordChecks, FlaskForm):
    email = EmailField(
        _l("Email address"),
        description=_l("The email address your key worker used to invite you"),
        validators=[Required(messages.ENTER_EMAIL), Email()],
    )
    code = StringField(
        _l("Invitation code"),
        description=_l("12 letters and numbers, like ABCD-2345-EFGH"),
        validators=[Required(messages.ENTER_CODE)],
    )
    new_password = _new_password()
    confirm_password = _confirm_password()


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes"),
        validators=[Required(messages.ENTER_SECOND_STEP_CODE), MaxLength(20)],
    )


class ForgottenPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        description=_l("The email address you sign in with"),
        validators=[Required(messages.ENTER_EMAIL), Email()],
    )


class NewPasswordForm(NewPasswordChecks, FlaskForm):
    new_password = _new_password()
    confirm_password = _confirm_password()


class NhsLoginInvitationForm(FlaskForm):
    """A carer who signed in with NHS login links it to the team's invitation (no password needed)."""

    email = EmailField(
        _l("Email address"),
        description=_l("The email address the team used to invite you"),
        validators=[Required(messages.ENTER_EMAIL), Email()],
    )
    code = StringField(
        _l("Invitation code"),
        description=_l("12 letters and numbers, like ABCD-2345-EFGH"),
        validators=[Required(messages.ENTER_CODE)],
    )
