"""Outcome-measure definitions, loaded from replaceable JSON content files.

A content file lives at ``portal/instruments/content/<id>.<language>.json``.
A trust can drop its licensed copy, under the same file name, into a
``content_dir``; that copy wins when it exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

_ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
_LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_SNOMED_PATTERN = re.compile(r"^[0-9]{6,18}$")


@dataclass(frozen=True)
class Option:
    """One answer: ``value`` is what is stored, ``score`` what it counts for."""

    value: int
    label: str
    score: int


@dataclass(frozen=True)
class Item:
    """One question. ``extra`` items are asked but not part of the total."""

    number: int
    code: str
    text: str
    options: tuple[Option, ...]
    reverse: bool = False
    snomed: str | None = None
    extra: bool = False
    topic: str | None = None

    def option(self, value: int) -> Option:
        """The option stored as ``value``; KeyError if there is none."""
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Instrument:
    """A questionnaire as published: wording, scales, notice and codes.

    Items are listed in display order; an item's ``number`` and ``code`` are
    its identity, whatever position it is shown in.
    """

    id: str
    version: str
    language: str
    title: str
    intro: str
    question_stem: str | None
    time_frame: str | None
    items: tuple[Item, ...]
    extra_items: tuple[Item, ...]
    notice: str
    licence_required: bool
    follow_up: str | None = None
    codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def item(self, number: int) -> Item:
        """The item (scored or extra) with this number; KeyError if none."""
        for item in self.items + self.extra_items:
            if item.number == number:
                return item
        raise KeyError(number)

    def item_by_code(self, code: str) -> Item:
        """The item (scored or extra) with this code; KeyError if none."""
        for item in self.items + self.extra_items:
            if item.code == code:
                return item
        raise KeyError(code)

    def __len__(self) -> int:
        """Number of scored items (extra items not counted)."""
        return len(self.items)


@lru_cache(maxsize=64)
def load_instrument(
    instrument_id: str,
    language: str = "en",
    content_dir: str | Path | None = None,
) -> Instrument:
    """Load and validate an instrument; cached per arguments.

    Call ``load_instrument.cache_clear()`` after replacing a content file.
    """
    if not isinstance(instrument_id, str) or not _ID_PATTERN.match(instrument_id):
        raise ValueError(f"Invalid instrument id {instrument_id!r}")
    if not isinstance(language, str) or not _LANGUAGE_PATTERN.match(language):
        raise ValueError(f"Invalid language {language!r}")
    file_name = f"{instrument_id}.{language}.json"
    text = _read_content(file_name, content_dir)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{file_name} is not valid JSON: {error}") from error
    return parse_instrument(data, instrument_id, language, source=file_name)


def _read_content(file_name: str, content_dir: str | Path | None) -> str:
    if content_dir is not None:
        override = Path(content_dir) / file_name
        if override.is_file():
            return override.read_text(encoding="utf-8")
    packaged = files("portal.instruments").joinpath("content", file_name)
    if not packaged.is_file():
        raise ValueError(f"No content file {file_name}")
    return packaged.read_text(encoding="utf-8")


def parse_instrument(
    data: Any, instrument_id: str, language: str, source: str = "content"
) -> Instrument:
    """Build an Instrument from parsed JSON, raising ValueError if malformed."""
    check = _Checker(source)
    check.that(isinstance(data, dict), "must be a JSON object")
    check.that(
        data.get("id") == instrument_id,
        f"has id {data.get('id')!r}, expected {instrument_id!r}",
    )
    scales = _parse_scales(check, data.get("scales"))
    items = _parse_items(check, data.get("items"), scales, extra=False)
    check.that(len(items) > 0, "has no items")
    numbers = [item.number for item in items]
    check.that(
        sorted(numbers) == list(range(1, len(items) + 1)),
        f"item numbers must be 1..{len(items)}, each once, got {numbers}",
    )
    extra_items = _parse_items(check, data.get("extra_items", []), scales, extra=True)
    all_items = items + extra_items
    all_numbers = [item.number for item in all_items]
    check.that(
        len(set(all_numbers)) == len(all_numbers),
        f"item numbers are not unique: {all_numbers}",
    )
    codes = [item.code for item in all_items]
    check.that(len(set(codes)) == len(codes), f"item codes are not unique: {codes}")
    instrument_codes = data.get("codes", {})
    check.that(
        isinstance(instrument_codes, dict)
        and all(
            isinstance(key, str) and isinstance(value, str) and _SNOMED_PATTERN.match(value)
            for key, value in instrument_codes.items()
        ),
        "codes must map names to SNOMED CT identifiers",
    )
    return Instrument(
        id=instrument_id,
        version=check.text(data, "version"),
        language=language,
        title=check.text(data, "title"),
        intro=check.text(data, "intro"),
        question_stem=check.text(data, "question_stem", optional=True),
        time_frame=check.text(data, "time_frame", optional=True),
        items=items,
        extra_items=extra_items,
        notice=check.text(data, "notice"),
        licence_required=check.flag(data, "licence_required"),
        follow_up=check.text(data, "follow_up", optional=True),
        codes=MappingProxyType(dict(instrument_codes)),
    )


class _Checker:
    """Raises ValueError naming the content file and what is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def that(self, condition: bool, message: str) -> None:
        if not condition:
            raise ValueError(f"{self.source}: {message}")

    def text(self, data: dict[str, Any], key: str, optional: bool = False) -> Any:
        value = data.get(key)
        if value is None and optional:
            return None
        self.that(
            isinstance(value, str) and value.strip() != "",
            f"{key!r} must be a non-empty string",
        )
        return value

    def flag(self, data: dict[str, Any], key: str) -> bool:
        value = data.get(key)
        self.that(isinstance(value, bool), f"{key!r} must be true or false")
        return bool(value)

    def integer(self, data: dict[str, Any], key: str, where: str) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{self.source}: {where}: {key!r} must be a whole number")
        return value


