"""House rule: dates and times people read go through portal/dates.py (Babel, in their language),
never ``strftime``, which writes English month names whatever the person's language."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
STRFTIME = re.compile(r"\bstrftime\s*\(|:%[-A-Za-z]")

# Files allowed to use strftime, each with its reason (a machine format nobody reads as a date).
ALLOWED: dict[str, str] = {
    # e.g. "portal/record/fhir_resources.py": "FHIR dateTime, read by machines",
}


def _files() -> list[Path]:
    return sorted([*PORTAL.rglob("*.html"), *PORTAL.rglob("*.jinja"), *PORTAL.rglob("*.txt"), *PORTAL.rglob("*.py")])


def test_no_page_email_or_presenter_formats_a_date_with_strftime() -> None:
    offenders = []
    for path in _files():
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED or name == "portal/dates.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if STRFTIME.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == [], (
        "format dates for people with portal.dates.format_when or the |day, |short_day, |day_month, "
        "|day_time, |clock filters (or add the file to ALLOWED with the reason):\n" + "\n".join(offenders)
    )


def test_the_rule_finds_what_it_looks_for() -> None:
    assert STRFTIME.search('{{ when.strftime("%-d %B %Y") }}')
    assert STRFTIME.search('f"{when:%d %b}"')
    assert not STRFTIME.search("{{ when|day }}")


def test_every_allowed_file_still_exists_and_says_why() -> None:
    for name, reason in ALLOWED.items():
        assert (ROOT / name).is_file(), name
        assert reason.strip(), name
