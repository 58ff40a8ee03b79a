"""The support and crisis page is always in the person's language: with the Welsh, Polish and
Arabic catalogs compiled, no sentence on it stays in English (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from flask import Flask

from portal import create_app

ROOT = Path(__file__).resolve().parents[3]
SENTENCE = re.compile(r"[A-Za-z]{3,} [A-Za-z]{3,}")
# The same in every language: names of services and what to text, each with its reason.
NAMES = re.compile(r"Samaritans|SHOUT|NHS 111|NHS|A&E|999|116 123|85258")


@pytest.fixture(scope="module")
def compiled_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app using catalogs compiled here, whether or not `make install` compiled them."""
    folder = tmp_path_factory.mktemp("translations")
    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        target = folder / po.parent.parent.name / "LC_MESSAGES"
        target.mkdir(parents=True)
        with po.open("rb") as source, (target / "messages.mo").open("wb") as out:
            write_mo(out, read_po(source))  # fuzzy entries left out, as make install does
    return create_app("testing", {"DATABASE_URL": "sqlite://", "BABEL_TRANSLATION_DIRECTORIES": str(folder)})


def _sentences(app: Flask, language: str) -> list[str]:
    html = app.test_client().get("/get-help", headers={"Accept-Language": language}).get_data(as_text=True)
    main = BeautifulSoup(html, "html.parser").select_one("main")
    assert main is not None
    return [" ".join(node.get_text(" ", strip=True).split()) for node in main.select("h1, h2, h3, p, li, a, dt, dd")]


@pytest.mark.parametrize("language", ["cy", "pl", "ar"])
def test_the_support_page_has_no_english_left(compiled_app: Flask, language: str) -> None:
    english = set(_sentences(compiled_app, "en"))
    assert len([text for text in english if SENTENCE.search(NAMES.sub("", text))]) > 5  # there is something to check
    translated = _sentences(compiled_app, language)
    left = [text for text in translated if text in english and SENTENCE.search(NAMES.sub("", text))]
    assert left == [], f"{language}: still in English on the support page: {left}"


def test_the_check_would_see_english(compiled_app: Flask) -> None:
    english = set(_sentences(compiled_app, "en"))
    untranslated = _sentences(compiled_app, "ga")  # a language with no catalog: all English
    assert [text for text in untranslated if text in english and SENTENCE.search(NAMES.sub("", text))]
