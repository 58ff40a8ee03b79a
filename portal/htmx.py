"""The one place that reads HTMX request headers and writes HTMX response headers."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request
from werkzeug.wrappers import Response

# Where a refusal that is not the form's own (page not found, timed out, too many tries) shows:
# a region in the layout, so the form and what was typed in it stay as they are.
PROBLEM_REGION = "#htmx-problem"


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


def error_page(template_name: str, status: int) -> tuple[str, int] | Response:
    """An error page; for an HTMX request, only its title, in the page's problem region.

    The layout's htmx config swaps every 4xx answer (so a refused save shows its own message in
    its form); an error page is not a fragment of the form, so it goes to the problem region."""
    if not wants_fragment():
        return render_template(template_name), status
    template = current_app.jinja_env.get_template(template_name)
    title = "".join(template.blocks["title"](template.new_context())).strip()
    response = Response(render_template("errors/_htmx_problem.html", title=title), status=status,
                        mimetype="text/html")
    response.headers["HX-Retarget"] = PROBLEM_REGION
    response.headers["HX-Reswap"] = "innerHTML"
    response.headers["Vary"] = "HX-Request"
    return response
