"""The roles people hold in a service user's care team, and what each does, in plain words.

The Community Mental Health Framework puts a multidisciplinary team around each person: the named
key worker, plus doctors, nurses for clozapine or depot clinics, psychologists, occupational
therapists, social workers, peer support (lived experience) workers and care navigators. A trust
adds its own roles with ``PORTAL_CARE_TEAM_ROLES`` (a JSON list of ``{"code", "name",
"description"}``; a code already here replaces the built-in one). No request or database needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

OTHER = "other"


@dataclass(frozen=True)
class CareTeamRole:
    code: str
    name: Any  # str, or the built-in roles' lazy translation (shown in the reader's language)
    description: Any  # what they do, said to the service user

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", self.code):
            raise ValueError(f"A care team role code is lower-case letters, digits and _ (up to 40): {self.code!r}")


BUILT_IN: tuple[tuple[str, Any, Any], ...] = (
    ("consultant_psychiatrist", _l("Consultant psychiatrist"),
     _l("A senior doctor who specialises in mental health. They look at your diagnosis and medicine with you.")),
    ("medic", _l("Doctor"),
     _l("A doctor in the team. They can look at your medicine and your physical health with you.")),
    ("clozaril_nurse", _l("Clozapine clinic nurse"),
     _l("A nurse who runs the clozapine (Clozaril) clinic: your blood tests and how the medicine suits you.")),
    ("depot_nurse", _l("Depot nurse"),
     _l("A nurse who gives you your long-acting injection (depot) and checks how it suits you.")),
    ("psychologist", _l("Psychologist"),
     _l("Helps you understand your thoughts and feelings, and offers talking therapies.")),
    ("occupational_therapist", _l("Occupational therapist"),
     _l("Helps you with everyday things, work and activities that matter to you.")),
    ("social_worker", _l("Social worker"),
     _l("Helps with housing, money, care and support, and your rights.")),
    ("peer_support_worker", _l("Peer support worker"),
     _l("Has lived through mental health problems themselves, and supports you as someone who has been there.")),
    ("care_navigator", _l("Care navigator"),
     _l("Helps you find and use services and groups near you.")),
    (OTHER, _l("Other"), _l("Someone else in the team who supports you.")),
)


def roles_from(configured: list[dict[str, Any]] | None = None) -> dict[str, CareTeamRole]:
    """Every role, by code: the built-in ones, then the trust's (same code: the trust's wording);
    "Other" last."""
    found = {code: CareTeamRole(code, name, description) for code, name, description in BUILT_IN}
    for item in configured or []:
        if not isinstance(item, dict) or not all(isinstance(item.get(key), str) and item[key].strip()
                                                 for key in ("code", "name", "description")):
            raise ValueError("Each care team role needs a code, a name and a description")
        found[item["code"]] = CareTeamRole(item["code"], item["name"].strip(), item["description"].strip())
    other = found.pop(OTHER)
    return {**found, OTHER: other}
