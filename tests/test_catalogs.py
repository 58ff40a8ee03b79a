"""Every shipped catalog (translations/<language>/LC_MESSAGES/messages.po) is complete and safe to
compile: nothing untranslated or fuzzy, every message of messages.pot and no other, the same
python-format placeholders as the English, and the plural forms its language needs. Each language
in LANGUAGES has one; none is skipped silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from portal.config import Config

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
SOURCE_LANGUAGE = "en"  # the messages are written in English: no catalog needed


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _shipped() -> list[str]:
    return sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _problems(language: str) -> list[str]:
    catalog = _read(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    template = _read(TRANSLATIONS / "messages.pot")
    problems = []
    expected_plurals = get_plural(language).num_plurals
    if catalog.num_plurals != expected_plurals:
        problems.append(f"Plural-Forms has nplurals={catalog.num_plurals}, {language} needs {expected_plurals}")
    ours = {_key(message) for message in _messages(catalog)}
    wanted = {_key(message) for message in _messages(template)}
    problems += [f"missing (run make translations-update): {key!r}" for key in sorted(wanted - ours)]
    problems += [f"not in messages.pot (remove it): {key!r}" for key in sorted(ours - wanted)]
    for message in _messages(catalog):
        where = repr(_key(message))
        if message.fuzzy:
            problems.append(f"fuzzy (check it, then remove the fuzzy flag): {where}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {where}")
        if message.pluralizable and len(strings) != expected_plurals:
            problems.append(f"{len(strings)} plural forms instead of {expected_plurals}: {where}")
    for message, errors in catalog.check():
        problems += [f"{error}: {_key(message)!r}" for error in errors]
    return problems


def test_every_language_offered_has_a_catalog() -> None:
    missing = [code for code in Config.LANGUAGES if code != SOURCE_LANGUAGE and code not in _shipped()]
    assert missing == [], f"LANGUAGES offers {missing} with no translations/<language>/LC_MESSAGES/messages.po"


@pytest.mark.parametrize("language", _shipped() or ["(no catalog shipped)"])
def test_a_shipped_catalog_is_complete_and_safe(language: str) -> None:
    if language == "(no catalog shipped)":
        assert set(Config.LANGUAGES) <= {SOURCE_LANGUAGE}, "languages are offered but no catalog is shipped"
        return
    problems = _problems(language)
    assert problems == [], f"{language}: {len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("language", _shipped())
def test_a_shipped_catalog_says_it_needs_a_professional_translator(language: str) -> None:
    catalog = _read(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    assert "professional translator" in catalog.header_comment, (
        f"{language}: the header must say the catalog needs review by a professional translator before clinical use"
    )


def test_the_check_finds_what_it_looks_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog with every kind of fault: each is reported."""
    from babel.messages.pofile import write_po

    template = Catalog(locale=None)
    for text in ("Hello", "Hello %(name)s", "Gone", "Fine"):
        template.add(text, flags=("python-format",) if "%(" in text else ())
    template.add(("%(num)d goal", "%(num)d goals"), flags=("python-format",))
    catalog = Catalog(locale="pl")
    catalog.add("Hello", "Cześć", flags=("fuzzy",))
    catalog.add("Hello %(name)s", "Cześć %(imie)s", flags=("python-format",))
    catalog.add("Fine", "")
    catalog.add("Extra", "Dodatkowy")
    catalog.add(("%(num)d goal", "%(num)d goals"), ("%(num)d cel", "%(num)d cele"), flags=("python-format",))
    (tmp_path / "pl" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "messages.pot").open("wb") as file:
        write_po(file, template)
    with (tmp_path / "pl" / "LC_MESSAGES" / "messages.po").open("wb") as file:
        write_po(file, catalog)
    monkeypatch.setitem(globals(), "TRANSLATIONS", tmp_path)
    report = "\n".join(_problems("pl"))
    assert "fuzzy" in report and "'Hello'" in report
    assert "missing (run make translations-update): 'Gone'" in report
    assert "not in messages.pot (remove it): 'Extra'" in report
    assert "untranslated: 'Fine'" in report
    assert "imie" in report  # placeholders that differ from the English
    assert "untranslated: '%(num)d goal'" in report  # Polish needs 3 forms: the third is empty
