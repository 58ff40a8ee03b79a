"""Which passwords the portal refuses (NCSC password guidance), as plain Python.

At least 12 characters and no composition rules ("a few words together" is encouraged).
Refused: passwords on the lists of commonly used passwords, words and keyboard patterns
that zxcvbn carries (a score below 3 of 4), and passwords built from the person's own
email address or name ("samjones1990!"), which a list cannot know about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn refuses longer input (its matching is slow on long strings); the first 72 characters
# of anything this long decide how guessable it is.
_ZXCVBN_MAX = 72
_MIN_SCORE = 3
# What is left when the person's own words are taken out must be this long on its own.
_MIN_OWN_PART = 8
_WORD = re.compile(r"[^\W\d_]{3,}")


class PasswordProblem(Enum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    EASY_TO_GUESS = "easy_to_guess"
    ABOUT_YOU = "about_you"


def personal_words(*texts: str | None) -> list[str]:
    """Words of three letters or more from an email address or name: 'sam.jones@nhs.net' → sam, jones, nhs, net."""
    words: list[str] = []
    for text in texts:
        for word in _WORD.findall((text or "").lower()):
            if word not in words:
                words.append(word)
    return words


def password_problem(password: str, personal: Iterable[str] = ()) -> PasswordProblem | None:
    """Why this password would be refused, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PasswordProblem.TOO_LONG
    words = list(personal)
    if _built_from(password, words):
        return PasswordProblem.ABOUT_YOU
    if zxcvbn(password[:_ZXCVBN_MAX], user_inputs=words)["score"] < _MIN_SCORE:
        return PasswordProblem.EASY_TO_GUESS
    return None


def _built_from(password: str, words: list[str]) -> bool:
    rest = password.lower()
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    own_part = re.sub(r"[\W_]", "", rest)
    return len(own_part) < _MIN_OWN_PART and len(rest) < len(password)
