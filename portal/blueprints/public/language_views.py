"""Choosing a language (issue 17): the form on every page posts here; GET shows it as a page.

Signed out, the choice goes in a cookie (no data on the server changes); signed in, it is saved on
the person's account too, so emails and text messages follow it. Either way the person goes back
to the page they were on (a path on this site only).
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import languages
from portal.access import public
from portal.blueprints.auth.views import _safe_next
from portal.blueprints.public import bp
from portal.htmx import redirect_after_post
from portal.services.language_choice import choose_language as save_choice


@bp.get("/language")
@public
def language() -> str:
    return render_template("public/language.html", next_path=_safe_next(request.args.get("next")) or "/")


@bp.post("/language")
@public
def choose_language() -> Response:
    code = languages.chosen(request.form.get("language"), current_app.config["LANGUAGES"])
    if code is None:
        abort(400)
    if current_user.is_authenticated:
        save_choice(current_user, code)
    response = redirect_after_post(_safe_next(request.form.get("next")) or url_for("public.home"))
    response.set_cookie(languages.COOKIE, code, max_age=languages.COOKIE_MAX_AGE, secure=request.is_secure,
                        httponly=True, samesite="Lax")
    return response
