"""Goal Based Outcomes: ratings 0-10, change, reliable change, review dates."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from portal.instruments._checks import classify_change, is_whole_number

LABEL = "GBO"
RATING_MIN = 0
RATING_MAX = 10
MAX_ACTIVE_GOALS = 3
RELIABLE_CHANGE_DEFAULT = 3
REVIEW_MONTHS_DEFAULT = 3


def check_rating(rating: Any, name: str = "rating") -> int:
    """Return ``rating`` if it is a whole number from 0 to 10."""
    if not is_whole_number(rating) or not RATING_MIN <= rating <= RATING_MAX:
        raise ValueError(
            f"{LABEL} {name} must be a whole number from "
            f"{RATING_MIN} to {RATING_MAX}, got {rating!r}"
        )
    return int(rating)


def change(first: int, last: int) -> int:
    """Last rating minus first rating."""
    return check_rating(last, "last rating") - check_rating(first, "first rating")


def reliable_change(
    first_rating: int, last_rating: int, threshold: float = RELIABLE_CHANGE_DEFAULT
) -> str:
    """'improvement', 'deterioration' or 'no reliable change' for one goal."""
    return classify_change(change(first_rating, last_rating), threshold)


def progress(first: int, last: int) -> tuple[str, int]:
    """('up', points), ('down', points) or ('no_change', 0), for translated text."""
    difference = change(first, last)
    if difference > 0:
        return ("up", difference)
    if difference < 0:
        return ("down", -difference)
    return ("no_change", 0)


def progress_sentence(first: int, last: int) -> str:
    """Plain English, e.g. 'Up 4 points since you started'.

    English only: for translated text, build the sentence from ``progress``.
    """
    direction, points = progress(first, last)
    if direction == "no_change":
        return "No change since you started"
    unit = "point" if points == 1 else "points"
    return f"{direction.capitalize()} {points} {unit} since you started"


@lru_cache(maxsize=4096, typed=True)  # a caseload or dashboard of 10,000 asks for few distinct dates
def next_review_date(from_date: date, months: int = REVIEW_MONTHS_DEFAULT) -> date:
    """``from_date`` plus whole calendar months, clamped to the month's end."""
    if not isinstance(from_date, date) or isinstance(from_date, datetime):
        raise ValueError(f"Review date must be a date, got {from_date!r}")
    if not is_whole_number(months) or months < 1:
        raise ValueError(f"Months until review must be 1 or more, got {months!r}")
    month_index = from_date.month - 1 + months
    year = from_date.year + month_index // 12
    month = month_index % 12 + 1
    day = min(from_date.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
