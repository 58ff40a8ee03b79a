"""Professional registration formats (portal/registrations.py): NMC, GMC, HCPC, Social Work England."""

from __future__ import annotations

import pytest

from portal.registrations import Registration, Regulator, is_valid, may_be_key_worker, parse


@pytest.mark.parametrize(("written", "expected"), [
    ("12A3456E", Registration(Regulator.NMC, "12A3456E")),
    ("NMC 12a 3456e", Registration(Regulator.NMC, "12A3456E")),
    ("1234567", Registration(Regulator.GMC, "1234567")),
    ("GMC: 1234567", Registration(Regulator.GMC, "1234567")),
    ("OT12345", Registration(Regulator.HCPC, "OT12345")),
    ("HCPC PYL12345", Registration(Regulator.HCPC, "PYL12345")),
    ("hcpc ph123456", Registration(Regulator.HCPC, "PH123456")),
    ("SW12345", Registration(Regulator.SWE, "SW12345")),
    ("SWE SW123456", Registration(Regulator.SWE, "SW123456")),
    ("Social Work England SW-12345", Registration(Regulator.SWE, "SW12345")),
    ("HCPC SW12345", Registration(Regulator.HCPC, "SW12345")),
])
def test_registrations_in_each_regulators_format_are_read(written: str, expected: Registration) -> None:
    assert parse(written) == expected
    assert is_valid(written) and may_be_key_worker(written)


@pytest.mark.parametrize("written", [
    "", "   ", "NMC", "12A3456", "123A456E", "12345678", "123456", "GMC 12A3456E", "NMC 1234567",
    "XX12345", "OT1234", "OT1234567", "SWE OT12345", "SW1234567", "peer support worker", "n/a",
])
def test_anything_else_is_not_a_registration(written: str) -> None:
    assert parse(written) is None
    assert not is_valid(written) and not may_be_key_worker(written)


def test_a_registration_is_shown_with_its_regulator() -> None:
    assert str(parse("12a3456e")) == "NMC 12A3456E"
