"""What every page shares (layouts/base.html, components/page.html): status messages a screen
reader hears, and a Back link inside a landmark."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.conftest import PageRequest

LANDMARKS = {"main", "nav", "header", "footer", "aside"}


def _in_landmark(element: Any) -> bool:
    return any(parent.name in LANDMARKS or parent.get("role") in {"navigation", "main", "region"}
               for parent in element.parents)


def test_signing_out_says_so_in_a_status_message(service_user_client: FlaskClient) -> None:
    response = service_user_client.post("/logout", follow_redirects=True)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    message = page.select_one("[data-flash]")
    assert message is not None and "You have signed out." in message.get_text()
    assert message["role"] == "status"
    assert message["tabindex"] == "-1"  # portal.js moves focus to it
    assert _in_landmark(message)


def test_the_back_link_is_inside_a_landmark(as_service_user: PageRequest) -> None:
    for endpoint in ("me.reminders", "me.goals_page", "me.care_plan_versions"):
        page = as_service_user.get(endpoint)
        back = page.select_one(".nhsuk-back-link")
        assert back is not None, endpoint
        assert _in_landmark(back), f"{endpoint}: the Back link is outside every landmark"
        nav = back.find_parent("nav")
        assert nav is not None and nav.get("aria-label") == "Back"


def test_the_carer_s_language_field_is_autocompleted(as_carer: PageRequest) -> None:
    page = as_carer.get("carer.details")
    assert page.select_one("input[name=language]")["autocomplete"] == "language"
