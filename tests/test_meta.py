"""House rules, as tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from flask import Flask, render_template_string

from portal.access import undeclared_endpoints

ROOT = Path(__file__).resolve().parent.parent


def test_every_endpoint_declares_who_may_use_it(app: Flask) -> None:
    assert undeclared_endpoints(app) == []


def test_the_access_check_catches_a_route_without_a_declaration() -> None:
    from portal import create_app

    fresh = create_app("testing", {"DATABASE_URL": "sqlite://"})

    @fresh.get("/forgotten")
    def forgotten() -> str:
        return "anyone can see this"

    assert undeclared_endpoints(fresh) == ["forgotten"]


def test_migrations_have_a_single_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def test_models_match_the_migrations(app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from portal.extensions import db
    from portal.models import Base

    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], "models changed without a migration: run make db-migration"


def test_user_text_is_escaped_inside_nhs_macros(app: Flask) -> None:
    with app.test_request_context():
        html = render_template_string(
            '{% from "nhsuk/components/inset-text/macro.jinja" import insetText %}'
            '{{ insetText({"text": name}) }}',
            name="<script>alert(1)</script>",
        )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_translation_template_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "--sort-output",
         "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )

    def msgids(path: Path) -> set[str]:
        return set(re.findall(r'^msgid "(.+)"$', path.read_text(encoding="utf-8"), re.MULTILINE))

    committed = msgids(ROOT / "translations" / "messages.pot")
    current = msgids(out)
    assert len(current) > 200, "extraction found too few messages: check babel.cfg"
    assert current - committed == set(), "run make translations-extract"
    assert committed - current == set(), "run make translations-extract"


def test_no_page_asset_comes_from_another_host() -> None:
    vendor = ROOT / "portal" / "static" / "vendor" / "nhsuk" / "nhsuk-frontend.min.css"
    css = vendor.read_text(encoding="utf-8")
    assert "assets.nhs.uk" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    templates = "".join(p.read_text() for p in (ROOT / "portal" / "templates").rglob("*.html"))
    assert not re.search(r"(src|href)=\"(https?:)?//", templates)


# A number followed by a noun in the plural, in a message that is not an ngettext: "(1 people)".
COUNT_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])\s+(\w+)")
COUNT_NAMES = {"count", "n", "num", "number", "total", "shown", "matching", "max", "limit",
               "years", "months", "weeks", "days", "hours", "minutes", "seconds", "points"}
NOT_NOUNS = {"is", "was", "has", "does", "as", "its", "this", "us", "his", "yes", "always", "sometimes"}
# The same by hand in a template: {{ goals | length }} goals
TEMPLATE_COUNT = re.compile(r"\{\{([^}]*)\}\}\s*(\w+)")


def _plural_noun(word: str) -> bool:
    return word in {"people", "children"} or (word.endswith("s") and word not in NOT_NOUNS)


def test_plurals_come_from_ngettext() -> None:
    from babel.messages.extract import extract_from_dir

    method_map = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2")]
    options = {"portal/templates/**.html": {"extensions": "jinja2.ext.do"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
                "lazy_ngettext": (1, 2)}
    by_hand = []
    for file_name, line, message, _comments, _context in extract_from_dir(ROOT, method_map, options, keywords):
        if isinstance(message, tuple):
            continue  # ngettext: the translator chooses the plural
        for name, conversion, word in COUNT_PLACEHOLDER.findall(message):
            if (conversion == "d" or name in COUNT_NAMES) and _plural_noun(word):
                by_hand.append(f"{file_name}:{line}: {message}")
    for template in (ROOT / "portal" / "templates").rglob("*.html"):
        for number, text in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            for expression, word in TEMPLATE_COUNT.findall(text):
                counted = "length" in expression or "count" in expression or expression.strip() in COUNT_NAMES
                if counted and _plural_noun(word):
                    by_hand.append(f"{template.relative_to(ROOT)}:{number}: {text.strip()}")
    assert by_hand == [], "use ngettext for a number with a noun:\n" + "\n".join(by_hand)
