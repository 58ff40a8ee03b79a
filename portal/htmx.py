"""The one place that reads HTMX request headers and writes HTMX response headers."""

from __future__ import annotations

from flask import redirect, request
from werkzeug.wrappers import Response


def wants_fragment() -> bool:
    """An HTMX request that is not a history restore: answer with the fragment only."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def redirect_after_post(url: str) -> Response:
    """POST/redirect/GET that also works for HTMX (a followed 303 would be swapped in)."""
    if wants_fragment():
        response = Response(status=204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
