"""A questionnaire in the person's language only when the trust has a checked translation of it;
otherwise its words stay in English, marked lang="en", with a note in the person's language saying
why, and the rest of the page (buttons, errors) in their language (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask_babel import force_locale, gettext

from portal.extensions import db
from portal.instruments.definition import content_languages
from tests.conftest import PageRequest
from tests.pages import error_messages
from tests.unit.instruments.test_content_check import built_in, write

NOTE = "These questions are in English because there is no checked translation in your language yet."
ENGLISH_ITEM = "How satisfied are you with your mental health?"
WELSH_ITEM = "Pa mor fodlon ydych chi gyda'ch iechyd meddwl?"


def _welsh(app: Flask, text: str) -> str:
    with app.test_request_context(), force_locale("cy"):
        return gettext(text)


@pytest.fixture
def content_dir(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(app.config, "INSTRUMENT_CONTENT_DIR", str(tmp_path))
    content_languages.cache_clear()
    yield tmp_path
    content_languages.cache_clear()


@pytest.fixture
def in_welsh(service_user: Any) -> None:
    service_user.user.locale = "cy"
    db.session.commit()


def _start_dialog(as_service_user: PageRequest) -> int:
    response = as_service_user.client.post("/me/measures/dialog")
    assert response.status_code == 303
    return int(response.headers["Location"].split("/responses/")[1].split("/")[0])


def test_without_a_welsh_dialog_the_items_are_english_with_a_note_and_the_page_welsh(
    app: Flask, content_dir: Path, in_welsh: None, as_service_user: PageRequest
) -> None:
    response_id = _start_dialog(as_service_user)
    page = as_service_user.get("me.answer_measure", response_id=response_id, position=1)
    assert page.select_one("#questions-in-english").get_text(" ", strip=True).endswith(_welsh(app, NOTE))
    legend = page.select_one("fieldset legend")
    assert legend["lang"] == "en" and legend.get_text(strip=True) == ENGLISH_ITEM
    labels = page.select("label.nhsuk-radios__label[for^=answer]")
    assert labels and all(label.get("lang") == "en" for label in labels)
    assert page.select_one("button[type=submit]").get_text(strip=True) == _welsh(app, "Continue")

    # (tests/pages.py checks titles start with the English "Error: ": this page says "Gwall: ")
    sent = as_service_user.client.post(f"/me/measures/responses/{response_id}/questions/1", data={})
    page = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    assert error_messages(page)[0] == _welsh(app, "Choose an answer")
    assert not any(error.find_parent(attrs={"lang": "en"}) for error in page.select(".nhsuk-error-message"))


def test_with_a_checked_welsh_dialog_the_items_are_welsh_and_no_note(
    app: Flask, content_dir: Path, in_welsh: None, as_service_user: PageRequest
) -> None:
    dialog = built_in("dialog")
    dialog["items"][0]["text"] = WELSH_ITEM
    write(content_dir, "dialog.cy.json", dialog)
    response_id = _start_dialog(as_service_user)
    page = as_service_user.get("me.answer_measure", response_id=response_id, position=1)
    assert page.select_one("#questions-in-english") is None
    assert page.select_one("fieldset legend").get_text(strip=True) == WELSH_ITEM
    assert page.select_one("main [lang=en]") is None


def test_in_english_there_is_no_note(content_dir: Path, as_service_user: PageRequest) -> None:
    response_id = _start_dialog(as_service_user)
    page = as_service_user.get("me.answer_measure", response_id=response_id, position=1)
    assert page.select_one("#questions-in-english") is None
    assert page.select_one("fieldset legend").get("lang") is None


def test_checking_answers_says_why_the_questions_are_in_english(
    app: Flask, content_dir: Path, in_welsh: None, as_service_user: PageRequest
) -> None:
    response_id = _start_dialog(as_service_user)
    as_service_user.client.post(f"/me/measures/responses/{response_id}/questions/1", data={"answer": "4", "more_help": "no"})
    page = as_service_user.get("me.check_measure", response_id=response_id)
    assert page.select_one("#questions-in-english") is not None
    assert all(key.get("lang") == "en" for key in page.select(".nhsuk-summary-list__key"))


def test_results_mark_the_questionnaire_s_english_words_inside_welsh_sentences(
    app: Flask, content_dir: Path, in_welsh: None, as_service_user: PageRequest
) -> None:
    response_id = _start_dialog(as_service_user)
    for position in range(1, 12):
        as_service_user.client.post(f"/me/measures/responses/{response_id}/questions/{position}",
                                    data={"answer": "4", "more_help": "yes" if position == 1 else "no"})
    assert as_service_user.client.post(f"/me/measures/responses/{response_id}/submission").status_code == 303
    sent = as_service_user.client.get(f"/me/measures/responses/{response_id}")
    page = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    assert page.select_one("#questions-in-english") is not None
    averages = page.select("main ul.nhsuk-list li")
    assert averages and all(li.select_one('span[lang="en"]').get_text() == "In the middle" for li in averages)
    assert "&lt;span" not in sent.get_data(as_text=True)  # marked up, not escaped as text
