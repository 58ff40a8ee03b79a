"""The safety case is tied to tests: every hazard in the hazard log names the tests that prove its
controls, by pytest node id, and every test named exists. Renaming or deleting a test that a control
relies on fails here, so the hazard log cannot silently go stale."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAZARD_LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
_HAZARD_ROW = re.compile(r"^\|\s*(H\d+)\s*\|", re.MULTILINE)
_SECTION = re.compile(r"^### (H\d+)\b(.*?)(?=^### |^## |\Z)", re.MULTILINE | re.DOTALL)
_NODE_ID = re.compile(r"`(tests/[\w/]+\.py::[\w\[\]\-.,: ]+)`")


def named_tests(section: str) -> list[str]:
    return _NODE_ID.findall(section)


def problems_in(text: str, root: Path) -> list[str]:
    """What is wrong with a hazard log: hazards with no proving test, named tests that do not exist."""
    hazards = list(dict.fromkeys(_HAZARD_ROW.findall(text)))
    sections = {match.group(1): match.group(2) for match in _SECTION.finditer(text)}
    problems = [] if hazards else ["no hazards found"]
    for hazard in hazards:
        named = named_tests(sections.get(hazard, ""))
        if not named:
            problems.append(f"{hazard}: no test proves its controls")
        for node_id in named:
            path, _, name = node_id.partition("::")
            function = name.split("[")[0].split("::")[-1].strip()
            source = root / path
            if not source.is_file():
                problems.append(f"{hazard}: {path} does not exist")
            elif not re.search(rf"^\s*def {re.escape(function)}\(", source.read_text(encoding="utf-8"), re.MULTILINE):
                problems.append(f"{hazard}: {node_id} does not exist")
    return problems


def test_every_hazard_names_tests_that_exist() -> None:
    assert problems_in(HAZARD_LOG.read_text(encoding="utf-8"), ROOT) == []


def test_a_renamed_or_missing_test_is_caught(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("def test_kept() -> None:\n    pass\n", encoding="utf-8")
    log = ("| Id | Hazard |\n|---|---|\n| H1 | One |\n| H2 | Two |\n| H3 | Three |\n\n"
           "### H1 One\n- `tests/test_x.py::test_kept`\n"
           "### H2 Two\n- `tests/test_x.py::test_renamed`\n")
    assert problems_in(log, tmp_path) == ["H2: tests/test_x.py::test_renamed does not exist",
                                          "H3: no test proves its controls"]
