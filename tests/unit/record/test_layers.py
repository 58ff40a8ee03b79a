"""``portal/record`` is the port, its adapters and the outbox worker: it decides nothing about the
portal's own data, so it never imports the use cases in ``portal/services`` (they import it)."""

from __future__ import annotations

import ast
from pathlib import Path

RECORD = Path(__file__).resolve().parents[3] / "portal" / "record"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_record_layer_imports_nothing_from_services() -> None:
    offenders = {
        path.name: sorted(name for name in imported_modules(path) if name.startswith("portal.services"))
        for path in sorted(RECORD.glob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert len(offenders) >= 6, "the record package was found and read"
