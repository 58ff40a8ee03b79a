"""Pages are sent compressed (brotli or gzip) when the browser asked for them from the portal itself.

A question page is about 13 KB of HTML and 4 KB compressed: on a weak phone signal that is the
difference between a repeat visit at once and a pause. Compressing pages that hold secrets (a CSRF
token, a person's answers) next to text an attacker chose opens the BREACH attack, which needs the
attacker's page to make the victim's browser ask for the portal's pages many times. Browsers say
where a request came from in ``Sec-Fetch-Site``: pages are compressed only when it is
``same-origin`` (a link, a form or htmx on the portal) or ``none`` (typed, a bookmark). A request
from another site, or from a browser that does not send the header, gets the page uncompressed.
Static files (no secrets) are always compressed, by WhiteNoise (portal/static_files.py).
"""

from __future__ import annotations

import gzip

import brotli
from flask import Flask, Response, request

TRUSTED_FETCH_SITES = {"same-origin", "none"}
SMALLEST = 1024  # bytes: below one packet, compressing gains nothing
BROTLI_QUALITY = 5  # fast enough per request (about 0.2 ms for a page) and close to the best size
GZIP_LEVEL = 6


def init_compression(app: Flask) -> None:
    app.after_request(compress_page)


def _accepted(encoding: str) -> bool:
    return any(part.split(";")[0].strip() == encoding and not part.replace(" ", "").endswith(";q=0")
               for part in request.headers.get("Accept-Encoding", "").split(","))


def compress_page(response: Response) -> Response:
    response.vary.add("Sec-Fetch-Site")
    if (
        request.headers.get("Sec-Fetch-Site") not in TRUSTED_FETCH_SITES
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or response.mimetype not in {"text/html", "application/json", "text/csv"}
        or not 200 <= response.status_code < 500
    ):
        return response
    body = response.get_data()
    if len(body) < SMALLEST:
        return response
    if _accepted("br"):
        packed, encoding = brotli.compress(body, quality=BROTLI_QUALITY), "br"
    elif _accepted("gzip"):
        packed, encoding = gzip.compress(body, compresslevel=GZIP_LEVEL), "gzip"
    else:
        return response
    response.set_data(packed)
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response
