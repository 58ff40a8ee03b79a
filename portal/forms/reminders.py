"""The reminders form, for service users and carers alike."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, ValidationError

from portal.forms import messages
from portal.forms.fields import BooleanField, RadioField, SubmitField, TelField
from portal.forms.validators import Required, is_uk_mobile
from portal.notify.rules import Channel, Choice, QuietHours, parse_time

ANY_TIME = "any"
QUIET_PRESETS = ("20:00-08:00", "21:00-08:00", "22:00-07:00", "18:00-09:00")


def quiet_value(quiet: QuietHours) -> str:
    if quiet.start == quiet.end:
        return ANY_TIME
    return f"{quiet.start.isoformat('minutes')}-{quiet.end.isoformat('minutes')}"


def quiet_from_value(value: str) -> QuietHours:
    if value == ANY_TIME:
        return QuietHours(parse_time("00:00"), parse_time("00:00"))
    start, _, end = value.partition("-")
    return QuietHours(parse_time(start), parse_time(end))


def _clock(value: str) -> str:
    """'20:00' → '8pm', '07:30' → '7:30am' (the NHS.UK style for times)."""
    hours, minutes = (int(part) for part in value.split(":"))
    twelve = hours % 12 or 12
    clock = f"{twelve}" if minutes == 0 else f"{twelve}:{minutes:02d}"
    # the same messages as risk.time_text: "am" and "pm" are the person's language's
    return gettext("%(clock)sam", clock=clock) if hours < 12 else gettext("%(clock)spm", clock=clock)


def quiet_label(value: str) -> str:
    if value == ANY_TIME:
        return str(_l("Any time of day or night is fine"))
    start, _, end = value.partition("-")
    return str(_l("From %(start)s to %(end)s", start=_clock(start), end=_clock(end)))


class ReminderForm(FlaskForm):
    choice = RadioField(_l("How would you like us to remind you?"),
                        validators=[Required(messages.CHOOSE_REMINDERS)])
    quiet = RadioField(_l("When should we not send messages?"),
                       description=_l("Times are UK time."),
                       validators=[Required(messages.CHOOSE_QUIET_HOURS)])
    submit = SubmitField(_l("Save my choices"))

    def __init__(self, *args: Any, mobile: str = "", email: str = "", default_quiet: QuietHours | None = None,
                 current_quiet: QuietHours | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mobile, self.email = mobile, email
        self.choice.choices = [
            SelectChoice(Choice.TEXT.value, str(_l("Text message"))),
            SelectChoice(Choice.EMAIL.value, str(_l("Email"))),
            SelectChoice(Choice.BOTH.value, str(_l("Text message and email"))),
            SelectChoice(Choice.NONE.value, str(_l("No reminders, thank you"))),
        ]
        # Offered: the presets, the trust's default and what the person has now (which may be
        # neither) — never what was posted, so a value nobody offered is refused like no answer.
        presets = list(QUIET_PRESETS)
        for quiet in (default_quiet, current_quiet):
            value = quiet_value(quiet) if quiet else presets[0]
            if value not in presets and value != ANY_TIME:
                presets.insert(0, value)
        self.quiet.choices = [SelectChoice(value, quiet_label(value)) for value in [*presets, ANY_TIME]]

    def validate_choice(self, field: RadioField) -> None:
        if field.data in (Choice.TEXT.value, Choice.BOTH.value) and not self.mobile:
            raise ValidationError(str(messages.REMINDER_NEEDS_MOBILE))
        if field.data in (Choice.EMAIL.value, Choice.BOTH.value) and not self.email:
            raise ValidationError(str(messages.REMINDER_NEEDS_EMAIL))

    def validate_quiet(self, field: RadioField) -> None:
        try:
            quiet_from_value(field.data or "")
        except ValueError as error:
            raise ValidationError(str(messages.CHOOSE_QUIET_HOURS)) from error


# Sending an invitation by message (the inviter's explicit choice) ------------------------------

NOT_SENT = "no"


def send_invitation_field() -> RadioField:
    """Add to an invitation form; the view sets the choices with ``send_invitation_choices``."""
    return RadioField(
        _l("Also send them a message with a link to set up their account?"),
        description=_l("The message does not have the code in it, because anyone who can see their phone or "
                       "email could use it. Give them the code yourself, in person or on the phone."),
        default=NOT_SENT, choices=[SelectChoice(NOT_SENT, _l("No, I will give them the code myself"))],
    )


def send_invitation_choices(channels: tuple[Channel, ...]) -> list[SelectChoice]:
    labels = {Channel.SMS: _l("Yes, by text message"), Channel.EMAIL: _l("Yes, by email, to the address above")}
    return [SelectChoice(NOT_SENT, str(_l("No, I will give them the code myself")))] + [
        SelectChoice(channel.value, str(labels[channel])) for channel in channels
    ]


def chosen_channel(field: RadioField) -> Channel | None:
    return Channel(field.data) if field.data and field.data != NOT_SENT else None


class MobileIfTexting:
    """The invitee's mobile: needed (a UK mobile) when the invitation goes by text message."""

    def __call__(self, form: Any, field: Any) -> None:
        texting = getattr(form, "send_by", None) is not None and form.send_by.data == Channel.SMS.value
        if texting and not field.data:
            raise ValidationError(str(messages.INVITATION_NEEDS_MOBILE))
        if field.data and not is_uk_mobile(field.data):
            raise ValidationError(str(messages.MOBILE_FORMAT))


def invitation_mobile_field() -> TelField:
    return TelField(
        _l("Their mobile number"),
        description=_l("Only needed for a text message. If they already use the portal, we text the number "
                       "they gave us."),
        validators=[MobileIfTexting()],
    )


class InPersonReminderForm(ReminderForm):
    """The same choices, recorded by staff for a service user who told them in person."""

    told_in_person = BooleanField(_l("They told me this themselves"))
    submit = SubmitField(_l("Save their choices"))

    def __init__(self, *args: Any, name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice.label.text = str(_l("How would %(name)s like us to remind them?", name=name))
        self.quiet.label.text = str(_l("When should we not send %(name)s messages?", name=name))

    def validate_told_in_person(self, field: BooleanField) -> None:
        if not field.data:
            raise ValidationError(str(messages.CONFIRM_TOLD_IN_PERSON))
