"""A trust's replacement content files are checked at start-up: one that would store or score
answers differently from the built-in definition stops the portal, naming the file and what
differs, so a wrong file can never change a score silently (issue 13)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.instruments.definition import ContentMismatch, check_content_dir


def built_in(instrument_id: str) -> dict[str, Any]:
    path = files("portal.instruments").joinpath("content", f"{instrument_id}.en.json")
    return json.loads(path.read_text(encoding="utf-8"))


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def mismatch(folder: Path) -> str:
    with pytest.raises(ContentMismatch) as raised:
        check_content_dir(folder)
    return str(raised.value)


def test_a_licensed_copy_with_other_wording_is_accepted(tmp_path: Path) -> None:
    reqol = built_in("reqol10")
    reqol["version"] = "ReQoL-10 UK English, licensed copy 2026"
    reqol["items"][0]["text"] = "I found it hard to get going with everyday tasks"
    reqol["scales"]["frequency_positive"][1]["label"] = "Only now and then"
    write(tmp_path, "reqol10.en.json", reqol)
    assert check_content_dir(tmp_path) == [tmp_path / "reqol10.en.json"]


def test_dialog_printed_with_items_6_and_7_the_other_way_round_is_accepted(tmp_path: Path) -> None:
    dialog = built_in("dialog")
    items = dialog["items"]
    items[5], items[6] = items[6], items[5]  # shown in another order: same numbers and codes
    write(tmp_path, "dialog.en.json", dialog)
    assert check_content_dir(tmp_path) == [tmp_path / "dialog.en.json"]


def test_a_missing_item_stops_start_up_naming_the_file_and_the_item(tmp_path: Path) -> None:
    reqol = built_in("reqol10")
    reqol["items"] = [item for item in reqol["items"] if item["number"] != 10]
    path = write(tmp_path, "reqol10.en.json", reqol)
    message = mismatch(tmp_path)
    assert str(path) in message
    assert "9 scored items instead of 10" in message
    assert "item 'confident_in_myself' (item 10) is missing" in message


def test_a_different_item_code_stops_start_up(tmp_path: Path) -> None:
    dialog = built_in("dialog")
    dialog["items"][7]["code"] = "safety"
    write(tmp_path, "dialog.en.json", dialog)
    message = mismatch(tmp_path)
    assert "item 'personal_safety' (item 8) is missing" in message
    assert "item 'safety' (item 8) is not an item of this questionnaire" in message


def test_items_renumbered_stop_start_up(tmp_path: Path) -> None:
    dialog = built_in("dialog")
    dialog["items"][5]["number"], dialog["items"][6]["number"] = 7, 6  # friendships now item 7
    write(tmp_path, "dialog.en.json", dialog)
    assert "item 'friendships' is item 7 instead of item 6" in mismatch(tmp_path)


def test_different_option_values_stop_start_up(tmp_path: Path) -> None:
    dialog = built_in("dialog")
    dialog["scales"]["satisfaction"] = [dict(option, value=option["value"] - 1, score=option["score"] - 1)
                                        for option in dialog["scales"]["satisfaction"]]  # 0-6, not 1-7
    write(tmp_path, "dialog.en.json", dialog)
    assert "item 'mental_health' has option values [0, 1, 2, 3, 4, 5, 6] instead of [1, 2, 3, 4, 5, 6, 7]" in (
        mismatch(tmp_path))


def test_an_item_scored_the_other_way_round_stops_start_up(tmp_path: Path) -> None:
    reqol = built_in("reqol10")
    life = next(item for item in reqol["items"] if item["code"] == "life_not_worth_living")
    life["scale"], life["reverse"] = "frequency_positive", False  # item 6 scored as if positive
    write(tmp_path, "reqol10.en.json", reqol)
    message = mismatch(tmp_path)
    assert "item 'life_not_worth_living' scores its options [0, 1, 2, 3, 4] instead of [4, 3, 2, 1, 0]" in message
    assert "item 'life_not_worth_living' is scored the other way round (reverse=false)" in message


def test_different_scores_for_the_same_values_stop_start_up(tmp_path: Path) -> None:
    gbo = built_in("gbo")
    gbo["scales"]["progress"][10]["score"] = 12
    write(tmp_path, "gbo.en.json", gbo)
    assert "scores its options" in mismatch(tmp_path)


def test_an_extra_item_moved_into_the_total_stops_start_up(tmp_path: Path) -> None:
    reqol = built_in("reqol10")
    reqol["items"].append(reqol.pop("extra_items")[0])  # physical health added to the total
    write(tmp_path, "reqol10.en.json", reqol)
    message = mismatch(tmp_path)
    assert "11 scored items instead of 10" in message
    assert "item 'physical_health' is part of the total" in message


def test_dropping_dialog_s_more_help_question_stops_start_up(tmp_path: Path) -> None:
    dialog = built_in("dialog")
    del dialog["follow_up"]
    write(tmp_path, "dialog.en.json", dialog)
    assert "has no follow-up question" in mismatch(tmp_path)


def test_a_file_the_portal_does_not_know_stops_start_up(tmp_path: Path) -> None:
    write(tmp_path, "reqol.en.json", built_in("reqol10"))  # misnamed: would silently be ignored
    message = mismatch(tmp_path)
    assert "reqol.en.json: not a content file the portal knows" in message


def test_a_file_that_is_not_valid_json_stops_start_up(tmp_path: Path) -> None:
    write(tmp_path, "reqol10.en.json", '{"id": "reqol10", ')
    assert "reqol10.en.json is not valid JSON" in mismatch(tmp_path)


def test_another_language_is_checked_against_the_built_in_definition(tmp_path: Path) -> None:
    reqol = built_in("reqol10")
    reqol["items"][1]["reverse"] = True
    reqol["items"][1]["scale"] = "frequency_negative"
    write(tmp_path, "reqol10.cy.json", reqol)
    assert "reqol10.cy.json" in mismatch(tmp_path)


def test_create_app_stops_with_a_clear_message(tmp_path: Path) -> None:
    reqol = built_in("reqol10")
    reqol["items"] = reqol["items"][:9]
    write(tmp_path, "reqol10.en.json", reqol)
    with pytest.raises(ConfigError) as raised:
        create_app("testing", {"DATABASE_URL": "sqlite://", "INSTRUMENT_CONTENT_DIR": str(tmp_path)})
    message = str(raised.value)
    assert message.startswith("PORTAL_INSTRUMENT_CONTENT_DIR: ")
    assert "reqol10.en.json does not match the portal's Recovering Quality of Life (ReQoL-10)" in message
    assert "9 scored items instead of 10" in message


def test_create_app_starts_with_a_matching_licensed_copy(tmp_path: Path) -> None:
    reqol = built_in("reqol10")
    reqol["notice"] = "ReQoL-10 © The University of Sheffield. Licensed copy for Northshire NHS FT."
    write(tmp_path, "reqol10.en.json", reqol)
    app = create_app("testing", {"DATABASE_URL": "sqlite://", "INSTRUMENT_CONTENT_DIR": str(tmp_path)})
    assert app.config["INSTRUMENT_CONTENT_DIR"] == str(tmp_path)


def test_a_content_folder_that_does_not_exist_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a folder"):
        create_app("testing", {"DATABASE_URL": "sqlite://", "INSTRUMENT_CONTENT_DIR": str(tmp_path / "missing")})
