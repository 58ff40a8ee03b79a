"""The portal starts and serves pages when no catalog has been compiled (a fresh checkout before
`make install`, or a trust that ships English only): every page then shows the English text."""

from __future__ import annotations

from pathlib import Path

from flask_babel import get_domain

from portal import create_app


def test_the_app_works_with_no_compiled_catalogs(tmp_path: Path) -> None:
    (tmp_path / "cy" / "LC_MESSAGES").mkdir(parents=True)  # a language folder, but no messages.mo
    app = create_app("testing", {"DATABASE_URL": "sqlite://", "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
    try:
        response = app.test_client().get("/get-help", headers={"Accept-Language": "cy"})
        assert response.status_code == 200
        assert "<h1>Get help now" in response.get_data(as_text=True)
    finally:
        # Flask-Babel keeps translations in one cache per process, keyed by language only: the empty
        # Welsh loaded here must not stand in for the real one in the tests that run after this.
        with app.app_context():
            get_domain().cache.clear()
