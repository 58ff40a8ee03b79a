"""Phone numbers in a person's own words become tap-to-call links (portal/phone_links.py)."""

from __future__ import annotations

import pytest

from portal.phone_links import call_links


@pytest.mark.parametrize(("written", "href"), [
    ("07700 900123", "tel:07700900123"),
    ("0113 496 0000", "tel:01134960000"),
    ("01632-960-001", "tel:01632960001"),
    ("+44 7700 900123", "tel:+447700900123"),
    ("116 123", "tel:116123"),
    ("111", "tel:111"),
    ("999", "tel:999"),
])
def test_uk_numbers_as_people_write_them_are_links(written: str, href: str) -> None:
    html = call_links(f"Call {written} if you need to.")
    assert html == f'Call <a class="portal-contact-link" href="{href}">{written}</a> if you need to.'


@pytest.mark.parametrize("text", [
    "Monday to Friday, 9 to 5.", "Since 2024.", "Room 1110.", "12345 steps", "NHS number 9991234567",
    "Flat 3, 111a High Street",
])
def test_other_numbers_are_left_alone(text: str) -> None:
    assert call_links(text) == text


def test_the_rest_is_escaped() -> None:
    html = call_links("<script>alert(1)</script> Mum 07700 900123 & Dan")
    assert str(html) == ('&lt;script&gt;alert(1)&lt;/script&gt; Mum '
                         '<a class="portal-contact-link" href="tel:07700900123">07700 900123</a> &amp; Dan')
