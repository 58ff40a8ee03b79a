"""The accessibility statement follows the GOV.UK model statement and stays true (issue 19 item 24)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal import accessibility
from tests.conftest import PageRequest

ROOT = Path(__file__).resolve().parents[3]
TESTING_NOTES = ROOT / "docs" / "accessibility-testing.md"
MODEL_SECTIONS = [  # the GOV.UK model statement's parts, in its order
    "How accessible this portal is",
    "Information in a different format, or an interpreter",
    "Tell us about a problem with this portal",
    "Enforcement procedure",
    "Technical information about this portal's accessibility",
    "Compliance status",
    "Content that is not accessible",
    "What we are doing to make it better",
    "Preparation of this accessibility statement",
]


def _statement(page_request: PageRequest) -> tuple[object, str]:
    page = page_request.get("public.accessibility_statement")
    return page, " ".join(page.select_one("main").get_text(" ").split())


def test_it_has_every_part_of_the_model_statement(app: Flask, page_request: PageRequest) -> None:
    page, text = _statement(page_request)
    headings = [h.get_text(strip=True) for h in page.select("main h2, main h3")]  # type: ignore[attr-defined]
    assert headings == MODEL_SECTIONS
    assert "Demo NHS Foundation Trust runs it" in text  # the organisation
    assert "at http://localhost" in text  # and what the statement covers
    assert "partially compliant with the Web Content Accessibility Guidelines (WCAG) version 2.2 AA" in text
    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018" in text
    eass = page.select_one("a[href='https://www.equalityadvisoryservice.com/']")  # type: ignore[attr-defined]
    assert eass is not None and "Equality Advisory and Support Service" in eass.get_text()
    assert "British Sign Language" in text
    with app.test_request_context():
        problems = [" ".join(str(problem.text).split()) for problem in accessibility.KNOWN_PROBLEMS]
    for problem in problems:
        assert problem in text
    assert "This statement was prepared on 6 December 2026" in text
    assert "The portal was last tested on 6 December 2026" in text


def test_without_a_contact_it_says_to_ask_the_key_worker(app: Flask, page_request: PageRequest) -> None:
    _page, text = _statement(page_request)
    assert "tell your key worker or the team. They will pass it on." in text
    assert "reply within 5 working days" in text


def test_the_trust_s_contact_details_come_from_configuration(app: Flask, page_request: PageRequest) -> None:
    app.config.update(ACCESSIBILITY_EMAIL="accessibility@northshire.nhs.example",
                      ACCESSIBILITY_PHONE="0113 496 0999", ACCESSIBILITY_REPLY_DAYS=10)
    try:
        page, text = _statement(page_request)
    finally:
        for key in ("ACCESSIBILITY_EMAIL", "ACCESSIBILITY_PHONE", "ACCESSIBILITY_REPLY_DAYS"):
            app.config.pop(key)
    assert page.select_one("a[href='mailto:accessibility@northshire.nhs.example']")  # type: ignore[attr-defined]
    assert page.select_one("a[href='tel:01134960999']").get_text(strip=True) == "0113 496 0999"  # type: ignore[attr-defined]
    assert "reply within 10 working days" in text


def test_it_claims_nothing_that_was_not_done(app: Flask, page_request: PageRequest) -> None:
    _page, text = _statement(page_request)
    assert "with a screen reader" not in text.split("How accessible")[0]  # never tested with one
    assert "test by hand" not in text
    # The date it was last tested has its notes, and the notes say what was not done.
    notes = TESTING_NOTES.read_text(encoding="utf-8")
    assert f"## {accessibility.LAST_TESTED_ON.strftime('%-d %B %Y')}" in notes
    assert "No test with a screen reader" in notes


def test_the_contact_details_are_read_from_the_environment(monkeypatch: object) -> None:
    from portal.config import load_config

    monkeypatch.setenv("PORTAL_ACCESSIBILITY_EMAIL", "access@trust.nhs.example")  # type: ignore[attr-defined]
    monkeypatch.setenv("PORTAL_ACCESSIBILITY_REPLY_DAYS", "10")  # type: ignore[attr-defined]
    settings = load_config("testing")
    assert (settings["ACCESSIBILITY_EMAIL"], settings["ACCESSIBILITY_PHONE"], settings["ACCESSIBILITY_REPLY_DAYS"]) == (
        "access@trust.nhs.example", "", 10)
