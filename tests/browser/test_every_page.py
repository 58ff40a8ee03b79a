"""Every page each demo account reaches by following links: it answers, passes axe and fits a
320px phone, with JavaScript on and with it off; its Back link is inside a landmark.

The demo data has long real-world values added (tests/browser/long_values.py: long names, a long
email address and web address, a screen of the longest audit codes), so overflow shows up.

The other browser tests check journeys; this one makes sure no page is forgotten. Pages that
differ only by an id (``/staff/service-users/7/goals`` and ``/8/goals``) are visited once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.browser.conftest import (
    HOME_FOR,
    PHONE,
    Demo,
    Page,
    _copy_without_scripts,
    axe_violations,
    context_for_copies,
    settle,
    sign_in,
)
from tests.browser.long_values import add_long_values

MOST_PAGES = 80  # per account: far more than any has today, so a loop of links cannot run away
NOT_PAGES = re.compile(r"^/static/|\.csv$")
SMALLEST = {"width": 320, "height": 640}
SMALL_PHONE = {**PHONE, "viewport": SMALLEST}
# Pages that must be among those reached, so none drops out of the checks unnoticed: the team lead's
# caseload, dashboard and report keep what they worked out between requests (issues 16 and 18).
MUST_REACH = {"team.lead@example.test": {"/staff/", "/staff/dashboard", "/staff/team/report"}}
LANDMARKS_WITH_BACK_LINK = ", ".join(f"{landmark} .nhsuk-back-link" for landmark in
                                     ("main", "nav", "header", "footer", "aside", "[role=navigation]"))


def _shape(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


def _links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map((link) => link.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == base and not NOT_PAGES.search(parts.path):
            paths.append(parts.path)
    return paths


def _crawl(page: Page, base: str, home: str) -> tuple[list[str], list[str]]:
    """Visit every page reachable from ``home`` (one per shape); return the paths and problems."""
    queue, seen, visited, problems = [home], {_shape(home)}, [], []
    while queue and len(visited) < MOST_PAGES:
        path = queue.pop(0)
        response = page.goto(base + path)
        visited.append(path)
        if response is None or response.status != 200:
            problems.append(f"{path}: answered {response.status if response else 'nothing'}")
            continue
        problems += _problems(page, path)
        for link in _links(page, base):
            if _shape(link) not in seen:
                seen.add(_shape(link))
                queue.append(link)
    return visited, problems


def _problems(page: Page, where: str) -> list[str]:
    """axe's violations and any sideways scrolling, on a page in a 320px wide context."""
    settle(page)
    problems = [f"{where}: {line}" for line in axe_violations(page)]
    if (overflow := page.evaluate("document.documentElement.scrollWidth") - SMALLEST["width"]) > 0:
        problems.append(f"{where}: {overflow}px wider than a 320px phone")
    if page.locator(".nhsuk-back-link").count() != page.locator(LANDMARKS_WITH_BACK_LINK).count():
        problems.append(f"{where}: a Back link outside every landmark")
    return problems


def _check_without_javascript(page: Page, base: str, paths: list[str]) -> list[str]:
    problems = []
    copies = context_for_copies(page, SMALL_PHONE)  # one for all the copies: a new one took a third of a second
    try:
        for path in paths:
            page.goto(base + path)
            copy = _copy_without_scripts(page, copies)
            try:
                problems += _problems(copy, f"{path} (JavaScript off)")
            finally:
                copy.close()
    finally:
        copies.close()
    return problems


@pytest.mark.parametrize("email", [*HOME_FOR, "signed out"])
def test_every_page_an_account_can_reach(email: str, new_page: Callable[..., Page], live_server: str,
                                         demo: Demo, live_app: Flask) -> None:
    # Given the demo data with long real-world values added
    with live_app.app_context():
        add_long_values()
    # And each demo account signed in on a small phone, and someone not signed in
    phone = new_page(**SMALL_PHONE)
    no_js = new_page(**SMALL_PHONE, java_script_enabled=False)
    if email in HOME_FOR:
        sign_in(phone, live_server, email)
        sign_in(no_js, live_server, email)
    # When every page they can reach by links is opened, each is checked
    visited, problems = _crawl(phone, live_server, HOME_FOR.get(email, "/login"))
    # And the same pages are checked with JavaScript off
    problems += _check_without_javascript(no_js, live_server, visited)

    assert len(visited) >= 5, f"only {visited} found: the crawl is not following links"
    assert MUST_REACH.get(email, set()) <= set(visited), f"not reached: {MUST_REACH[email] - set(visited)}"
    assert not problems, f"{len(problems)} problem(s) on {len(visited)} pages:\n" + "\n".join(problems)
