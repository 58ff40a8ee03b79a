"""Shared input checks for the scoring modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.instruments.definition import Instrument, Item

IMPROVEMENT = "improvement"
DETERIORATION = "deterioration"
NO_RELIABLE_CHANGE = "no reliable change"


def is_whole_number(value: Any) -> bool:
    """True for an int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def describe(label: str, item: Item) -> str:
    """Name an item in an error message, e.g. 'DIALOG item 4 (accommodation)'."""
    return f"{label} item {item.number} ({item.code})"


def check_value(label: str, item: Item, value: Any) -> int:
    """Return ``value`` if it is one of the item's option values."""
    values = item.values
    if not is_whole_number(value) or value not in values:
        raise ValueError(
            f"{describe(label, item)} must be a whole number from "
            f"{min(values)} to {max(values)}, got {value!r}"
        )
    return int(value)


def check_answers(
    label: str, instrument: Instrument, answers: Mapping[Any, Any], complete: bool
) -> dict[int, int]:
    """Validate answers keyed by item number; ``complete`` requires every item."""
    if not isinstance(answers, Mapping):
        raise ValueError(f"{label} answers must map item numbers to answers")
    by_number = {item.number: item for item in instrument.items}
    checked = {}
    for number, value in answers.items():
        if not is_whole_number(number) or number not in by_number:
            raise ValueError(f"{label} item {number!r} is not a {label} item")
        checked[number] = check_value(label, by_number[number], value)
    if complete:
        for number in sorted(by_number):
            if number not in checked:
                raise ValueError(f"{describe(label, by_number[number])} is missing")
    return dict(sorted(checked.items()))


def classify_change(change: int, threshold: float) -> str:
    """Classify a change where higher is better against a positive threshold."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ValueError(f"Reliable change threshold must be a number, got {threshold!r}")
    if threshold <= 0:
        raise ValueError(f"Reliable change threshold must be above 0, got {threshold!r}")
    if change >= threshold:
        return IMPROVEMENT
    if change <= -threshold:
        return DETERIORATION
    return NO_RELIABLE_CHANGE
