"""Crisis contacts are one per-trust setting (PORTAL_CRISIS_CONTACTS), used by every page that
offers help; no template writes a crisis number itself; production will not start with the
placeholder local crisis line (issue 13)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from portal import create_app
from portal.config import ConfigError, load_config
from portal.crisis_contacts import PLACEHOLDER_PHONE, parse_contacts

ROOT = Path(__file__).resolve().parents[2]
# National crisis numbers as they would be written into a page (not part of a longer number such
# as the NHS number example 999 123 4567).
CRISIS_NUMBER = re.compile(r"(?<![\d.#\-])(?:111|116 ?123|85258|999)(?! ?\d)")

TRUST_CONTACTS = [
    {"name": "Northshire crisis line", "phone": "0800 952 0000", "hours": "Open day and night.",
     "description": "Talk to the Northshire crisis team.", "url": "https://www.northshire.example/crisis"},
    {"name": "NHS 111", "phone": "111", "hours": "Open day and night.",
     "description": "Choose option 2 for mental health support."},
    {"name": "Emergency services", "phone": "999", "hours": "Open day and night.", "emergency": True,
     "description": "Call 999 or go to A&E now."},
    {"name": "Shout", "text": {"number": "85258", "keyword": "SHOUT"}, "hours": "Open day and night."},
]


def test_no_template_writes_a_crisis_number_itself() -> None:
    found = []
    for path in sorted((ROOT / "portal" / "templates").rglob("*.html")) + sorted(
            (ROOT / "portal" / "static" / "js").rglob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if CRISIS_NUMBER.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "Crisis numbers come from PORTAL_CRISIS_CONTACTS (components/crisis.html):\n" + "\n".join(found)


def test_the_check_for_written_numbers_would_catch_one() -> None:
    for written in ('<a href="tel:999">', "call 111 and choose option 2", "116 123", "Text SHOUT to 85258"):
        assert CRISIS_NUMBER.search(written), written
    for innocent in ("NHS number, like 999 123 4567", "width: 1110px", "#999999"):
        assert not CRISIS_NUMBER.search(innocent), innocent


def test_the_defaults_are_england_s_contacts_and_a_placeholder_local_line() -> None:
    contacts = parse_contacts([])
    numbers = [(c.phone, c.text.number if c.text else None) for c in contacts]
    assert numbers == [(PLACEHOLDER_PHONE, None), ("111", None), ("999", None), ("116 123", None), (None, "85258")]
    assert [c.emergency for c in contacts] == [False, False, True, False, False]
    assert "option 2" in str(contacts[1].description)
    assert contacts[4].text is not None and contacts[4].text.href == "sms:85258?body=SHOUT"
    assert contacts[3].tel_href == "tel:116123"


def test_the_setting_is_json_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_CRISIS_CONTACTS", json.dumps(TRUST_CONTACTS))
    assert load_config("testing")["CRISIS_CONTACTS"] == TRUST_CONTACTS
    monkeypatch.setenv("PORTAL_CRISIS_CONTACTS", '{"name": "not a list"}')
    with pytest.raises(ConfigError, match="JSON list"):
        load_config("testing")


@pytest.mark.parametrize(("contacts", "message"), [
    ({"name": "x"}, "must be a JSON list"),
    ([{"name": "Line", "hours": "Always."}], "needs a phone number or a number to text"),
    ([{"phone": "0800 952 0000", "hours": "Always."}], "needs 'name'"),
    ([{"name": "Line", "phone": "call us", "hours": "Always."}], "phone must be digits"),
    ([{"name": "Line", "phone": "0800 952 0000", "hours": "Always.", "url": "http://x.example"}], "https"),
    ([{"name": "Line", "phone": "0800 952 0000", "hours": "Always.", "fax": "1"}], "unknown fields: fax"),
    ([{"name": "Line", "text": {"number": "85258", "word": "SHOUT"}, "hours": "Always."}], "text must be like"),
    ([{"name": "999", "phone": "999", "hours": "Always.", "emergency": True}], "not for emergencies"),
])
def test_a_malformed_setting_stops_the_portal_saying_what_is_wrong(contacts: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app("testing", {"DATABASE_URL": "sqlite://", "CRISIS_CONTACTS": contacts})


def _production(**overrides: Any) -> Flask:
    return create_app("production", {"SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://", **overrides})


def test_production_refuses_to_start_with_the_placeholder_crisis_line() -> None:
    with pytest.raises(ConfigError, match="PORTAL_CRISIS_CONTACTS.*placeholder"):
        _production()
    own_placeholder = [dict(TRUST_CONTACTS[0], phone="0808 157 0123"), *TRUST_CONTACTS[1:]]  # Ofcom drama range
    with pytest.raises(ConfigError, match="placeholder"):
        _production(CRISIS_CONTACTS=own_placeholder)


def test_production_starts_with_the_trust_s_own_crisis_line() -> None:
    app = _production(CRISIS_CONTACTS=TRUST_CONTACTS)
    assert [c.name for c in app.extensions["crisis_contacts"]][0] == "Northshire crisis line"


@pytest.fixture
def trust_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                 "CRISIS_CONTACTS": TRUST_CONTACTS})
    with app.app_context():
        from portal.extensions import db
        from portal.models import Base

        Base.metadata.create_all(db.engine)
        yield app


def _page(app: Flask, path: str) -> BeautifulSoup:
    response = app.test_client().get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_get_help_and_the_footer_show_the_trust_s_contacts_not_the_defaults(trust_app: Flask) -> None:
    page = _page(trust_app, "/get-help")
    main = " ".join(page.select_one("main").get_text(" ").split())
    assert "Northshire crisis line" in main and "Talk to the Northshire crisis team." in main
    assert "Samaritans" not in main and "116 123" not in main  # the trust left it out
    assert [a["href"] for a in page.select("main a.portal-contact-link")] == [
        "tel:999", "tel:08009520000", "https://www.northshire.example/crisis", "tel:111", "sms:85258?body=SHOUT"]
    # The emergency contact comes first, as urgent advice.
    assert page.select_one("main .nhsuk-card--care--urgent a")["href"] == "tel:999"
    footer = page.select_one("footer")
    assert [a["href"] for a in footer.select("a[href^='tel:'], a[href^='sms:']")] == ["tel:08009520000", "tel:999"]
    assert "Northshire crisis line" in footer.get_text()


def test_the_printed_safety_plan_lists_the_trust_s_contacts(trust_app: Flask) -> None:
    from flask import render_template

    from portal.presenters import safety_plans as presenter

    with trust_app.test_request_context():
        from datetime import UTC, datetime

        from portal.models import SafetyPlan

        html = render_template("me/safety_plan_print.html", person=type("P", (), {"display_name": "Sam"})(),
                               plan=SafetyPlan(updated_at=datetime.now(UTC)), steps=presenter.STEPS, text={},
                               back_url="/me/safety-plan")
    section = BeautifulSoup(html, "html.parser").select_one(".portal-safety-plan__contacts")
    lines = [" ".join(li.get_text().split()) for li in section.select("li")]
    assert lines == [
        "If you are in danger now: Call 999 or go to A&E now.",
        "Northshire crisis line: call 0800 952 0000. Talk to the Northshire crisis team. Open day and night.",
        "NHS 111: call 111. Choose option 2 for mental health support. Open day and night.",
        "Shout: text SHOUT to 85258. Open day and night.",
    ]