def _parse_scales(check: _Checker, raw: Any) -> dict[str, tuple[Option, ...]]:
    check.that(isinstance(raw, dict) and bool(raw), "'scales' must be a non-empty object")
    scales = {}
    for name, raw_options in raw.items():
        where = f"scale {name!r}"
        check.that(
            isinstance(raw_options, list) and len(raw_options) >= 2,
            f"{where} must list at least two options",
        )
        options = []
        for raw_option in raw_options:
            check.that(isinstance(raw_option, dict), f"{where}: options must be objects")
            options.append(
                Option(
                    value=check.integer(raw_option, "value", where),
                    label=check.text(raw_option, "label"),
                    score=check.integer(raw_option, "score", where),
                )
            )
        values = [option.value for option in options]
        check.that(
            values == sorted(set(values)),
            f"{where}: option values must be unique and ascending, got {values}",
        )
        scales[name] = tuple(options)
    return scales


def _parse_items(
    check: _Checker,
    raw: Any,
    scales: dict[str, tuple[Option, ...]],
    extra: bool,
) -> tuple[Item, ...]:
    key = "extra_items" if extra else "items"
    check.that(isinstance(raw, list), f"{key!r} must be a list")
    items = []
    for raw_item in raw:
        check.that(isinstance(raw_item, dict), f"{key!r} must hold objects")
        number = check.integer(raw_item, "number", key)
        where = f"item {number}"
        code = raw_item.get("code")
        check.that(
            isinstance(code, str) and bool(_CODE_PATTERN.match(code)),
            f"{where}: 'code' must be lower_snake_case",
        )
        scale = raw_item.get("scale")
        check.that(scale in scales, f"{where}: unknown scale {scale!r}")
        options = scales[scale]
        reverse = raw_item.get("reverse", False)
        check.that(isinstance(reverse, bool), f"{where}: 'reverse' must be true or false")
        scores = [option.score for option in options]
        expected = sorted(set(scores), reverse=reverse)
        check.that(
            scores == expected,
            f"{where}: scores {scores} do not match reverse={str(reverse).lower()}",
        )
        snomed = raw_item.get("snomed")
        check.that(
            snomed is None or (isinstance(snomed, str) and bool(_SNOMED_PATTERN.match(snomed))),
            f"{where}: 'snomed' must be a SNOMED CT identifier",
        )
        items.append(
            Item(
                number=number,
                code=code,
                text=check.text(raw_item, "text"),
                options=options,
                reverse=reverse,
                snomed=snomed,
                extra=extra,
                topic=check.text(raw_item, "topic", optional=True),
            )
        )
    return tuple(items)


# Checking a trust's replacement content -------------------------------------------------------

BUILT_IN_LANGUAGE = "en"
_CONTENT_FILE = re.compile(r"^(?P<id>[a-z0-9_]+)\.(?P<language>[a-z]{2,3}(-[A-Za-z0-9]{2,8})?)\.json$")


class ContentMismatch(ValueError):
    """A trust's content file would change how answers are stored or scored."""


def built_in_instrument_ids() -> tuple[str, ...]:
    content = files("portal.instruments").joinpath("content")
    names = (entry.name for entry in content.iterdir() if entry.name.endswith(f".{BUILT_IN_LANGUAGE}.json"))
    return tuple(sorted(name.split(".")[0] for name in names))


