"""NHS numbers: checked with modulus 11 and shown spaced 3-3-4."""

from __future__ import annotations

import pytest

from portal.forms.validators import format_nhs_number, is_valid_nhs_number


@pytest.mark.parametrize(("value", "shown"), [
    ("4857773456", "485 777 3456"),
    ("485 777 3456", "485 777 3456"),
    ("485-777-3456", "485 777 3456"),
    ("12345", "12345"),  # not an NHS number: shown as it is, never cut up
    ("", ""),
])
def test_nhs_numbers_are_shown_spaced_3_3_4(value: str, shown: str) -> None:
    assert format_nhs_number(value) == shown


@pytest.mark.parametrize(("value", "valid"), [
    ("9434765919", True),
    ("943 476 5919", True),
    ("9434765918", False),  # wrong check digit
    ("1000000010", False),  # the check digit would be 10: never issued
    ("943476591", False),
    ("abcdefghij", False),
])
def test_the_check_digit_is_checked(value: str, valid: bool) -> None:
    assert is_valid_nhs_number(value) is valid
