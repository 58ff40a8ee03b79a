"""What a reminder says. Nothing clinical, no scores, no task names: only that there is something
to do in "your care portal", a link to sign in (no sign-in token in it) and a link to stop.

With GOV.UK Notify the words live in the trust's Notify templates (README "Reminders" gives the
text to paste in); the portal sends only ``link`` and ``stop_link``. The local notifier renders
the same text here, so the demo shows what a person would receive.

Every message is in the recipient's language (their account's ``locale``), never the language of
whatever request or worker sends it: ``render`` translates inside ``force_locale``. A translation
keeps ``((link))`` and ``((stop_link))`` exactly as they are.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.notify.rules import Channel


class MessageKind(enum.StrEnum):
    """Which pair of templates a message uses (GOV.UK Notify has one template id per kind and channel)."""

    REMINDER = "reminder"
    INVITATION = "invitation"
    STAFF_ATTENTION = "staff_attention"  # a flag needs a member of staff (portal/services/risk.py)
    PASSWORD_RESET = "password_reset"  # nosec B105 # a message kind, not a secret: a link to set a new password


SMS_TEMPLATE = _l(
    "You have something to do in your care portal. Sign in to see it: ((link))\n"
    "To stop these messages: ((stop_link))"
)
EMAIL_SUBJECT = _l("Something to do in your care portal")
EMAIL_TEMPLATE = _l(
    "You have something to do in your care portal.\n\n"
    "Sign in to see it: ((link))\n\n"
    "You are getting this email because you asked for reminders. "
    "To stop them, use this link: ((stop_link))"
)
# An invitation: the person has no account yet. The invitation code is NOT in the message (README
# "Reminders" says why): they use the code the person who invited them gave them.
INVITATION_SMS_TEMPLATE = _l(
    "You have been invited to use your care portal. To set up your account, go to ((link)) "
    "and enter the invitation code you were given.\n"
    "To stop messages from us: ((stop_link))"
)
INVITATION_EMAIL_SUBJECT = _l("Your invitation to your care portal")
INVITATION_EMAIL_TEMPLATE = _l(
    "You have been invited to use your care portal.\n\n"
    "To set up your account, go to ((link)) and enter the invitation code you were given. "
    "This email does not contain the code. If you do not have it, ask the person who invited you.\n\n"
    "If you were not expecting this, you can ignore it. To stop messages from us: ((stop_link))"
)
# To staff, about a flag (urgent, escalated, or a daily digest of routine ones): never clinical
# content, never a name; the link opens the sign-in page, then the flag or the duty page.
STAFF_SMS_TEMPLATE = _l("Something needs your attention in the portal. Sign in to see it: ((link))")
STAFF_EMAIL_SUBJECT = _l("Something needs your attention in the portal")
STAFF_EMAIL_TEMPLATE = _l(
    "Something needs your attention in the portal.\n\n"
    "Sign in to see it: ((link))\n\n"
    "You are getting this email because you work in the team. To be told by text message instead, "
    "change how you are told in the portal."
)
# A forgotten password: the link works once, for 30 minutes; nothing else about the person.
RESET_EMAIL_SUBJECT = _l("Set a new password for your care portal")
RESET_EMAIL_TEMPLATE = _l(
    "Someone asked to set a new password for your care portal account.\n\n"
    "To set a new password, use this link in the next 30 minutes: ((link))\n\n"
    "If this was not you, you do not need to do anything: your password has not changed."
)
RESET_SMS_TEMPLATE = _l(
    "Your care portal: to set a new password, use this link in the next 30 minutes: ((link)) "
    "If this was not you, you do not need to do anything."
)
PERSONALISATION_KEYS = ("link", "stop_link")
FORBIDDEN_WORDS = ("mental health",)
_PLACEHOLDER = re.compile(r"\(\((\w+)\)\)")


def render(channel: Channel, personalisation: Mapping[str, str], kind: MessageKind = MessageKind.REMINDER,
           locale: str = "en") -> str:
    """The message's text in ``locale`` (the recipient's language), with the links filled in."""
    with force_locale(locale):
        template = _template(channel, kind)
    with force_locale("en"):
        english = _template(channel, kind)
    if sorted(_PLACEHOLDER.findall(template)) != sorted(_PLACEHOLDER.findall(english)):
        template = english  # a translation that lost or misspelt a link must not lose the person's link
    return _PLACEHOLDER.sub(lambda match: personalisation[match.group(1)], template)


def _template(channel: Channel, kind: MessageKind) -> str:
    if kind is MessageKind.PASSWORD_RESET:
        template = RESET_SMS_TEMPLATE if channel is Channel.SMS else f"{RESET_EMAIL_SUBJECT}\n\n{RESET_EMAIL_TEMPLATE}"
    elif kind is MessageKind.STAFF_ATTENTION:
        template = STAFF_SMS_TEMPLATE if channel is Channel.SMS else f"{STAFF_EMAIL_SUBJECT}\n\n{STAFF_EMAIL_TEMPLATE}"
    elif kind is MessageKind.INVITATION:
        template = (INVITATION_SMS_TEMPLATE if channel is Channel.SMS
                    else f"{INVITATION_EMAIL_SUBJECT}\n\n{INVITATION_EMAIL_TEMPLATE}")
    else:
        template = SMS_TEMPLATE if channel is Channel.SMS else f"{EMAIL_SUBJECT}\n\n{EMAIL_TEMPLATE}"
    return str(template)
