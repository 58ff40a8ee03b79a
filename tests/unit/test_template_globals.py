"""The portal's Jinja environment (portal/templating.py) gives templates their globals as Jinja
does, only with a set for their keys: the environment's globals, under a template's own, still
seen when added after a template was loaded, and imported macro files kept once."""

from __future__ import annotations

from jinja2 import DictLoader

from portal.templating import PortalEnvironment


def test_template_globals_are_the_environments_under_its_own() -> None:
    from flask import Flask

    env = PortalEnvironment(Flask(__name__), loader=DictLoader({
        "macros.html": "{% macro hello() %}hello {{ who }}{% endmacro %}",
        "page.html": '{% from "macros.html" import hello %}{{ hello() }} {{ where }} {{ later }}',
    }), autoescape=True)
    env.globals.update(who="Sam", where="here")
    page = env.get_template("page.html", globals={"where": "in the portal"})
    env.globals["later"] = "too"  # added after loading: still seen
    assert page.render() == "hello Sam in the portal too"
    assert page.globals.keys() == {"who", "where", "later", *env.globals}
    assert isinstance(page.globals.keys(), set)  # Jinja takes names away from these on every import
    macros = env.get_template("macros.html")
    module = macros._get_default_module(page.new_context())
    assert module is macros._get_default_module(page.new_context())  # made once, not per import
