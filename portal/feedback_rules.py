"""Feedback from service users and carers: the NHS Friends and Family Test (FFT), plain rules.

The question and its six answers are NHS England's standard wording, used by every NHS service
since 1 April 2020: "Overall, how was your experience of our service?" — Very good, Good, Neither
good nor poor, Poor, Very poor, Don't know. Source: NHS England, "Using the Friends and Family Test
to improve patient experience" (FFT guidance, publication reference 000928, 2019), section
"The FFT question", which also asks for at least one free-text question; we ask two ("What went
well?" and "What could be better?"). The wording must not be changed; providers may add questions.

NHS England reports the FFT as the share of answers that were "very good" or "good" (and, apart,
"poor" or "very poor"), out of all answers including "don't know". We do the same.

No Flask here: the portal's services call these with plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# Stored codes, in the order NHS England prints them. Never renumber: the codes are in the database.
FFT_ANSWERS = ("very_good", "good", "neither", "poor", "very_poor", "dont_know")
POSITIVE = frozenset({"very_good", "good"})
NEGATIVE = frozenset({"poor", "very_poor"})

# Counts smaller than this are never shown beyond the team (NHS Digital's small-number rule for
# published statistics suppresses 1-4; DOMAIN.md "Feedback and outcomes").
SMALLEST_SHOWN = 5

RESPONDENT_KINDS = ("service_user", "carer")


def suppressed(count: int) -> int | None:
    """The count, or None when it is from 1 to 4 (0 is shown: it identifies nobody)."""
    return None if 0 < count < SMALLEST_SHOWN else count


@dataclass(frozen=True)
class FftSummary:
    counts: dict[str, int]  # every FFT answer code → how many gave it

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def positive(self) -> int:
        return sum(self.counts[code] for code in POSITIVE)

    @property
    def negative(self) -> int:
        return sum(self.counts[code] for code in NEGATIVE)

    def share(self, count: int) -> int | None:
        """A whole percentage of all answers (halves rounded up); None with no answers."""
        if self.total == 0:
            return None
        return (200 * count + self.total) // (2 * self.total)

    def shown(self, beyond_team: bool) -> FftSummary | None:
        """What may be shown: within the team every count; beyond it, nothing when fewer than
        5 people answered, and each answer's count under 5 hidden (None) otherwise."""
        if not beyond_team:
            return self
        if self.total < SMALLEST_SHOWN:
            return None
        return self


def summarise(answers: Iterable[str]) -> FftSummary:
    counts = dict.fromkeys(FFT_ANSWERS, 0)
    for answer in answers:
        if answer not in counts:
            raise ValueError(f"Not a Friends and Family Test answer: {answer!r}")
        counts[answer] += 1
    return FftSummary(counts)


def offer_due(last_given_on: date | None, today: date, every_days: int) -> bool:
    """Offer feedback (a link, never a barrier) when the person has not given any in the last
    ``every_days`` days. ``every_days`` 0: offer every day."""
    if last_given_on is None:
        return True
    return today - last_given_on >= timedelta(days=max(every_days, 1))


# Free-text themes: a few plain words a team can count without reading names. The team reads the
# words themselves; themes only group them. Matching is on whole words, lower case.
THEMES: Mapping[str, tuple[str, ...]] = {
    "listening": ("listen", "listened", "listening", "heard", "understood", "understand"),
    "waiting": ("wait", "waiting", "waited", "delay", "late", "slow"),
    "contact": ("call", "called", "phone", "contact", "reply", "replied", "answer", "text"),
    "staff": ("staff", "nurse", "worker", "kind", "friendly", "rude", "helpful"),
    "appointments": ("appointment", "appointments", "session", "sessions", "meeting", "cancelled"),
    "medication": ("medication", "medicine", "tablets", "pills", "prescription"),
    "information": ("information", "explained", "explain", "told", "letter", "letters"),
}


_THEMES_OF_WORD: dict[str, set[str]] = {}
for _theme, _cues in THEMES.items():
    for _cue in _cues:
        _THEMES_OF_WORD.setdefault(_cue, set()).add(_theme)


def themes_in(text: str) -> set[str]:
    found: set[str] = set()
    for word in text.lower().split():
        found |= _THEMES_OF_WORD.get(word.strip(".,!?;:'\"()"), set())
    return found


def count_themes(texts: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(THEMES, 0)
    for text in texts:
        for theme in themes_in(text):
            counts[theme] += 1
    return counts
