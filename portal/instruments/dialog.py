"""DIALOG scoring: two means, each only from a complete set of answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from portal.instruments._checks import check_answers, is_whole_number
from portal.instruments.definition import Instrument, load_instrument

LABEL = "DIALOG"
QUALITY_OF_LIFE_ITEMS = range(1, 9)
TREATMENT_ITEMS = range(9, 12)


@dataclass(frozen=True)
class DialogScore:
    """Subjective quality of life (items 1-8) and treatment satisfaction (9-11)."""

    quality_of_life: float
    treatment_satisfaction: float
    ratings: dict[int, int] = field(hash=False)
    more_help: tuple[int, ...]


def score(
    ratings: Mapping[int, int],
    more_help: Iterable[int] = (),
    instrument: Instrument | None = None,
) -> DialogScore:
    """Score a complete DIALOG; ValueError naming the item if anything is wrong.

    ``ratings`` maps item number (1-11) to rating (1-7); ``more_help`` lists
    the item numbers where the person wants more help.
    """
    instrument = instrument or load_instrument("dialog")
    checked = check_answers(LABEL, instrument, ratings, complete=True)
    numbers = {item.number for item in instrument.items}
    help_numbers = set()
    for number in more_help:
        if not is_whole_number(number) or number not in numbers:
            raise ValueError(f"More help asked for {number!r}, which is not a {LABEL} item")
        help_numbers.add(number)
    return DialogScore(
        quality_of_life=_mean(checked, QUALITY_OF_LIFE_ITEMS),
        treatment_satisfaction=_mean(checked, TREATMENT_ITEMS),
        ratings=checked,
        more_help=tuple(sorted(help_numbers)),
    )


def _mean(ratings: dict[int, int], numbers: range) -> float:
    return sum(ratings[number] for number in numbers) / len(numbers)
