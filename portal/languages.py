"""The languages the portal speaks, each named in itself, and which way each is written.

No Flask here: the locale selector (portal/i18n.py), the language page and the layout use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

COOKIE = "portal_language"  # signed-out pages only; a signed-in person's choice is on their account
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, so a person who cannot read English still finds theirs
    direction: str  # "ltr" or "rtl"


KNOWN = {language.code: language for language in (
    Language("en", "English", "ltr"),
    Language("cy", "Cymraeg", "ltr"),
    Language("pl", "Polski", "ltr"),
    Language("ar", "العربية", "rtl"),
)}


def direction(code: str | None) -> str:
    """Which way a language is written; a language we do not know is taken as left to right."""
    language = KNOWN.get((code or "").split("_")[0])
    return language.direction if language else "ltr"


def offered(codes: Iterable[str]) -> list[Language]:
    """The configured languages, in the configured order (unknown codes are named by their code)."""
    return [KNOWN.get(code, Language(code, code, "ltr")) for code in codes]


def chosen(code: str | None, codes: Iterable[str]) -> str | None:
    """``code`` if it is one of the configured languages, else None (a cookie or form may hold anything)."""
    return code if code and code in tuple(codes) else None
