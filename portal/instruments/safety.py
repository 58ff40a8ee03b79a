"""Answers that prompt human follow-up. Not a risk rating (NICE NG225).

Checks work on partial answers so support can be shown as soon as an
answer is chosen. Reasons are machine codes with no personal data.

Every answer that shows support also reaches a member of staff, with a tier (``RiskTiers``, the
trust setting ``RISK_TIERS``): *urgent* (seen the same working day) or *routine* (seen before the
next contact). ``check_settings`` refuses a setting where support is shown but nobody is told.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from portal.instruments import dialog, reqol10
from portal.instruments._checks import check_value, is_whole_number
from portal.instruments.definition import Instrument, load_instrument

REQOL_ITEM_CODE = "life_not_worth_living"
DIALOG_ITEM_CODE = "personal_safety"
REQOL_REASON = "reqol_item6"
DIALOG_REASON = "dialog_personal_safety"
CARER_REASON = "carer_worry"
URGENT = "urgent"
ROUTINE = "routine"
TIERS = (URGENT, ROUTINE)
# The answers each signal can have: ReQoL item 6 0 (none of the time) to 4 (most or all of the
# time); DIALOG personal safety 1 (totally dissatisfied) to 7.
SIGNAL_VALUES = {REQOL_REASON: range(0, 5), DIALOG_REASON: range(1, 8)}


@dataclass(frozen=True)
class SafetyThresholds:
    """Per-trust settings; defaults from the domain reference.

    ReQoL item 6 is answered 0 (none of the time) to 4 (most or all of the
    time); DIALOG personal safety is rated 1 to 7.
    """

    reqol_item6_support_from: int = 1
    dialog_safety_support_at_or_below: int = 2

    def __post_init__(self) -> None:
        for setting in fields(self):
            value = getattr(self, setting.name)
            if not is_whole_number(value):
                raise ValueError(f"{setting.name} must be a whole number, got {value!r}")


DEFAULT_THRESHOLDS = SafetyThresholds()


def _default_tiers() -> dict[str, dict[int, str]]:
    return {
        REQOL_REASON: {1: ROUTINE, 2: ROUTINE, 3: URGENT, 4: URGENT},  # only occasionally, sometimes; often, most
        DIALOG_REASON: {1: URGENT, 2: URGENT},
    }


@dataclass(frozen=True)
class RiskTiers:
    """Per trust: for each signal, the tier of each answer that reaches staff (an answer not
    listed reaches nobody). Defaults from the domain reference and issue 13."""

    by_signal: Mapping[str, Mapping[int, str]] = field(default_factory=_default_tiers)

    def tier(self, signal: str, value: int) -> str | None:
        return self.by_signal.get(signal, {}).get(value)


DEFAULT_TIERS = RiskTiers()


def risk_tiers_from(setting: Mapping[str, Any]) -> RiskTiers:
    """``RISK_TIERS``, e.g. ``{"reqol_item6": {"1": "routine", "2": "urgent", "3": "urgent",
    "4": "urgent"}}``: a signal given replaces that signal's defaults; others keep theirs. A value
    of ``null`` reaches nobody. Raises ValueError with a plain message for anything wrong."""
    by_signal = {signal: dict(tiers) for signal, tiers in _default_tiers().items()}
    for signal, tiers in setting.items():
        if signal not in SIGNAL_VALUES:
            raise ValueError(f"RISK_TIERS: unknown signal {signal!r} (known: {', '.join(SIGNAL_VALUES)})")
        if not isinstance(tiers, Mapping):
            raise ValueError(f"RISK_TIERS {signal} must map answers to tiers, like {{\"3\": \"urgent\"}}")
        chosen: dict[int, str] = {}
        for raw_value, tier in tiers.items():
            try:
                value = int(raw_value)
            except (TypeError, ValueError) as error:
                raise ValueError(f"RISK_TIERS {signal}: {raw_value!r} is not an answer") from error
            if value not in SIGNAL_VALUES[signal]:
                raise ValueError(f"RISK_TIERS {signal}: {value} is not an answer "
                                 f"({SIGNAL_VALUES[signal].start} to {SIGNAL_VALUES[signal].stop - 1})")
            if tier is None:
                continue
            if tier not in TIERS:
                raise ValueError(f"RISK_TIERS {signal} {value}: the tier must be urgent or routine, not {tier!r}")
            chosen[value] = tier
        by_signal[signal] = chosen
    return RiskTiers(by_signal)


def check_settings(thresholds: SafetyThresholds, tiers: RiskTiers) -> None:
    """Refuse settings that would show support and tell the person someone will see their answer
    when nobody is told (issue 13, fault 1)."""
    support = {
        REQOL_REASON: [v for v in SIGNAL_VALUES[REQOL_REASON] if v >= thresholds.reqol_item6_support_from],
        DIALOG_REASON: [v for v in SIGNAL_VALUES[DIALOG_REASON] if v <= thresholds.dialog_safety_support_at_or_below],
    }
    for signal, values in support.items():
        missing = [v for v in values if tiers.tier(signal, v) is None]
        if missing:
            raise ValueError(f"{signal} answers {missing} show support but reach nobody: "
                             "give them a tier in RISK_TIERS, or change SAFETY_THRESHOLDS")


def thresholds_from(setting: Mapping[str, Any]) -> SafetyThresholds:
    replaced = {"reqol_item6_flag_from", "dialog_safety_flag_at_or_below"} & set(setting)
    if replaced:
        raise ValueError(f"SAFETY_THRESHOLDS {sorted(replaced)}: who is told is now set by RISK_TIERS")
    known = {f.name for f in fields(SafetyThresholds)}
    unknown = set(setting) - known
    if unknown:
        raise ValueError(f"SAFETY_THRESHOLDS: unknown settings {sorted(unknown)}")
    return SafetyThresholds(**setting)


@dataclass(frozen=True)
class SafetyResponse:
    """What to do now. A flag always comes with support information; every answer that shows
    support reaches staff once the settings have passed ``check_settings``."""

    show_support: bool
    flag_key_worker: bool
    reasons: tuple[str, ...]
    tier: str | None = None  # "urgent", "routine", or None: reaches nobody


NO_CONCERN = SafetyResponse(show_support=False, flag_key_worker=False, reasons=())


def check_reqol(
    answers: Mapping[int, int],
    thresholds: SafetyThresholds = DEFAULT_THRESHOLDS,
    instrument: Instrument | None = None,
    tiers: RiskTiers = DEFAULT_TIERS,
) -> SafetyResponse:
    """Check ReQoL-10 answers (complete or not) keyed by item number."""
    instrument = instrument or load_instrument("reqol10")
    item = instrument.item_by_code(REQOL_ITEM_CODE)
    if answers.get(item.number) is None:
        return NO_CONCERN
    value = check_value(reqol10.LABEL, item, answers[item.number])
    return _response(
        support=value >= thresholds.reqol_item6_support_from,
        tier=tiers.tier(REQOL_REASON, value),
        reason=REQOL_REASON,
    )


def check_dialog(
    ratings: Mapping[int, int],
    thresholds: SafetyThresholds = DEFAULT_THRESHOLDS,
    instrument: Instrument | None = None,
    tiers: RiskTiers = DEFAULT_TIERS,
) -> SafetyResponse:
    """Check DIALOG ratings (complete or not) keyed by item number."""
    instrument = instrument or load_instrument("dialog")
    item = instrument.item_by_code(DIALOG_ITEM_CODE)
    if ratings.get(item.number) is None:
        return NO_CONCERN
    value = check_value(dialog.LABEL, item, ratings[item.number])
    return _response(
        support=value <= thresholds.dialog_safety_support_at_or_below,
        tier=tiers.tier(DIALOG_REASON, value),
        reason=DIALOG_REASON,
    )


def _response(support: bool, tier: str | None, reason: str) -> SafetyResponse:
    if not (support or tier):
        return NO_CONCERN
    return SafetyResponse(show_support=True, flag_key_worker=tier is not None, reasons=(reason,), tier=tier)
