"""Medplum's FHIR engine as a test server: real FHIR behaviour that nobody on this project wrote.

``tests/medplum/server.mjs`` serves ``@medplum/fhir-router`` over Medplum's in-memory repository, on
127.0.0.1, with the Node 24 that ``npm ci`` installs into ``node_modules`` (the ``node`` package; the
machine's own node is too old for Medplum). Beside it, ``tests/fhir_server.py`` is our own fake, which
can inject faults; this one can't, but it answers as Medplum does.

Tests use the session fixture ``medplum_fhir`` (registered in ``tests/conftest.py``): the server starts
once per session; call ``medplum_fhir.reset()`` to start a test from an empty store.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SERVER_SCRIPT = PROJECT_ROOT / "tests" / "medplum" / "server.mjs"
NODE_MODULES = PROJECT_ROOT / "node_modules"
# Medplum's own limit for a transaction that needs strict isolation (a conditional create or update).
ATOMIC_TRANSACTION_ENTRIES = 8
START_TIMEOUT = 60.0
_LISTENING = "listening on "


class MedplumUnavailable(RuntimeError):
    """The project's Node or Medplum packages are not installed (``npm ci`` has not run)."""


def project_node() -> Path:
    """The Node that ``npm ci`` put in node_modules (never the machine's ``node`` on PATH)."""
    node = NODE_MODULES / ".bin" / "node"
    if not (node.is_file() and os.access(node, os.X_OK)):
        raise MedplumUnavailable(f"{node} is missing: run `make install` (npm ci) to install Node 24 and Medplum")
    if not (NODE_MODULES / "@medplum" / "fhir-router" / "package.json").is_file():
        raise MedplumUnavailable("node_modules/@medplum/fhir-router is missing: run `make install` (npm ci)")
    return node


class MedplumFhirServer:
    """``tests/medplum/server.mjs`` in a subprocess; ``base_url`` ends in ``/fhir/R4/``."""

    def __init__(self, max_transaction_entries: int = ATOMIC_TRANSACTION_ENTRIES) -> None:
        self.max_transaction_entries = max_transaction_entries
        self.base_url = ""
        self._process: subprocess.Popen[str] | None = None
        self._stderr: deque[str] = deque(maxlen=200)  # its last lines, to explain a failed start

    @property
    def root_url(self) -> str:
        return self.base_url.removesuffix("fhir/R4/")

    def start(self, timeout: float = START_TIMEOUT) -> str:
        node = project_node()
        # stdin stays open: the server exits when it closes, so no server outlives a killed test run.
        self._process = subprocess.Popen(
            [str(node), str(SERVER_SCRIPT), "--port", "0",
             "--max-transaction-entries", str(self.max_transaction_entries), "--exit-with-stdin"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_drain, args=(self._process.stdout, lines.put), daemon=True).start()
        threading.Thread(target=_drain, args=(self._process.stderr, self._keep_stderr), daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"Medplum FHIR server did not start within {timeout:.0f} s") from None
            if line is None:
                message = self._failure_output()
                self.stop()
                raise RuntimeError(f"Medplum FHIR server exited before listening:\n{message}")
            if line.startswith(_LISTENING):
                self.base_url = line.removeprefix(_LISTENING).strip()
                return self.base_url

    def reset(self) -> None:
        """Empty the store (a new MemoryRepository)."""
        httpx.post(f"{self.root_url}$reset", timeout=10).raise_for_status()

    def stop(self) -> None:
        process, self._process = self._process, None
        stop_process(process)

    def _keep_stderr(self, line: str | None) -> None:
        if line is not None:
            self._stderr.append(line)

    def _failure_output(self) -> str:
        if self._process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
        time.sleep(0.1)  # let the reader thread take stderr's last lines
        return "".join(self._stderr)

    def __enter__(self) -> MedplumFhirServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def stop_process(process: subprocess.Popen[str] | None) -> None:
    """End a test server started with ``--exit-with-stdin``: close its stdin, then terminate it
    (killed if it has not gone in 10 seconds)."""
    if process is None:
        return
    if process.stdin:
        process.stdin.close()
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _drain(stream: IO[str] | None, take: Callable[[str | None], object]) -> None:
    """Pass on a pipe's lines, then None; reading to the end so the server never blocks on a full pipe."""
    if stream is not None:
        for line in stream:
            take(line)
    take(None)


@pytest.fixture(scope="session")
def medplum_fhir() -> Iterator[MedplumFhirServer]:
    """Medplum's FHIR engine on 127.0.0.1, once per session. Skipped without node_modules, except in CI."""
    try:
        project_node()
    except MedplumUnavailable as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Medplum FHIR server unavailable in CI: {missing}", pytrace=False)
        pytest.skip(f"Medplum FHIR server unavailable: {missing}")
    with MedplumFhirServer() as server:
        yield server
