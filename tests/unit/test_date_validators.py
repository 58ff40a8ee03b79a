"""The date rules forms share: a real date was entered, and it falls when it may."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from wtforms.validators import StopValidation

from portal.forms.validators import after_today, today_or_before

TODAY = date.today()


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


@pytest.mark.parametrize(("field", "expected"), [
    (Field(None, parse_error=True), "Enter a real date, like 27 3 2027"),
    (Field(None), "Enter a date"),
    (Field(TODAY + timedelta(days=1)), "not yet"),
    (Field(TODAY), None),
    (Field(TODAY - timedelta(days=400)), None),
])
def test_today_or_before(field: Field, expected: str | None) -> None:
    assert problem(today_or_before("not yet"), field) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (TODAY, "after today please"), (TODAY - timedelta(days=1), "after today please"), (TODAY + timedelta(days=1), None)])
def test_after_today(day: date, expected: str | None) -> None:
    assert problem(after_today("after today please"), Field(day)) == expected
