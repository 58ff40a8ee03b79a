"""Phone numbers a person wrote (in their safety plan) become tap-to-call links.

UK numbers as people write them: 07700 900123, 0113 496 0000, +44 7700 900123, 116 123, 111
and 999. Everything else is escaped as usual; the result is safe to put in a page.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

PHONE_IN_TEXT = re.compile(
    r"(?<![\w+])"  # not the middle of a longer word or number
    r"(?:(?:\+44[ -]?(?:\(0\)[ -]?)?|0)\d(?:[ -]?\d){8,9}"  # 0113 496 0000, 07700 900123, +44 …
    r"|116[ -]?\d{3}"  # 116 123 (Samaritans), 116 117 (NHS out of hours)
    r"|111|999)"
    r"(?![\w])"
)
CALL_LINK = Markup('<a class="portal-contact-link" href="tel:{number}">{text}</a>')


def call_links(text: str) -> Markup:
    """The text, escaped, with each phone number in it a ``tel:`` link (digits only)."""
    parts: list[str] = []
    start = 0
    for found in PHONE_IN_TEXT.finditer(text):
        number = found.group(0)
        parts.append(escape(text[start:found.start()]))
        parts.append(CALL_LINK.format(number=re.sub(r"[^0-9+]", "", number), text=number))
        start = found.end()
    parts.append(escape(text[start:]))
    return Markup("").join(parts)