def check_content_dir(content_dir: str | Path) -> list[Path]:
    """Check every content file in a trust's folder against the built-in definition it replaces.

    Wording may differ (that is the point of a licensed copy); the structure may not: the same
    items (count, numbers and codes, scored or extra), the same option values, the same score for
    each value (so the same scoring direction) and the same follow-up question. Raises
    ``ContentMismatch`` naming the file and every difference; returns the files checked.
    """
    folder = Path(content_dir)
    if not folder.is_dir():
        raise ContentMismatch(f"PORTAL_INSTRUMENT_CONTENT_DIR {folder} is not a folder")
    known = built_in_instrument_ids()
    checked = []
    for path in sorted(folder.glob("*.json")):
        match = _CONTENT_FILE.match(path.name)
        if match is None or match["id"] not in known:
            raise ContentMismatch(
                f"{path}: not a content file the portal knows; name it <instrument>.<language>.json "
                f"with one of: {', '.join(known)} (e.g. reqol10.en.json)"
            )
        try:
            replacement = parse_instrument(
                json.loads(path.read_text(encoding="utf-8")), match["id"], match["language"], source=str(path)
            )
        except json.JSONDecodeError as error:
            raise ContentMismatch(f"{path} is not valid JSON: {error}") from error
        except ValueError as error:
            raise ContentMismatch(str(error)) from error
        built_in = load_instrument(match["id"], BUILT_IN_LANGUAGE)
        if differences := structural_differences(built_in, replacement):
            raise ContentMismatch(
                f"{path} does not match the portal's {built_in.title} (scores would change), so the "
                "portal will not start:\n  - " + "\n  - ".join(differences)
            )
        checked.append(path)
    return checked


def structural_differences(built_in: Instrument, replacement: Instrument) -> list[str]:
    """Every way ``replacement`` would store or score answers differently, in plain words."""
    differences = []
    if len(built_in.items) != len(replacement.items):
        differences.append(f"{len(replacement.items)} scored items instead of {len(built_in.items)}")
    if len(built_in.extra_items) != len(replacement.extra_items):
        differences.append(f"{len(replacement.extra_items)} extra items instead of {len(built_in.extra_items)}")
    expected = {item.code: item for item in built_in.items + built_in.extra_items}
    given = {item.code: item for item in replacement.items + replacement.extra_items}
    for code in sorted(expected.keys() - given.keys()):
        differences.append(f"item {code!r} (item {expected[code].number}) is missing")
    for code in sorted(given.keys() - expected.keys()):
        differences.append(f"item {code!r} (item {given[code].number}) is not an item of this questionnaire")
    for code in [item.code for item in built_in.items + built_in.extra_items if item.code in given]:
        differences.extend(_item_differences(expected[code], given[code]))
    if (built_in.follow_up is None) != (replacement.follow_up is None):
        differences.append("has a follow-up question" if replacement.follow_up else "has no follow-up question")
    return differences


def _item_differences(built_in: Item, replacement: Item) -> list[str]:
    where = f"item {built_in.code!r}"
    differences = []
    if built_in.number != replacement.number:
        differences.append(f"{where} is item {replacement.number} instead of item {built_in.number}")
    if built_in.extra != replacement.extra:
        differences.append(f"{where} is {'not ' if replacement.extra else ''}part of the total")
    if built_in.values != replacement.values:
        differences.append(f"{where} has option values {list(replacement.values)} instead of {list(built_in.values)}")
    elif [o.score for o in built_in.options] != [o.score for o in replacement.options]:
        differences.append(
            f"{where} scores its options {[o.score for o in replacement.options]} instead of "
            f"{[o.score for o in built_in.options]}"
        )
    if built_in.reverse != replacement.reverse:
        differences.append(f"{where} is scored the other way round (reverse={str(replacement.reverse).lower()})")
    return differences


# Questionnaires in a person's language ----------------------------------------------------------


@lru_cache(maxsize=64)
def content_languages(instrument_id: str, content_dir: str | None = None) -> frozenset[str]:
    """The languages ``instrument_id`` has a content file in: English built in, and any translation
    the trust dropped into its content folder (each checked at start-up by ``check_content_dir``:
    a translation is only used when it stores and scores answers exactly as the English does)."""
    languages = {BUILT_IN_LANGUAGE}
    if content_dir:
        for path in Path(content_dir).glob(f"{instrument_id}.*.json"):
            match = _CONTENT_FILE.match(path.name)
            if match and match["id"] == instrument_id:
                languages.add(match["language"])
    return frozenset(languages)


def load_in_language(instrument_id: str, language: str, content_dir: str | Path | None = None) -> Instrument:
    """The instrument in ``language`` when a checked translation exists for it, else in English.

    Questionnaires must only be shown in validated translations (DOMAIN.md): the portal never
    machine-translates an item. The page says why the questions are in English (``Instrument.language``)."""
    folder = str(content_dir) if content_dir else None
    if language in content_languages(instrument_id, folder):
        return load_instrument(instrument_id, language, folder)
    return load_instrument(instrument_id, BUILT_IN_LANGUAGE, folder)
