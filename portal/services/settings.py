"""The trust's settings that services need, read in one place."""

from __future__ import annotations

from flask import current_app

from portal.instruments import gbo, reqol10
from portal.instruments.definition import Instrument, load_instrument
from portal.instruments.safety import SafetyThresholds


def reqol_licensed() -> bool:
    return bool(current_app.config["REQOL_LICENSED"])


def instrument(instrument_id: str) -> Instrument:
    content_dir = current_app.config.get("INSTRUMENT_CONTENT_DIR") or None
    return load_instrument(instrument_id, "en", content_dir)


def safety_thresholds() -> SafetyThresholds:
    return SafetyThresholds(**current_app.config.get("SAFETY_THRESHOLDS", {}))


def caseload_windows() -> dict[str, int]:
    """Overrides of ``caseload.Windows`` (e.g. ``{"measure_not_recent_months": 12}``)."""
    return dict(current_app.config.get("CASELOAD_WINDOWS", {}))


def record_is_local() -> bool:
    """Whether the portal's own tables are the clinical record (``LocalRecord``)."""
    return bool(current_app.config["RECORD_ADAPTER"] == "local")


def gbo_reliable_change() -> int:
    return int(current_app.config.get("GBO_RELIABLE_CHANGE", gbo.RELIABLE_CHANGE_DEFAULT))


def reqol_reliable_change() -> int:
    return int(current_app.config.get("REQOL_RELIABLE_CHANGE", reqol10.RELIABLE_CHANGE_DEFAULT))
