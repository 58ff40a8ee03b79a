"""Long text boxes say their limit before the error does (issue 19 item 21): the NHS.UK
character count, on every text box with a length limit, with and without JavaScript."""

from __future__ import annotations

from typing import Any

from tests.conftest import PageRequest


def test_the_goal_box_says_its_limit_and_counts(as_service_user: PageRequest) -> None:
    page = as_service_user.get("me.new_goal")
    box = page.select_one("textarea[name=text]")
    group = box.find_parent(class_="nhsuk-character-count")
    assert group is not None and group["data-module"] == "nhsuk-character-count"
    assert group["data-maxlength"] == "500"
    message = page.select_one(f"#{box['id']}-info")
    assert message.get_text(strip=True) == "You can enter up to 500 characters"  # shown without JavaScript
    assert f"{box['id']}-info" in box["aria-describedby"]
    assert "nhsuk-js-character-count" in box["class"]


def test_every_text_box_with_a_limit_is_a_character_count(as_service_user: PageRequest, as_carer: PageRequest,
                                                          service_user: Any) -> None:
    pages = [as_service_user.get("me.new_goal"), as_service_user.get("me.edit_safety_plan_step", step="warning_signs"),
             as_carer.get("carer.contribute", service_user_id=service_user.id)]
    for page in pages:
        boxes = page.select("textarea")
        assert boxes
        for box in boxes:
            assert box.find_parent(class_="nhsuk-character-count") is not None, box["name"]


def test_going_over_still_gets_the_error_and_keeps_the_words(as_service_user: PageRequest) -> None:
    words = "x" * 501
    page = as_service_user.post("me.new_goal", _data={"text": words, "first_rating": "3"})
    assert page.select_one("textarea[name=text]").get_text() == words
    assert "This must be 500 characters or fewer" in page.select_one(".nhsuk-error-message").get_text()
