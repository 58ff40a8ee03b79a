"""What the accessibility statement (/accessibility) says, following the GOV.UK model statement.

Everything here must stay true. The dates are when the statement was written and reviewed and
when the portal was last tested; docs/accessibility-testing.md writes down what that testing was
(tests/views/public/test_accessibility_statement.py checks the two agree). Change them together,
after testing again, and keep the known problems up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

# Links to other sites (pages a person may open; nothing on our pages is loaded from them).
ABILITYNET_URL = "https://mcmw.abilitynet.org.uk/"
EASS_URL = "https://www.equalityadvisoryservice.com/"

PREPARED_ON = date(2026, 12, 6)
REVIEWED_ON = date(2026, 12, 6)
LAST_TESTED_ON = date(2026, 12, 6)
# The next review: at least once a year (the Central Digital and Data Office asks for a regular review).
NEXT_REVIEW_BY = date(2027, 12, 6)


@dataclass(frozen=True)
class KnownProblem:
    text: LazyString | str
    criterion: str  # the WCAG 2.2 success criterion it fails, or "" when it is a gap, not a failure
    plan: LazyString | str


KNOWN_PROBLEMS = (
    KnownProblem(
        _l("The portal has not yet been tested with screen readers such as JAWS, NVDA or VoiceOver, or by "
           "disabled people who use it. Our checks look at what a screen reader is given, but that is not "
           "the same as using one."),
        "",
        _l("We plan to test with NVDA, VoiceOver and TalkBack, and with people who use them, before the "
           "portal is offered to everyone."),
    ),
    KnownProblem(
        _l("Charts of scores are pictures. The same numbers are also on the page as a table, but the "
           "chart itself is hard to read if you cannot see it well."),
        "",
        _l("Every chart keeps a table of its numbers."),
    ),
    KnownProblem(
        _l("The Welsh, Polish and Arabic words on the portal were first written by a computer, and a "
           "professional translator has not checked them yet. The questionnaires stay in English until the "
           "trust adds a checked translation."),
        "",
        _l("A professional translator will check every language before the portal is offered in it."),
    ),
)


@dataclass(frozen=True)
class Contact:
    email: str
    phone: str
    reply_days: int

    @property
    def tel_href(self) -> str:
        return "tel:" + "".join(c for c in self.phone if c.isdigit() or c == "+")


def contact() -> Contact:
    """How to reach the trust about accessibility (PORTAL_ACCESSIBILITY_EMAIL, _PHONE, _REPLY_DAYS).
    Empty: the statement tells people to ask their key worker or the team."""
    config = current_app.config
    return Contact(email=str(config.get("ACCESSIBILITY_EMAIL", "")).strip(),
                   phone=str(config.get("ACCESSIBILITY_PHONE", "")).strip(),
                   reply_days=int(config.get("ACCESSIBILITY_REPLY_DAYS", 5)))
