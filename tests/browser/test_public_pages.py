"""Public pages: accessible at phone and desktop sizes, with no third-party requests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import DESKTOP, PHONE, Page, assert_accessible, expect

PUBLIC_PAGES = [
    ("/", "Your care portal"),
    ("/login", "Sign in"),
    ("/invitation", "Set up your account"),
    ("/get-help", "Get help now"),
    ("/accessibility", "Accessibility statement"),
    ("/privacy", "Privacy notice"),
]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES, ids=[path for path, _ in PUBLIC_PAGES])
def test_public_page_is_accessible(
    new_page: Callable[..., Page], live_server: str, size: dict, path: str, heading: str
) -> None:
    # Given someone who is not signed in, on a phone or a computer
    page = new_page(**size)
    # When they open a public page
    response = page.goto(live_server + path)
    # Then it loads, has one main heading, and axe finds nothing to fix
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(heading)
    assert_accessible(page)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_page_not_found_is_accessible(
    new_page: Callable[..., Page], live_server: str, size: dict
) -> None:
    # Given someone who mistypes a web address
    page = new_page(**size)
    # When they open it
    response = page.goto(f"{live_server}/no-such-page")
    # Then they get a plain "Page not found" page that is itself accessible
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page).to_have_title("Page not found – Your care portal – NHS")
    assert_accessible(page)
