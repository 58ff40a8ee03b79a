"""Static files (issue 18): fingerprinted, precompressed, cached for a year, and few bytes on a phone.

The built copies come from scripts/build_assets.py (make install); these tests read what a browser
would: the links in real pages, and the answers the app gives for them.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from portal.config import ROOT
from portal.static_files import IMMUTABLE
from tests.conftest import PageRequest

BROTLI = {"Accept-Encoding": "gzip, deflate, br"}
# What a browser sends when a link, form or htmx on the portal asks for a page.
FROM_THE_PORTAL = {**BROTLI, "Sec-Fetch-Site": "same-origin"}
FINGERPRINTED = re.compile(r"^/static/dist/.+\.[0-9a-f]{12}(\.[a-z]+|/.*)$")
CSS_URL = re.compile(r"url\(\s*['\"]?(/static/[^'\")\s]+)")
JS_IMPORT = re.compile(r"""\bfrom\s*["'](/static/[^"']+)["']""")
FIRST_LOAD_LIMIT = 80 * 1024
REPEAT_LOAD_LIMIT = 10 * 1024


def _static_links(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    links = [tag["href"] for tag in soup.find_all("link", href=True)]
    links += [tag["src"] for tag in soup.find_all(["script", "img"], src=True)]
    return [str(link) for link in links if str(link).startswith("/static/")]


def _css_url(client: FlaskClient) -> str:
    html = client.get("/login").get_data(as_text=True)
    return next(link for link in _static_links(html) if "/css/portal." in link)


def test_a_fingerprinted_stylesheet_is_sent_brotli_compressed_and_cached_for_a_year(client: FlaskClient) -> None:
    url = _css_url(client)
    assert FINGERPRINTED.match(url)

    answer = client.get(url, headers=BROTLI)

    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "br"
    assert answer.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert answer.headers["Content-Type"].startswith("text/css")
    plain = (ROOT / "portal" / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    assert brotli.decompress(answer.data).decode("utf-8") == plain


def test_a_browser_without_brotli_gets_gzip_and_one_without_either_gets_plain_text(client: FlaskClient) -> None:
    url = _css_url(client)

    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    plain = client.get(url, headers={"Accept-Encoding": "identity"})

    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.headers["Cache-Control"] == IMMUTABLE
    assert "Content-Encoding" not in plain.headers
    assert b".portal-" in plain.data


def test_the_old_unfingerprinted_name_still_works_but_is_checked_again_each_time(client: FlaskClient) -> None:
    answer = client.get("/static/css/portal.css", headers=BROTLI)

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["Content-Type"].startswith("text/css")


def test_a_made_up_fingerprint_is_not_found(client: FlaskClient) -> None:
    assert client.get("/static/dist/css/portal.000000000000.css").status_code == 404


def test_static_files_say_nosniff_and_touch_no_session(client: FlaskClient) -> None:
    answer = client.get(_css_url(client), headers=BROTLI)

    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize("path", ["/", "/login", "/help"])
def test_every_static_link_on_a_public_page_is_fingerprinted_and_found(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    links = _static_links(html)

    assert links, "the page links no static files"
    for link in links:
        assert FINGERPRINTED.match(link), link
        assert client.get(link).status_code == 200, link


def test_no_template_links_a_static_file_by_its_plain_name() -> None:
    templates = ROOT / "portal" / "templates"
    offenders = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
                 if re.search(r"url_for\(\s*['\"]static['\"]|[\"']/static/", path.read_text(encoding="utf-8"))]
    assert offenders == [], "link static files with static_url('…') so they are fingerprinted"


def _transferred(client: FlaskClient, url: str, seen: set[str]) -> int:
    """Bytes a brotli-capable browser receives for url and whatever it pulls in (imports, CSS
    images), each file once. Counts every url() in a stylesheet, though a browser fetches only those
    a page uses: an upper bound."""
    if url in seen:
        return 0
    seen.add(url)
    answer = client.get(url, headers=BROTLI)
    assert answer.status_code == 200, url
    assert answer.headers["Cache-Control"] == IMMUTABLE, url
    size = len(answer.data)
    body = brotli.decompress(answer.data) if answer.headers.get("Content-Encoding") == "br" else answer.data
    text = body.decode("utf-8", errors="replace")
    if url.endswith(".css"):
        children = CSS_URL.findall(text)
    elif url.endswith(".js"):
        children = JS_IMPORT.findall(text)
    else:
        children = []
    return size + sum(_transferred(client, urlsplit(child).path, seen) for child in children)


def test_a_question_page_is_under_80_kb_the_first_time_and_under_10_kb_after(
    app: Flask, as_service_user: PageRequest
) -> None:
    client = as_service_user.client
    started = client.post("/me/measures/dialog")
    question_url = started.headers["Location"]
    page = client.get(question_url, headers=FROM_THE_PORTAL)
    assert page.headers["Content-Encoding"] == "br"
    assert page.status_code == 200
    html_bytes = len(page.data)
    links = _static_links(brotli.decompress(page.data).decode("utf-8"))
    seen: set[str] = set()
    static_bytes = sum(_transferred(client, link, seen) for link in links
                       if not link.rstrip("/").rsplit("/", 1)[-1].startswith("nhsuk-assets."))
    favicon = next(link for link in links if link.endswith("favicon.ico"))
    static_bytes += _transferred(client, favicon, seen)

    assert html_bytes + static_bytes < FIRST_LOAD_LIMIT, (html_bytes, static_bytes)
    # A repeat load: every static file was sent as immutable (checked above), so the browser
    # asks for the page alone.
    repeat = client.get(question_url, headers=FROM_THE_PORTAL)
    assert len(repeat.data) < REPEAT_LOAD_LIMIT, len(repeat.data)


def test_a_page_asked_for_from_another_site_is_not_compressed(as_service_user: PageRequest) -> None:
    """BREACH: a page holding secrets is compressed only when the portal itself asked for it."""
    client = as_service_user.client
    for fetch_site in ("cross-site", "same-site", None):
        headers = dict(BROTLI) if fetch_site is None else {**BROTLI, "Sec-Fetch-Site": fetch_site}
        answer = client.get("/me/", headers=headers)
        assert answer.status_code == 200
        assert "Content-Encoding" not in answer.headers, fetch_site
        assert "Sec-Fetch-Site" in answer.headers["Vary"]
    same_origin = client.get("/me/", headers=FROM_THE_PORTAL)
    assert same_origin.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in same_origin.headers["Vary"]
    assert brotli.decompress(same_origin.data).decode("utf-8").startswith("<!DOCTYPE html>")


def test_the_build_output_is_not_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "portal/static/dist/" in ignored
    assert Path(ROOT / "portal" / "static" / "dist" / "manifest.json").is_file(), "run make install"
