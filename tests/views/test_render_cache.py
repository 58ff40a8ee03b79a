"""Rendered HTML kept between requests (portal/render_cache.py, issue 18) is the HTML the templates
would give, for every question of every instrument in every state, and holds nothing personal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.forms.measures import AnswerForm
from portal.instruments.definition import load_in_language
from portal.render_cache import RenderCache, render_cache
from tests import factories
from tests.conftest import sign_in
from tests.pages import TOKEN, without_tokens

QUESTIONNAIRES = ("dialog", "reqol10")


def _states(item: Any, follow_up: str | None) -> list[tuple[str, dict[str, str] | None]]:
    """(what it is, the form data): no answer, each option chosen, each follow-up choice, an error."""
    states: list[tuple[str, dict[str, str] | None]] = [("no answer", {})]
    states += [(f"chose {option.value}", {"answer": str(option.value)}) for option in item.options]
    if follow_up:
        states += [(f"more help {choice}", {"answer": str(item.options[0].value), "more_help": choice})
                   for choice in ("yes", "no")]
    states.append(("error: nothing chosen", None))
    return states


def _render(item: Any, follow_up: str | None, data: dict[str, str] | None) -> str:
    if data is None:  # sent with nothing chosen: both fields show their error
        form = AnswerForm.for_item(item, follow_up, formdata=MultiDict())
        form.validate()
        assert form.answer.errors
    else:
        form = AnswerForm.for_item(item, follow_up, data=data)
    html = str(form.answer(is_page_heading=True, hint="In the last week"))
    if follow_up:
        html += str(form.more_help(classes="nhsuk-radios--inline"))
    return html


@pytest.mark.parametrize("instrument_id", QUESTIONNAIRES)
def test_every_question_in_every_state_renders_the_same_from_the_cache(app: Flask, instrument_id: str) -> None:
    cache = render_cache()
    for language in app.config["LANGUAGES"]:
        instrument = load_in_language(instrument_id, language)  # English where no checked translation
        with app.test_request_context(), force_locale(language):
            for item in instrument.items + instrument.extra_items:
                for state, data in _states(item, instrument.follow_up):
                    cache.enabled = False
                    uncached = _render(item, instrument.follow_up, data)
                    cache.enabled = True
                    cold = _render(item, instrument.follow_up, data)
                    warm = _render(item, instrument.follow_up, data)
                    where = f"{instrument_id} item {item.number}, {state}, {language}"
                    assert cold == uncached, where
                    assert warm == uncached, where
                    if data and data.get("answer"):
                        assert re.search(rf'value="{data["answer"]}"\s+checked', warm) or \
                            re.search(rf'value="{data["answer"]}"[^>]*checked', warm), where
    assert cache.entries, "nothing was kept: the cache is not in use"


def _page_twice(app: Flask, client: Any, url: str) -> tuple[str, str]:
    cache: RenderCache = app.extensions["render_cache"]
    cache.enabled = False
    uncached = client.get(url).get_data(as_text=True)
    cache.enabled = True
    client.get(url)
    cached = client.get(url).get_data(as_text=True)
    return uncached, cached


def test_a_question_page_for_two_people_holds_only_their_own_name_answer_and_token(app: Flask, key_worker: Any) -> None:
    """The header is kept with markers for the name and token; the radios per chosen value. Each
    person sees only their own, escaped as the template would, and the cache holds none of it."""
    people = [
        factories.create_service_user(key_worker.team, key_worker, given_name="Ann <b>&amp;",
                                      family_name="O'Neill \"Quote\""),
        factories.create_service_user(key_worker.team, key_worker, given_name="Bryn", family_name="Ŵyn-Jones"),
    ]
    db.session.commit()
    pages = []
    for person, answer in zip(people, ("2", "6"), strict=True):
        client = sign_in(app.test_client(), person.user)
        question = client.post("/me/measures/dialog").headers["Location"]
        client.post(question, data={"answer": answer, "autosave": "1"}, headers={"HX-Request": "true"})
        uncached, cached = _page_twice(app, client, question)
        assert without_tokens(cached) == without_tokens(uncached)
        tokens = {match[1] for match in TOKEN.findall(cached)}
        assert len(tokens) == 1, "the sign-out form and htmx carry this request's token"
        checked = re.findall(r'value="(\d)"[^>]*checked', cached)
        assert checked == [answer]
        pages.append((person, cached, tokens.pop()))

    (ann, ann_page, ann_token), (bryn, bryn_page, bryn_token) = pages
    assert "Ann &lt;b&gt;&amp;amp; O&#39;Neill &#34;Quote&#34;" in ann_page
    assert "Bryn" not in ann_page and "Ann" not in bryn_page
    kept = "".join(app.extensions["render_cache"].entries.values())
    for secret in ("Ann", "Neill", "Bryn", "Jones", ann.user.email, bryn.user.email, ann_token, bryn_token):
        assert secret not in kept, secret


def test_signed_out_pages_and_other_roles_render_the_same_from_the_cache(
    app: Flask, key_worker: Any, team_lead: Any
) -> None:
    person = factories.create_service_user(key_worker.team, key_worker, given_name="Dai <i>", family_name="O'Hara")
    db.session.commit()
    timeline = f"/staff/service-users/{person.id}/timeline"  # "Back to Dai <i> O'Hara": a name in the back link
    # One after another with one cache: each page's menu marks its own item (Duty, then the caseload,
    # then nothing), and the language form sends each back to its own page, escaped.
    for url, user in (("/login", None), ("/help", None), ("/staff/duty", key_worker.user), ("/staff/", key_worker.user),
                      ("/staff/", team_lead.user), ("/staff/?q=%22%3E%3Cb%3E&show=all", team_lead.user),
                      (timeline, key_worker.user)):
        client = app.test_client() if user is None else sign_in(app.test_client(), user)
        uncached, cached = _page_twice(app, client, url)
        assert without_tokens(cached) == without_tokens(uncached), url
    assert "Back to Dai &lt;i&gt; O&#39;Hara" in cached
    assert "Dai" not in "".join(app.extensions["render_cache"].entries.values())


def test_the_cached_layout_never_carries_one_language_into_another(app: Flask) -> None:
    """The header and footer are rendered once per language (portal/render_cache.py): asking in Welsh
    first must leave an English page English, and the Arabic page right to left."""
    client = app.test_client()
    welsh = client.get("/get-help", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    english = client.get("/get-help", headers={"Accept-Language": "en"}).get_data(as_text=True)
    arabic = client.get("/get-help", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="cy"' in welsh and 'lang="en" dir="ltr"' in english and 'lang="ar" dir="rtl"' in arabic
    with app.test_request_context(), force_locale("cy"):
        skip_link_in_welsh = gettext("Skip to main content")
    assert skip_link_in_welsh != "Skip to main content"
    assert skip_link_in_welsh in welsh and skip_link_in_welsh not in english and "Skip to main content" in english


@pytest.mark.parametrize("typed", [
    {},
    {"start-day": "1", "start-month": "4", "start-year": "2025", "end-day": "31", "end-month": "3", "end-year": "2026"},
    {"start-day": "31", "start-month": "13", "start-year": "2025"},
    {"start-day": "30", "start-month": "13", "start-year": "2025"},
    {"start-day": "abc", "start-month": "", "start-year": "20x5", "end-day": "1", "end-month": "1", "end-year": "1800"},
    {"start-day": "2", "start-month": "2", "start-year": "2026", "end-day": "1", "end-month": "1", "end-year": "2026"},
])
def test_a_report_period_renders_what_was_typed_the_same_from_the_cache(app: Flask, typed: dict[str, str]) -> None:
    from datetime import date

    from portal.blueprints.staff.report_views import chosen_period

    cache = render_cache()
    pages = []
    for enabled in (False, True, True):
        cache.enabled = enabled
        with app.test_request_context(query_string=typed):
            form, _, _ = chosen_period(date.today())
            pages.append(str(form.start()) + str(form.end()))
    cache.enabled = True
    assert pages[0] == pages[1] == pages[2]
    for value in typed.values():
        assert f'value="{value}"' in pages[0] or not value


def test_values_that_render_differently_never_share_a_key() -> None:
    """Keys take plain values by their repr (quicker than JSON): 1, True and "1" must stay apart."""
    from portal.render_cache import _text

    values = [1, True, "1", "True", None, "None", 0, False, "", (1,), ("1",), (True,), {"a": 1}, {"a": "1"},
              {"a": True}, [1], ["1"], 1.0, "it's", 'say "hi"', ("a", ("b", None)), {"a": (1, "2")}]
    texts = [_text(value) for value in values]
    assert len(set(texts)) == len(values), texts
