"""The date rules forms share: a real date was entered, and it falls when it may."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from wtforms.validators import StopValidation

from portal.forms.fields import parse_date_parts
from portal.forms.validators import after_today, today_or_before


@dataclass
class Field:
    data: date | None
    parse_error: bool = False


def problem(rule: object, field: Field) -> str | None:
    try:
        rule(None, field)  # type: ignore[operator]
    except StopValidation as stop:
        return str(stop)
    return None


def test_a_missing_or_unreal_date_is_explained() -> None:
    assert problem(today_or_before("not yet"), Field(None, parse_error=True)) == "Enter a real date, like 27 3 2027"
    assert problem(today_or_before("not yet"), Field(None)) == "Enter a date"


# Days from today, worked out when the test runs (a date taken at import is wrong after midnight).
@pytest.mark.parametrize(("days", "expected"), [(1, "not yet"), (0, None), (-400, None)])
def test_today_or_before(days: int, expected: str | None) -> None:
    assert problem(today_or_before("not yet"), Field(date.today() + timedelta(days=days))) == expected


@pytest.mark.parametrize(("days", "expected"), [(0, "after today please"), (-1, "after today please"), (1, None)])
def test_after_today(days: int, expected: str | None) -> None:
    assert problem(after_today("after today please"), Field(date.today() + timedelta(days=days))) == expected


@pytest.mark.parametrize(("day", "month", "year", "expected"), [
    ("27", "3", "2027", date(2027, 3, 27)),
    ("01", "02", "1900", date(1900, 2, 1)),
    ("1", "1", "9" * 23, None),  # too big for date(): was an OverflowError, a 500
    ("9" * 23, "1", "2027", None),
    ("1", "9" * 23, "2027", None),
    ("1", "1", "1" * 5000, None),  # too long even for int()
    ("31", "2", "2027", None),
    ("1", "1", "1899", None),
    ("1", "1", "27", None),  # a year needs 4 numbers
    ("١", "1", "2027", None),  # digits of another script
    ("1_0", "1", "2027", None),
    ("+1", "1", "2027", None),
    ("-1", "1", "2027", None),
])
def test_date_parts_are_read_only_when_they_can_be_a_real_date(day: str, month: str, year: str,
                                                               expected: date | None) -> None:
    assert parse_date_parts(day, month, year) == expected
