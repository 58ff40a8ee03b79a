"""The NHS.UK stylesheet mirrored for right-to-left pages (scripts/mirror_css.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from mirror_css import mirror  # noqa: E402


def test_physical_sides_swap() -> None:
    assert mirror(".a{margin-left:8px;padding-right:4px;left:0;float:left;text-align:left}") == (
        ".a{margin-right:8px;padding-left:4px;right:0;float:right;text-align:right}")
    assert mirror(".b{border-left:4px solid #d5281b;border-top-right-radius:4px}") == (
        ".b{border-right:4px solid #d5281b;border-top-left-radius:4px}")


def test_four_value_shorthands_swap_their_sides() -> None:
    assert mirror(".c{padding:0 0 0 1em;margin:1px 2px 3px 4px!important}") == (
        ".c{padding:0 1em 0 0;margin:1px 4px 3px 2px!important}")
    assert mirror(".d{padding:0 16px}") == ".d{padding:0 16px}"
    assert mirror(".e{border-radius:1px 2px 3px 4px}") == ".e{border-radius:2px 1px 4px 3px}"


def test_a_centred_thing_stays_centred() -> None:
    assert mirror(".f{left:50%;transform:translateX(-50%)}") == ".f{right:50%;transform:translateX(50%)}"


def test_media_queries_urls_and_safe_areas() -> None:
    css = ("@media (min-width:48.0625em){.g{float:left;width:50%}}"
           ".h{background:url(\"data:image/svg+xml;charset=utf8,<svg left='1'/>\") no-repeat;"
           "margin-left:max(16px,calc(16px + env(safe-area-inset-left)))}")
    assert mirror(css) == (
        "@media (min-width:48.0625em){.g{float:right;width:50%}}"
        ".h{background:url(\"data:image/svg+xml;charset=utf8,<svg left='1'/>\") no-repeat;"
        "margin-right:max(16px,calc(16px + env(safe-area-inset-right)))}")


def test_selectors_and_other_text_are_left_alone() -> None:
    assert mirror(".nhsuk-u-float-left{float:left!important}") == ".nhsuk-u-float-left{float:right!important}"
    assert mirror(".i{color:#005eb8;content:\"left\"}") == ".i{color:#005eb8;content:\"left\"}"
