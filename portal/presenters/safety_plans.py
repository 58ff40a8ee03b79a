"""What the safety plan pages say about each step: a plain title and a hint with examples.

The plan is the person's own, so the steps are written in the first person ("Signs that I am
starting to struggle"), on the service user's pages and the key worker's alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.models import SAFETY_PLAN_STEPS


@dataclass(frozen=True)
class Step:
    code: str
    number: int
    title: Any  # lazy string
    hint: Any


_TEXT = {
    "warning_signs": (
        _l("Signs that I am starting to struggle"),
        _l("Thoughts, feelings or things I do that tell me a crisis may be coming. "
           "For example: not sleeping, staying in my room, feeling I am a burden."),
    ),
    "cope_on_my_own": (
        _l("Things I can do to help myself"),
        _l("Things I can do on my own to feel calmer or take my mind off things. "
           "For example: go for a walk, listen to music, have a shower, breathe slowly."),
    ),
    "people_and_places": (
        _l("People and places that help me feel better"),
        _l("People I can be with, or places I can go, to take my mind off things. "
           "For example: a friend, the park, the library, a café."),
    ),
    "people_to_ask": (
        _l("People I can ask for help"),
        _l("People I trust and can tell how I feel. Write their names and phone numbers."),
    ),
    "professionals": (
        _l("Professionals and services I can contact"),
        _l("My key worker, my team, my GP and crisis lines. Write names and phone numbers, "
           "and when they are open."),
    ),
    "safer_surroundings": (
        _l("Making where I am safer"),
        _l("Things I can do, or ask someone to do, to keep me safe when I feel like this. "
           "For example: ask someone to look after my medicines."),
    ),
    "reasons_for_living": (
        _l("My reasons for living"),
        _l("The things that matter most to me. For example: my children, my dog, "
           "a place I want to see, something I want to do."),
    ),
}

STEPS: tuple[Step, ...] = tuple(
    Step(code, number, *_TEXT[code]) for number, code in enumerate(SAFETY_PLAN_STEPS, start=1)
)
BY_CODE = {step.code: step for step in STEPS}


def step(code: str) -> Step | None:
    return BY_CODE.get(code)
