"""ReQoL-10 scoring: total 0-40 (higher is better), read from the content file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from portal.instruments._checks import (
    check_answers,
    check_value,
    classify_change,
    is_whole_number,
)
from portal.instruments.definition import Instrument, load_instrument

LABEL = "ReQoL-10"
TOTAL_MIN = 0
TOTAL_MAX = 40
CLINICAL_CUTOFF = 24
RELIABLE_CHANGE_DEFAULT = 5
PHYSICAL_HEALTH_CODE = "physical_health"


@dataclass(frozen=True)
class ReqolScore:
    """Total of the ten items; the physical health item is reported apart."""

    total: int
    clinical_range: bool
    physical_health: int | None
    item_scores: dict[int, int] = field(hash=False)


def score(
    answers: Mapping[int, int],
    physical_health: int | None = None,
    instrument: Instrument | None = None,
) -> ReqolScore:
    """Score a complete ReQoL-10; ValueError naming the item if anything is wrong.

    ``answers`` maps item number (1-10) to the option chosen, 0 (none of the
    time) to 4 (most or all of the time). Negative items are reversed using
    the scores in the content file.
    """
    instrument = instrument or load_instrument("reqol10")
    checked = check_answers(LABEL, instrument, answers, complete=True)
    item_scores = {
        number: instrument.item(number).option(value).score for number, value in checked.items()
    }
    if physical_health is not None:
        physical_item = instrument.item_by_code(PHYSICAL_HEALTH_CODE)
        check_value(LABEL, physical_item, physical_health)
    total = sum(item_scores.values())
    return ReqolScore(
        total=total,
        clinical_range=total < CLINICAL_CUTOFF,
        physical_health=physical_health,
        item_scores=item_scores,
    )


def reliable_change(
    before_total: int, after_total: int, threshold: float = RELIABLE_CHANGE_DEFAULT
) -> str:
    """'improvement', 'deterioration' or 'no reliable change' between two totals."""
    for name, total in (("before", before_total), ("after", after_total)):
        if not is_whole_number(total) or not TOTAL_MIN <= total <= TOTAL_MAX:
            raise ValueError(
                f"{LABEL} {name} total must be a whole number from "
                f"{TOTAL_MIN} to {TOTAL_MAX}, got {total!r}"
            )
    return classify_change(after_total - before_total, threshold)
