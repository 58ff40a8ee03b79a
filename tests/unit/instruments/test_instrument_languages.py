"""A questionnaire is shown in a person's language only when a checked translation exists for it
(a content file like dialog.cy.json that the trust drops into PORTAL_INSTRUMENT_CONTENT_DIR, checked
at start-up like the English one); otherwise its items stay in English (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.instruments.definition import content_languages, load_in_language
from tests.unit.instruments.test_content_check import built_in, write


def welsh_dialog(folder: Path) -> Path:
    dialog = built_in("dialog")
    dialog["title"] = "DIALOG (Cymraeg)"
    dialog["items"][0]["text"] = "Pa mor fodlon ydych chi gyda'ch iechyd meddwl?"
    dialog["scales"][next(iter(dialog["scales"]))][0]["label"] = "Hollol anfodlon"
    return write(folder, "dialog.cy.json", dialog)


def test_a_checked_translation_is_used_for_its_language(tmp_path: Path) -> None:
    welsh_dialog(tmp_path)
    dialog = load_in_language("dialog", "cy", tmp_path)
    assert dialog.language == "cy"
    assert dialog.item(1).text == "Pa mor fodlon ydych chi gyda'ch iechyd meddwl?"
    assert dialog.item(1).options[0].label == "Hollol anfodlon"
    assert "cy" in content_languages("dialog", str(tmp_path))


def test_without_a_translation_the_items_stay_in_english(tmp_path: Path) -> None:
    welsh_dialog(tmp_path)
    for language, content_dir in (("pl", tmp_path), ("cy", None), ("ar", tmp_path)):
        dialog = load_in_language("dialog", language, content_dir)
        assert dialog.language == "en", language
        assert dialog.item(1).text == built_in("dialog")["items"][0]["text"]
    assert load_in_language("reqol10", "cy", tmp_path).language == "en"  # only DIALOG was translated


def test_a_language_code_that_is_not_one_falls_back_to_english(tmp_path: Path) -> None:
    assert load_in_language("dialog", "../en", tmp_path).language == "en"


def test_a_translation_that_would_score_differently_stops_start_up(tmp_path: Path) -> None:
    path = welsh_dialog(tmp_path)
    broken = json.loads(path.read_text(encoding="utf-8"))
    broken["items"] = broken["items"][:10]
    write(tmp_path, "dialog.cy.json", broken)
    with pytest.raises(ConfigError, match="dialog.cy.json"):
        create_app("testing", {"DATABASE_URL": "sqlite://", "INSTRUMENT_CONTENT_DIR": str(tmp_path)})
