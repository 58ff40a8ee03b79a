"""Crisis contacts: one per-trust setting (``PORTAL_CRISIS_CONTACTS``) for every page that shows
them (the footer, Get help now, the support page after a worrying answer, the safety plan).

The setting is a JSON list, in the order the trust wants them shown; each contact is

    {"name": "Samaritans", "phone": "116 123", "hours": "Any time, day or night",
     "description": "Free to call.", "url": "https://www.samaritans.org"}

``phone`` and/or ``text`` ({"number": "85258", "keyword": "SHOUT"}) are needed; ``description``
(how to use it, e.g. "Choose option 2 for mental health support."), ``url`` and ``emergency``
(true for 999: shown first, as the urgent advice) are optional. A trust's own text is shown as
written. Unset, the built-in list below is used (translated), whose local crisis line is a
placeholder: development shows a number that never connects, production refuses to start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeAlias
from urllib.parse import quote

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from portal.config import ConfigError

# Ofcom keeps 0808 157 0000-0999 for TV and radio drama: a call never reaches anyone.
PLACEHOLDER_PHONE = "0808 157 0000"
_DRAMA_RANGE = re.compile(r"^0808157\d{4}$")
_PHONE = re.compile(r"^\+?[0-9 ]{3,20}$")
_FIELDS = {"name", "phone", "text", "hours", "url", "description", "emergency"}

Text: TypeAlias = str | LazyString  # a trust's own words, or the built-in (translated) ones


@dataclass(frozen=True)
class TextOption:
    """Text ``keyword`` (if any) to ``number``."""

    number: str
    keyword: str | None = None

    @property
    def href(self) -> str:
        digits = _digits(self.number)
        return f"sms:{digits}?body={quote(self.keyword)}" if self.keyword else f"sms:{digits}"


@dataclass(frozen=True)
class CrisisContact:
    name: Text
    hours: Text
    phone: str | None = None
    text: TextOption | None = None
    description: Text | None = None
    url: str | None = None
    emergency: bool = False

    @property
    def tel_href(self) -> str | None:
        return f"tel:{_digits(self.phone)}" if self.phone else None


def _digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def default_contacts() -> tuple[CrisisContact, ...]:
    """England's national contacts (DOMAIN.md) and a placeholder for the trust's own line."""
    always = _l("Open day and night, every day.")
    return (
        # Named as what it is, so even a demo says nothing untrue.
        CrisisContact(name=_l("Your local NHS mental health crisis line (not set up yet: this demo number "
                              "reaches nobody)"), phone=PLACEHOLDER_PHONE, hours=always,
                      description=_l("For urgent help from your local mental health team.")),
        CrisisContact(name=_l("NHS 111"), phone="111", hours=always,
                      description=_l("Choose option 2 for mental health support.")),
        CrisisContact(name=_l("Emergency services"), phone="999", hours=always, emergency=True,
                      description=_l("Call 999 or go to A&E now.")),
        CrisisContact(name=_l("Samaritans"), phone="116 123", hours=always, description=_l("Free to call.")),
        CrisisContact(name=_l("Shout"), text=TextOption("85258", "SHOUT"), hours=always,
                      description=_l("A free text service.")),
    )


def parse_contacts(raw: Any) -> tuple[CrisisContact, ...]:
    """Contacts from the setting (a list of objects); ConfigError saying what is wrong."""
    if raw in (None, [], ""):
        return default_contacts()
    where = "PORTAL_CRISIS_CONTACTS"
    if not isinstance(raw, list):
        raise ConfigError(f"{where} must be a JSON list of contacts")
    contacts = tuple(_parse_contact(entry, f"{where} contact {index}") for index, entry in enumerate(raw, start=1))
    if not any(not contact.emergency for contact in contacts):
        raise ConfigError(f"{where} must include at least one contact that is not for emergencies")
    return contacts


def _parse_contact(entry: Any, where: str) -> CrisisContact:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be an object")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ConfigError(f"{where} has unknown fields: {', '.join(sorted(unknown))}")
    name, hours = _text(entry, "name", where), _text(entry, "hours", where)
    phone = _optional_text(entry, "phone", where)
    if phone is not None and not _PHONE.match(phone):
        raise ConfigError(f"{where} ({name}): phone must be digits and spaces, like 116 123")
    text = _text_option(entry.get("text"), f"{where} ({name})")
    if phone is None and text is None:
        raise ConfigError(f"{where} ({name}) needs a phone number or a number to text")
    url = _optional_text(entry, "url", where)
    if url is not None and not url.startswith("https://"):
        raise ConfigError(f"{where} ({name}): url must start with https://")
    emergency = entry.get("emergency", False)
    if not isinstance(emergency, bool):
        raise ConfigError(f"{where} ({name}): emergency must be true or false")
    return CrisisContact(name=name, hours=hours, phone=phone, text=text,
                         description=_optional_text(entry, "description", where), url=url, emergency=emergency)


def _text_option(raw: Any, where: str) -> TextOption | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"number": raw}
    if not isinstance(raw, dict) or set(raw) - {"number", "keyword"}:
        raise ConfigError(f"{where}: text must be like {{\"number\": \"85258\", \"keyword\": \"SHOUT\"}}")
    number, keyword = raw.get("number"), raw.get("keyword")
    if not isinstance(number, str) or not _PHONE.match(number):
        raise ConfigError(f"{where}: text number must be digits, like 85258")
    if keyword is not None and (not isinstance(keyword, str) or not keyword.strip()):
        raise ConfigError(f"{where}: text keyword must be a word, like SHOUT")
    return TextOption(number=number, keyword=keyword)


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = _optional_text(entry, key, where)
    if value is None:
        raise ConfigError(f"{where} needs {key!r}")
    return value


def _optional_text(entry: dict[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key!r} must be text")
    return value.strip()


def placeholders(contacts: tuple[CrisisContact, ...]) -> list[CrisisContact]:
    """Contacts whose number is the placeholder (or any number kept for drama: it never connects)."""
    return [
        contact for contact in contacts
        if any(_DRAMA_RANGE.match(_digits(number)) for number in
               (contact.phone or "", contact.text.number if contact.text else ""))
    ]


def init_crisis_contacts(app: Flask) -> None:
    """Read the setting once at start-up: a malformed list, or the placeholder in production,
    stops the portal (a person in crisis must never be given a number that reaches nobody)."""
    contacts = parse_contacts(app.config.get("CRISIS_CONTACTS"))
    if app.config["ENV_NAME"] == "production" and (unset := placeholders(contacts)):
        raise ConfigError(
            "Set PORTAL_CRISIS_CONTACTS with your trust's own 24/7 crisis line: "
            f"{', '.join(str(contact.name) for contact in unset)} still has the placeholder number "
            f"{PLACEHOLDER_PHONE}, which reaches nobody. See README, Configuration."
        )
    app.extensions["crisis_contacts"] = contacts
    app.jinja_env.globals.update(crisis_contacts=crisis_contacts, emergency_contacts=emergency_contacts,
                                 support_contacts=support_contacts)


def crisis_contacts() -> tuple[CrisisContact, ...]:
    """The contacts to show, in the trust's order."""
    return tuple(current_app.extensions["crisis_contacts"])


def emergency_contacts() -> list[CrisisContact]:
    return [contact for contact in crisis_contacts() if contact.emergency]


def support_contacts() -> list[CrisisContact]:
    return [contact for contact in crisis_contacts() if not contact.emergency]
