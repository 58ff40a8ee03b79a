"""What carer pages show, in the carer's words."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.models import ContactMethod


def section_title(code: str) -> str:
    """Care plan section headings, as the person they care for would read them."""
    return {
        "what_matters": _("What matters to them"),
        "i_will_do": _("What they will do"),
        "team_will_do": _("What the team will do"),
        "other_support": _("Other support"),
        "adjustments": _("Changes that help them"),
        "involvement": _("Who is involved"),
    }.get(code, code.replace("_", " ").capitalize())


def safety_step_title(code: str) -> str:
    return {
        "warning_signs": _("Warning signs"),
        "cope_on_my_own": _("Things they can do to cope on their own"),
        "people_and_places": _("People and places that take their mind off things"),
        "people_to_ask": _("People they can ask for help"),
        "professionals": _("Professionals and services to contact"),
        "safer_surroundings": _("Making their surroundings safer"),
        "reasons_for_living": _("Their reasons for living"),
    }.get(code, code.replace("_", " ").capitalize())


def contact_method_label(method: ContactMethod | None) -> str:
    if method is None:
        return _("Not given")
    return {
        ContactMethod.PHONE: _("Phone call"),
        ContactMethod.TEXT: _("Text message"),
        ContactMethod.EMAIL: _("Email"),
        ContactMethod.LETTER: _("Letter"),
    }[method]


def format_phone(number: str) -> str:
    """07700900982 → 07700 900982; 01632960001 → 01632 960001 (easier to read out)."""
    return f"{number[:5]} {number[5:]}" if len(number) == 11 else number
