"""Static files: fingerprinted names for templates, served by WhiteNoise with the right encoding.

``scripts/build_assets.py`` writes a copy of every linked file to ``portal/static/dist/`` with a hash
of its content in its name, a ``.br`` and a ``.gz`` beside it, and ``dist/manifest.json``. Templates
write ``{{ static_url('css/portal.css') }}`` and get ``/static/dist/css/portal.<hash>.css``; WhiteNoise
(wrapped around the app, so no session or database is touched) answers with brotli or gzip as the
browser's ``Accept-Encoding`` allows, ``Vary: Accept-Encoding``, and
``Cache-Control: public, max-age=31536000, immutable``: a phone downloads each version once, and a
new version has a new name. Old, unfingerprinted names still work but are revalidated each time.

When the build is missing or a source file changed since it ran (in development, before
``make install`` runs it again), that file's plain name is used, so nobody gets stale CSS or script.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from werkzeug.datastructures import Headers
from whitenoise import WhiteNoise

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
DIST = "dist"

log = logging.getLogger(__name__)


class StaticManifest:
    """Which fingerprinted copy stands for each source file, checked against the sources once."""

    def __init__(self, static_folder: Path) -> None:
        self.files: dict[str, str] = {}
        self.dirs: dict[str, str] = {}
        path = static_folder / DIST / "manifest.json"
        try:
            manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("No built static files (%s): run `make install`; plain names are used", path)
            return
        for source, digest in manifest.get("sources", {}).items():
            if _digest(static_folder / source) == digest:
                self.files[source] = manifest["files"][source]
            else:
                log.warning("%s changed since the static build: run `make install`", source)
        if len(self.files) == len(manifest.get("sources", {})):
            self.dirs = dict(manifest.get("dirs", {}))

    def url(self, filename: str) -> str:
        if (built := self.files.get(filename)) is not None:
            return url_for("static", filename=f"{DIST}/{built}")
        if (folder := self.dirs.get(filename)) is not None:
            return url_for("static", filename=f"{DIST}/{folder}")
        return url_for("static", filename=filename)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None


def init_static_files(app: Flask) -> None:
    static_folder = Path(app.static_folder or "")
    manifest = StaticManifest(static_folder)
    app.extensions["static_manifest"] = manifest
    app.jinja_env.globals["static_url"] = manifest.url
    dist_prefix = f"{app.static_url_path}/{DIST}/"

    def is_fingerprinted(path: str, url: str) -> bool:
        return url.startswith(dist_prefix)

    def add_headers(headers: Headers, path: str, url: str) -> None:
        headers["Cache-Control"] = IMMUTABLE if is_fingerprinted(path, url) else REVALIDATE
        headers["X-Content-Type-Options"] = "nosniff"

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(static_folder),
        prefix=app.static_url_path,
        autorefresh=app.debug,
        immutable_file_test=is_fingerprinted,
        add_headers_function=add_headers,
    )
