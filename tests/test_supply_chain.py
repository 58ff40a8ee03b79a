"""The lock is what gets installed: every package pinned, every file checked against a hash.

`make install` runs `pip install --require-hashes -r requirements.lock`, then the portal itself with
`--no-deps`: a dependency missing from the lock is never installed, so these tests say which one.
Regenerate the lock with `make lock` after changing pyproject.toml.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(\s*;[^\\]*)?$")
HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


def lock_entries() -> dict[str, tuple[str, list[str]]]:
    """Each requirement in requirements.lock: canonical name → (version, its hashes)."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    entries: dict[str, tuple[str, list[str]]] = {}
    for line in joined.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        match = PIN.match(requirement)
        assert match, f"requirements.lock: {requirement!r} is not pinned with =="
        hashes = [option for option in options if option.startswith("--hash=")]
        assert all(HASH.match(h) for h in hashes), f"requirements.lock: {requirement}: a malformed hash"
        assert hashes and len(hashes) == len(options), f"requirements.lock: {requirement} needs its hashes only"
        name = canonicalize_name(match["name"])
        assert name not in entries, f"requirements.lock: {name} is listed twice"
        entries[name] = (match["version"], hashes)
    return entries


def declared_dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    build = project["build-system"]["requires"]
    runtime = project["project"]["dependencies"]
    dev = project["project"]["optional-dependencies"]["dev"]
    return [Requirement(spec) for spec in [*build, *runtime, *dev]]


def test_every_locked_package_is_pinned_with_a_hash() -> None:
    entries = lock_entries()
    assert len(entries) > 50  # the parse found the packages, not an empty file
    assert all(hashes for _, hashes in entries.values())


def test_the_lock_names_no_machine_specific_index() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for option in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host", "file://"):
        assert option not in text


def test_every_dependency_in_pyproject_is_locked_at_a_version_it_allows() -> None:
    entries = lock_entries()
    for requirement in declared_dependencies():
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement} is in pyproject.toml but not in requirements.lock: run `make lock`"
        version, _ = entries[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, which pyproject.toml's {requirement} does not allow"
        )


def test_the_security_tools_are_locked_too() -> None:
    assert {"bandit", "pip-audit", "pytest", "playwright", "ruff", "mypy", "hypothesis"} <= set(lock_entries())


def test_install_checks_hashes_and_adds_only_the_portal_itself() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements.lock" in makefile
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    assert "-c requirements.lock" not in makefile
