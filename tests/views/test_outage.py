"""When the database cannot be reached: a friendly 503 page with Retry-After and every security
header, /healthz answers 503, and the portal recovers by itself when the database is back.

On PostgreSQL the database really goes away: the portal talks to it through a small TCP proxy that
the test stops (dropping every connection, then refusing new ones) and starts again. On SQLite the
database file's folder is moved away and back.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import NullPool
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from tests import factories
from tests.conftest import sign_in
from tests.pages import check_page

SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
                    "Permissions-Policy", "Cross-Origin-Opener-Policy"]

# Errors raised outside a view reach the error pages, as in production (testing re-raises them).
AS_IN_PRODUCTION = {"PROPAGATE_EXCEPTIONS": False}


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database server. ``stop()`` is the database going away (every
    open connection dropped, new ones refused); ``start()`` brings it back on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept(); close() alone may not
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, one: socket.socket, other: socket.socket) -> None:
        peers = {one: other, other: one}
        try:
            while True:
                ready, _, _ = select.select(list(peers), [], [])
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                for sock in peers:
                    self._sockets.discard(sock)
                    sock.close()


def _check_outage_page(response: Any) -> str:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.headers["Cache-Control"] == "no-store"
    for header in SECURITY_HEADERS:
        assert response.headers.get(header), f"{header} missing from the 503 page"
    text = response.get_data(as_text=True)
    page = check_page(text)
    assert page.h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    return " ".join(page.select_one("main").get_text(" ").split())


def _prove_outage_and_recovery(outage_app: Flask, signed_in: FlaskClient, home: str, name: str,
                               go_away: Any, come_back: Any) -> None:
    load_balancer = outage_app.test_client()
    assert signed_in.get(home).status_code == 200
    assert load_balancer.get("/healthz").status_code == 200

    go_away()

    shown = _check_outage_page(signed_in.get(home))
    assert "Try again in a few minutes." in shown
    assert "Nothing you have saved has been lost." in shown
    assert "may not have been saved" not in shown
    assert name not in shown  # the page does not need (or show) who is signed in
    sent = _check_outage_page(signed_in.post("/account/password", data={"current_password": "x"}))
    assert "What you just sent may not have been saved." in sent
    health = load_balancer.get("/healthz")
    assert (health.status_code, health.get_json()) == (503, {"status": "error", "database": "unreachable"})
    # Signed in, even a page that needs no database meets it when the security headers read who
    # that is (after the view): still the 503 page, never a bare 500.
    _check_outage_page(signed_in.get("/healthz"))

    come_back()

    page = signed_in.get(home)
    assert page.status_code == 200, "the portal did not recover by itself"
    assert name in page.get_data(as_text=True)
    assert load_balancer.get("/healthz").status_code == 200


def _postgres_url() -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set PORTAL_TEST_DATABASE_URL (CI's PostgreSQL run does)")
    parsed = make_url(url)
    try:
        socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=2).close()
    except OSError:
        pytest.skip(f"no PostgreSQL server answers on {parsed.host}:{parsed.port or 5432}")
    return url


@pytest.fixture
def proxied_app(app: Flask) -> Iterator[tuple[Flask, TcpProxy]]:
    """The portal, on the suite's PostgreSQL database, through a proxy the test can stop."""
    url = make_url(_postgres_url())
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    outage_app = create_app("testing", {
        "DATABASE_URL": url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        **AS_IN_PRODUCTION})
    try:
        yield outage_app, proxy
    finally:
        proxy.stop()
        with outage_app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_when_postgresql_goes_away_people_see_a_503_and_the_portal_recovers_when_it_is_back(
        proxied_app: tuple[Flask, TcpProxy], key_worker: Any) -> None:
    outage_app, proxy = proxied_app
    db.session.commit()  # the key worker, in the suite's database, which the proxied portal reads
    signed_in = sign_in(outage_app.test_client(), key_worker.user)

    _prove_outage_and_recovery(outage_app, signed_in, "/staff/", "Kim Keyworker", proxy.stop, proxy.start)


def test_when_the_sqlite_file_cannot_be_opened_people_see_a_503_and_the_portal_recovers(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    # A new connection for every use, so moving the folder away is the database going away.
    outage_app = create_app("testing", {"DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
                                        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}, **AS_IN_PRODUCTION})
    with outage_app.app_context():
        upgrade()
        person = factories.create_service_user(given_name="Sam", family_name="Taylor")
        db.session.commit()
        signed_in = sign_in(outage_app.test_client(), person.user)
        db.session.remove()

    def go_away() -> None:
        folder.rename(tmp_path / "moved")

    def come_back() -> None:
        (tmp_path / "moved").rename(folder)

    try:
        _prove_outage_and_recovery(outage_app, signed_in, "/me/", "Sam Taylor", go_away, come_back)
    finally:
        with outage_app.app_context():
            db.engine.dispose()
