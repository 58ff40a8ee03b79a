"""What the "your information" pages of every audience share: the "show more" number, and the copy as a
JSON file to download."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import request
from werkzeug.wrappers import Response

from portal.presenters import access_history as words
from portal.services.access_history import PAGE_SIZE


def shown() -> int:
    """How many events to show: ``?shown=50`` after "Show more" (works without JavaScript)."""
    return request.args.get("shown", PAGE_SIZE, type=int) or PAGE_SIZE


def download(copy: dict[str, Any], audience: str, name: str) -> Response:
    body = json.dumps(words.with_words(copy, audience), ensure_ascii=False, indent=2)
    filename = f"{name}-{date.today().isoformat()}.json"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
