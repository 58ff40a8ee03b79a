"""Answers that prompt human follow-up. Not a risk rating (NICE NG225).

Checks work on partial answers so support can be shown as soon as an
answer is chosen. Reasons are machine codes with no personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from portal.instruments import dialog, reqol10
from portal.instruments._checks import check_value, is_whole_number
from portal.instruments.definition import Instrument, load_instrument

REQOL_ITEM_CODE = "life_not_worth_living"
DIALOG_ITEM_CODE = "personal_safety"
REQOL_REASON = "reqol_item6"
DIALOG_REASON = "dialog_personal_safety"


@dataclass(frozen=True)
class SafetyThresholds:
    """Per-trust settings; defaults from the domain reference.

    ReQoL item 6 is answered 0 (none of the time) to 4 (most or all of the
    time); DIALOG personal safety is rated 1 to 7.
    """

    reqol_item6_support_from: int = 1
    reqol_item6_flag_from: int = 3
    dialog_safety_support_at_or_below: int = 2
    dialog_safety_flag_at_or_below: int = 2

    def __post_init__(self) -> None:
        for setting in fields(self):
            value = getattr(self, setting.name)
            if not is_whole_number(value):
                raise ValueError(f"{setting.name} must be a whole number, got {value!r}")


DEFAULT_THRESHOLDS = SafetyThresholds()


@dataclass(frozen=True)
class SafetyResponse:
    """What to do now. A flag always comes with support information."""

    show_support: bool
    flag_key_worker: bool
    reasons: tuple[str, ...]


NO_CONCERN = SafetyResponse(show_support=False, flag_key_worker=False, reasons=())


def check_reqol(
    answers: Mapping[int, int],
    thresholds: SafetyThresholds = DEFAULT_THRESHOLDS,
    instrument: Instrument | None = None,
) -> SafetyResponse:
    """Check ReQoL-10 answers (complete or not) keyed by item number."""
    instrument = instrument or load_instrument("reqol10")
    item = instrument.item_by_code(REQOL_ITEM_CODE)
    if answers.get(item.number) is None:
        return NO_CONCERN
    value = check_value(reqol10.LABEL, item, answers[item.number])
    return _response(
        support=value >= thresholds.reqol_item6_support_from,
        flag=value >= thresholds.reqol_item6_flag_from,
        reason=REQOL_REASON,
    )


def check_dialog(
    ratings: Mapping[int, int],
    thresholds: SafetyThresholds = DEFAULT_THRESHOLDS,
    instrument: Instrument | None = None,
) -> SafetyResponse:
    """Check DIALOG ratings (complete or not) keyed by item number."""
    instrument = instrument or load_instrument("dialog")
    item = instrument.item_by_code(DIALOG_ITEM_CODE)
    if ratings.get(item.number) is None:
        return NO_CONCERN
    value = check_value(dialog.LABEL, item, ratings[item.number])
    return _response(
        support=value <= thresholds.dialog_safety_support_at_or_below,
        flag=value <= thresholds.dialog_safety_flag_at_or_below,
        reason=DIALOG_REASON,
    )


def _response(support: bool, flag: bool, reason: str) -> SafetyResponse:
    if not (support or flag):
        return NO_CONCERN
    return SafetyResponse(show_support=True, flag_key_worker=flag, reasons=(reason,))
