"""Sam sees who has seen his information and downloads a copy of it, on a phone (issue 14)."""

from __future__ import annotations

import json

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in


def test_sam_sees_who_has_seen_his_information_and_downloads_it_on_a_phone(
        phone: Page, live_server: str, demo: Demo) -> None:
    # Given Priya looked at Sam's safety plan (the demo's history has her as his key worker)
    sign_in(phone, live_server, "service.user@example.test")
    # When Sam opens "Who has seen your information" from his home page
    phone.get_by_role("link", name="Who has seen your information").click()
    expect(phone.locator("h1")).to_have_text("Who has seen your information")
    main = phone.locator("main")
    expect(main).to_contain_text("You")  # his own opening of this page is the newest entry
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0, "the page scrolls sideways at 320px"
    # And he gets a copy of his information and downloads it as a file
    phone.goto(f"{live_server}/me/")
    phone.get_by_role("link", name="Get a copy of your information").click()
    expect(main).to_contain_text("Samuel")
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0, "the page scrolls sideways at 320px"
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Download as a file").click()
    copy = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert download.value.suggested_filename.endswith(".json")
    assert copy["version"] == 1
    assert "Samuel" in json.dumps(copy)
