"""Dates and times as people read them: in their language (Babel, CLDR) and in UK time.

A small set of named formats, used by every page, email and print view (never ``strftime``, which
is English only; tests/test_dates_for_people.py fails if it comes back):

============== ====================== =====================================================
name           English                used for
============== ====================== =====================================================
day            6 December 2026        most dates (the locale's "long" date)
short_day      6 Dec 2026             tables and chart labels (the locale's "medium" date)
day_month      6 December             "due by" tags, where the year is plain
day_time       6 December 2026, 14:05 a moment: the long date and the 24-hour time
short_day_time 6 Dec 2026, 14:05      a moment in a table
clock          14:05                  a time of day
============== ====================== =====================================================

English is formatted as British English (``en_GB``: day before month, 24-hour clock), whatever
the browser says. Moments (aware datetimes, stored in UTC) are shown in BABEL_DEFAULT_TIMEZONE
(Europe/London); dates and times of day are shown as they are. Machine-readable values
(``<time datetime>``, CSV data cells, FHIR, audit) stay ISO 8601: use ``isoformat()`` for those.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal

FORMATS = ("day", "short_day", "day_month", "day_time", "short_day_time", "clock")
UK = ZoneInfo("Europe/London")
BRITISH_ENGLISH = Locale("en", "GB")  # made once: every English date on a page asks for it


def person_locale() -> Locale:
    """The language of the person being shown the page (British English for English)."""
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except RuntimeError:  # outside an application context
        locale = None
    if locale is None or locale.language == "en":
        return BRITISH_ENGLISH
    return locale


def person_timezone() -> tzinfo:
    try:
        from flask_babel import get_timezone

        zone = get_timezone()
    except RuntimeError:
        zone = None
    return zone or UK


def _local(value: date | time, zone: tzinfo | None) -> date | time:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(zone or person_timezone())
    return value


def format_when(
    value: date | time | None, style: str = "day", locale: Locale | None = None, zone: tzinfo | None = None
) -> str:
    """``value`` in the named format (see the table above), a moment in ``zone`` (default: UK time);
    "" for None."""
    if value is None:
        return ""
    if style not in FORMATS:
        raise ValueError(f"Unknown date format {style!r}: use one of {', '.join(FORMATS)}")
    locale = locale or person_locale()
    value = _local(value, zone)
    if style == "clock":
        if not isinstance(value, time | datetime):
            raise ValueError("A date has no time of day: use 'day'")
        return format_time(value, locale.time_formats["short"], locale=locale)
    if isinstance(value, time):
        raise ValueError(f"A time of day has no {style!r}: use 'clock'")
    if style == "day":
        return format_date(value, locale.date_formats["long"], locale=locale)
    if style == "short_day":
        return format_date(value, locale.date_formats["medium"], locale=locale)
    if style == "day_month":
        return format_skeleton("MMMMd", value, locale=locale)
    # day_time, short_day_time: the locale's own way of joining a date and a time ("{1}, {0}" in British English)
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    joined = str(locale.datetime_formats["medium"])
    length = "long" if style == "day_time" else "medium"
    return joined.replace("{1}", format_date(moment, locale.date_formats[length], locale=locale)).replace(
        "{0}", format_time(moment, locale.time_formats["short"], locale=locale)
    )


def utc_stamp(value: datetime | None) -> str:
    """A moment in UTC as ISO 8601 without the offset ("2026-12-06 14:05:09"): for the admin's
    technical pages, whose headings say "(UTC)", to match the server's logs."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def format_number(value: float | int | None, places: int = 0, locale: Locale | None = None) -> str:
    """A number as the person's language writes it ("1,234.5" in English, "1 234,5" in Polish),
    rounded half up to ``places`` decimal places; "" for None."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return format_decimal(rounded, pattern, locale=locale or person_locale())


def register_filters(filters: dict[str, object]) -> None:
    """``{{ when|day }}``, ``{{ when|day_time }}``…, one filter per named format, ``|utc_stamp``, and
    ``{{ score|number(1) }}`` for numbers."""
    for style in FORMATS:
        filters[style] = lambda value, _style=style: format_when(value, _style)
    filters["utc_stamp"] = utc_stamp
    filters["number"] = format_number
