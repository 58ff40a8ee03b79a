"""Goals, care plan and session pages are shared by Sam and his key worker (issue 19, item 9):
on the staff side they speak about Sam by name, never to him ("your life", "you and your key
worker", "What do you want to add?")."""

from __future__ import annotations

import re

import pytest

from portal.models import Section
from portal.services import care_plans, care_sessions, goals
from tests.conftest import PageRequest

# Words that speak to the service user. "your words" is not here: it speaks to whoever typed them.
SPOKEN_TO_THE_PERSON = re.compile(
    r"\byour (life|key worker|goals?|own words|care plan|mental health team|GP|carer|team)\b"
    r"|\byou and your\b|\bdo you want\b|\bare you to\b|\bMy (team|carer)\b|\byou have it\b|\beasier for you\b"
    r"|\bcarers you want\b|\byou will do\b|\bthings you want\b",
    re.IGNORECASE,
)


def _staff_pages(person, goal, session) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    pages: list[tuple[str, dict]] = [
        ("staff.goals_page", {}), ("staff.new_goal", {}), ("staff.goal_page", {"goal_id": goal.id}),
        ("staff.edit_goal", {"goal_id": goal.id}), ("staff.care_plan", {}), ("staff.agree_care_plan", {}),
        ("staff.care_session", {"session_id": session.id}),
    ]
    pages += [("staff.add_care_plan_entry", {"section": section.value}) for section in care_plans.WRITTEN_SECTIONS]
    return [(endpoint, {"service_user_id": person.id, **values}) for endpoint, values in pages]


@pytest.mark.parametrize("index", range(13))
def test_staff_pages_speak_about_the_person_not_to_them(app, service_user, key_worker, as_key_worker: PageRequest, index: int) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Sleep better", first_rating=3,
                            who_will_help=["me", "team", "carer"])
    care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "My cat")
    session = care_sessions.start(key_worker.user, service_user)
    endpoint, values = _staff_pages(service_user, goal, session)[index]
    page = as_key_worker.get(endpoint, **values)
    text = " ".join(page.select_one("main").get_text(" ").split())
    labels = " ".join(" ".join(tag.get_text(" ").split()) for tag in page.select("main label, main legend"))
    found = sorted({m.group(0) for m in SPOKEN_TO_THE_PERSON.finditer(text + " " + labels)})
    assert not found, f"{endpoint} speaks to the service user: {found}"
