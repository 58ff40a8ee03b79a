"""Checks run on every page the tests fetch, like GOV.UK Notify's client_request."""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup


def check_page(html: str) -> BeautifulSoup:
    page = BeautifulSoup(html, "html.parser")
    headings = page.find_all("h1")
    assert len(headings) == 1, f"expected exactly one <h1>, found {len(headings)}"
    heading = BeautifulSoup(str(headings[0]), "html.parser")
    for caption in heading.select("[class*=nhsuk-caption]"):
        caption.decompose()
    h1 = " ".join(heading.get_text(" ").split())
    title = " ".join(page.title.get_text(" ").split()) if page.title else ""
    has_errors = page.select_one(".nhsuk-error-summary") is not None
    expected_start = f"Error: {h1}" if has_errors else h1
    assert title.startswith(expected_start), f"title {title!r} should start with {expected_start!r}"
    ids = [tag["id"] for tag in page.find_all(id=True)]
    duplicates = [key for key, count in Counter(ids).items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in page.find_all("form"):
        assert form.get("action"), f"form without an action: {str(form)[:200]}"
        if (form.get("method") or "get").lower() == "post":
            assert form.find("input", attrs={"name": "csrf_token"}), "POST form without a CSRF token"
    return page


def error_messages(page: BeautifulSoup) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in page.select(".nhsuk-error-summary__list li")]


# This request's CSRF token (in forms and in htmx's headers) and script nonce: what differs between
# two renders of the same page.
TOKEN = re.compile(r'(name="csrf_token" value="|"X-CSRFToken": ")([^"&]+)')
NONCE = re.compile(r'nonce="[^"]+"')


def without_tokens(html: str) -> str:
    """The page with this request's token and nonce blanked, to compare two renders of it."""
    return NONCE.sub('nonce=""', TOKEN.sub(r"\1TOKEN", html))
