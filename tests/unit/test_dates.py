"""Dates and times for people follow their language and UK time (portal/dates.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from babel import Locale
from flask import Flask, render_template_string
from flask_babel import force_locale

from portal.dates import format_number, format_when, utc_stamp


def _winter_afternoon() -> datetime:
    return datetime(date.today().year, 12, 6, 14, 5, 9, tzinfo=UTC)


def _summer_morning() -> datetime:
    return datetime(date.today().year, 7, 1, 8, 30, tzinfo=UTC)


def test_english_looks_as_it_always_has() -> None:
    day = _winter_afternoon()
    year = day.year
    assert format_when(day.date()) == f"6 December {year}"
    assert format_when(day, "short_day") == f"6 Dec {year}"
    assert format_when(day, "day_month") == "6 December"
    assert format_when(day, "day_time") == f"6 December {year}, 14:05"
    assert format_when(day, "short_day_time") == f"6 Dec {year}, 14:05"
    assert format_when(time(21, 0), "clock") == "21:00"
    assert format_when(None) == ""


def test_other_languages_name_the_month_in_their_own_words() -> None:
    day = _winter_afternoon().date()
    assert format_when(day, locale=Locale("cy")) == f"6 Rhagfyr {day.year}"
    assert format_when(day, locale=Locale("pl")) == f"6 grudnia {day.year}"
    assert "ديسمبر" in format_when(day, locale=Locale("ar"))


def test_a_moment_is_shown_in_uk_time_not_utc() -> None:
    # 08:30 UTC on 1 July is 09:30 in London (British Summer Time)
    assert format_when(_summer_morning(), "day_time").endswith("09:30")
    # just before midnight UTC in summer is already the next day in London
    late = datetime(date.today().year, 7, 1, 23, 30, tzinfo=UTC)
    assert format_when(late).startswith("2 July")


def test_the_admin_s_utc_stamp_stays_utc_and_iso() -> None:
    assert utc_stamp(_summer_morning()) == f"{date.today().year}-07-01 08:30:00"
    assert utc_stamp(None) == ""


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown date format"):
        format_when(date.today(), "%d %B")


def test_templates_format_in_the_person_s_language(app: Flask) -> None:
    day = _winter_afternoon()
    with app.test_request_context():
        with force_locale("cy"):
            welsh = render_template_string("{{ when|day }} / {{ when|day_time }}", when=day)
        with force_locale("en"):
            english = render_template_string("{{ when|day }}", when=day)
    assert welsh.startswith(f"6 Rhagfyr {day.year} / ")
    assert english == f"6 December {day.year}"


def test_numbers_follow_the_language() -> None:
    assert format_number(1234.56, 1) == "1,234.6"
    assert format_number(3.25, 1) == "3.3"
    assert format_number(1234.5, 1, locale=Locale("pl")) == "1\xa0234,5"
    assert format_number(None) == ""
