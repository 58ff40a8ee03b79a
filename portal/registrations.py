"""Professional registrations, and who may be a key worker.

The Community Mental Health Framework's key workers hold a professional registration (nurse,
occupational therapist, social worker, psychologist, doctor); peer support workers and care
navigators do not, and may still be in a person's care team. Plain Python: no Flask, no database.

Formats (each regulator's public register):
- NMC (nurses): a PIN of 2 digits, a letter, 4 digits and a letter, like ``12A3456E``;
- GMC (doctors): 7 digits, like ``1234567``;
- HCPC (allied health professions, practitioner psychologists): the profession's letters and
  5 or 6 digits, like ``OT12345`` or ``PYL12345`` (``SW`` numbers are from before social workers
  moved to Social Work England in 2019);
- Social Work England: ``SW`` and up to 6 digits, like ``SW12345``.

A registration may be written with its regulator in front (``NMC 12A3456E``, ``HCPC: OT12345``,
``SWE SW123456``); spaces, hyphens and case do not matter. Only the format is checked here: whether
the person is on the register today is for the trust's own checks.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Regulator(enum.StrEnum):
    NMC = "NMC"
    GMC = "GMC"
    HCPC = "HCPC"
    SWE = "SWE"


# HCPC's profession prefixes (hcpc-uk.org, "Check the Register").
HCPC_PREFIXES = ("AS", "BS", "CH", "CS", "DT", "HAD", "ODP", "OR", "OT", "PA", "PH", "PO", "PYL", "RA", "SL", "SW")

_PATTERNS: dict[Regulator, re.Pattern[str]] = {
    Regulator.NMC: re.compile(r"^\d{2}[A-Z]\d{4}[A-Z]$"),
    Regulator.GMC: re.compile(r"^\d{7}$"),
    Regulator.HCPC: re.compile(rf"^({'|'.join(HCPC_PREFIXES)})\d{{5,6}}$"),
    Regulator.SWE: re.compile(r"^SW\d{1,6}$"),
}
_NAMES = {"NMC": Regulator.NMC, "GMC": Regulator.GMC, "HCPC": Regulator.HCPC, "HPC": Regulator.HCPC,
          "SWE": Regulator.SWE, "SOCIALWORKENGLAND": Regulator.SWE}
_REGULATOR_IN_FRONT = re.compile(r"^(NMC|GMC|HCPC|HPC|SWE|SOCIAL\s*WORK\s*ENGLAND)(?![A-Z])[\s:#-]*")


@dataclass(frozen=True)
class Registration:
    regulator: Regulator
    number: str

    def __str__(self) -> str:
        return f"{self.regulator} {self.number}"


def parse(text: str) -> Registration | None:
    """The registration written in ``text``, or None when it is empty or not in any regulator's
    format (or not in the format of the regulator written in front of it)."""
    written = (text or "").strip().upper()
    named: Regulator | None = None
    match = _REGULATOR_IN_FRONT.match(written)
    if match:
        named = _NAMES[re.sub(r"\s", "", match.group(1))]
        written = written[match.end():]
    number = re.sub(r"[\s-]", "", written)
    # "SW12345" with nothing in front: Social Work England holds social workers' registrations now.
    candidates = [named] if named else [Regulator.NMC, Regulator.GMC, Regulator.SWE, Regulator.HCPC]
    for regulator in candidates:
        if _PATTERNS[regulator].match(number):
            return Registration(regulator, number)
    return None


def is_valid(text: str) -> bool:
    return parse(text) is not None


def may_be_key_worker(registration: str) -> bool:
    """Only someone with a professional registration can be a named key worker."""
    return is_valid(registration)
