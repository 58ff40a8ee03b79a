"""The outcome measures' content is carved out of the MIT licence: NOTICE names each one's owner
and terms, each content file says the same, and ReQoL-10 is offered in production only when the
trust says it holds a licence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from portal.config import load_config
from portal.instruments.definition import load_instrument
from portal.services import measures

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "portal" / "instruments" / "content"
CONTENT_FILES = sorted(CONTENT.glob("*.json"))


def notice() -> str:
    return " ".join((ROOT / "NOTICE").read_text(encoding="utf-8").split())


def test_there_is_content_to_check() -> None:
    assert {path.name for path in CONTENT_FILES} >= {"reqol10.en.json", "dialog.en.json", "gbo.en.json"}


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda path: path.name)
def test_notice_names_every_instrument_its_owner_and_file(path: Path) -> None:
    content = json.loads(path.read_text(encoding="utf-8"))
    licence = content["licence"]

    assert f"portal/instruments/content/{path.name}" in notice()
    assert " ".join(licence["owner"].split()) in notice()
    assert licence["terms"].strip()
    assert isinstance(licence["placeholder"], bool)


def test_reqol10_is_marked_as_a_placeholder_to_be_replaced_by_the_licensed_copy() -> None:
    licence = json.loads((CONTENT / "reqol10.en.json").read_text(encoding="utf-8"))["licence"]

    assert licence["placeholder"] is True
    assert licence["placeholder_note"].startswith("PLACEHOLDER")
    assert "PORTAL_INSTRUMENT_CONTENT_DIR" in licence["placeholder_note"]
    assert "The University of Sheffield" in licence["owner"]
    assert "PLACEHOLDER copy" in notice()


def test_the_loader_reads_content_files_with_a_licence_field() -> None:
    load_instrument.cache_clear()
    for path in CONTENT_FILES:
        instrument_id, language, _ = path.name.split(".")
        assert load_instrument(instrument_id, language).items


def test_the_mit_licence_carves_out_the_instrument_content() -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    carve_out = " ".join(licence.split("Not covered by this licence", 1)[1].split())
    assert "portal/instruments/content/" in carve_out
    assert "NOTICE" in carve_out


def test_production_does_not_offer_reqol10_unless_the_trust_says_it_holds_a_licence(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_REQOL_LICENSED", raising=False)
    production = load_config("production", {"SECRET_KEY": "x" * 40})
    assert production["REQOL_LICENSED"] is False
    assert "PORTAL_REQOL_LICENSED=true" in notice()

    app.config["REQOL_LICENSED"] = production["REQOL_LICENSED"]
    try:
        assert "reqol10" not in measures.available_instruments()
    finally:
        app.config["REQOL_LICENSED"] = True
    assert "reqol10" in measures.available_instruments()
