"""House rule: every word a person reads is marked for translation (issue 17).

Templates: text between tags, and the alt, aria-label, title and placeholder attributes, must come
from ``_()``/``{% trans %}`` (anything inside ``{{ }}`` or ``{% %}`` is taken as marked: a heuristic).
Python: ``flash()``, form field labels, ``label=`` and validator messages must be ``_()``/``_l()``,
never a literal English string."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import wtforms.fields
from jinja2 import Environment
from jinja2.ext import i18n

import portal.forms.fields

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "portal" / "templates"
MARK = " jinjaexpression "  # stands for {{ }} and {% %}: harmless inside a tag, between tags and in attributes
WORDS = re.compile(r"[^\W\d_]{2,}")
READ_ATTRIBUTES = {"alt", "aria-label", "title", "placeholder", "aria-description", "aria-roledescription"}

# Words that are the same in every language, each with its reason.
ALLOWED_WORDS: dict[str, str] = {
    "NHS": "the organisation's name, in every page title, is not translated (NHS identity guidelines)",
}


# Blocks and macros whose body is a value or attributes, not text, each with its reason.
VALUE_BODIES: dict[str, str] = {
    "column_width": "layouts/base.html's column: a CSS width name such as 'full'",
    "hx": "coproduction/_session_live.html: the htmx attributes of a form",
    "_halo": "components/charts.html: SVG attributes for text with a white halo",
}


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._check(value, f'{tag} {name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data, data.strip())

    def _check(self, text: str, shown: str) -> None:
        words = set(WORDS.findall(text.replace(MARK, " "))) - set(ALLOWED_WORDS)
        if words:
            self.found.append(" ".join(shown.replace(MARK, " {{…}} ").split()))


def unmarked_text(source: str) -> list[str]:
    """The words in a template that are not marked for translation."""
    environment = Environment(extensions=[i18n, "jinja2.ext.do"])
    pieces: list[str] = []
    in_trans = False
    bodies: list[str] = []  # the blocks and macros we are in
    tokens = [token for token in environment.lex(source) if token[1] != "whitespace"]
    for index, (_, kind, value) in enumerate(tokens):
        tag = kind == "name" and tokens[index - 1][1] == "block_begin"
        if tag and value in ("trans", "pluralize", "endtrans"):
            in_trans = value != "endtrans"
        elif tag and value in ("block", "macro"):
            bodies.append(tokens[index + 1][2])
        elif tag and value in ("endblock", "endmacro") and bodies:
            bodies.pop()
        if kind == "data" and not in_trans and not set(bodies) & set(VALUE_BODIES):
            pieces.append(value)
        elif not pieces or pieces[-1] != MARK:
            pieces.append(MARK)
    finder = _TextFinder()
    finder.feed("".join(pieces))
    finder.close()
    return finder.found


PROSE = re.compile(r"[A-Z][a-z]+ [a-z]+")  # "Save and continue": a sentence, not a CSS class or a code
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def unmarked_strings(source: str) -> list[str]:
    """Sentences written as string literals inside {{ }} or {% %} (say, text passed to a macro)
    that are not the message of _(), gettext() or ngettext()."""
    environment = Environment(extensions=[i18n, "jinja2.ext.do"])
    tokens = [token for token in environment.lex(source) if token[1] != "whitespace"]
    found = []
    for index, (_, kind, value) in enumerate(tokens):
        if kind != "string" or not PROSE.search(value):
            continue
        before = [token[2] for token in tokens[max(0, index - 4):index]]
        marked = before[-2:] in (["_", "("], ["gettext", "("], ["ngettext", "("]) or (
            len(before) == 4 and before[0] == "ngettext" and before[1] == "(" and before[3] == ",")
        if not marked:
            found.append(value[1:-1])  # lex() gives the literal with its quotes
    return found


def test_every_template_marks_what_people_read() -> None:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {text!r}" for text in unmarked_text(source) + unmarked_strings(source)]
    assert found == [], "wrap in {{ _(\"…\") }} or {% trans %} (or allow it in ALLOWED_TEXT with a reason):\n" + \
        "\n".join(found)


def test_the_template_check_finds_what_it_looks_for() -> None:
    assert unmarked_text("<p>Hello there</p>") == ["Hello there"]
    assert unmarked_text('<img alt="A chart" src="{{ x }}">') == ['img alt="A chart"']
    assert unmarked_text('<a aria-label="Close {{ name }}">x</a>') == ['a aria-label="Close {{…}} "']
    assert unmarked_text('<p{% if x %} lang="en"{% endif %}>{{ t }}</p><title>{{ a }} – NHS</title>') == []
    assert unmarked_text("<p>{{ _('Hello') }}</p><p>{% trans %}Hi {{ n }}{% endtrans %}</p>") == []
    assert unmarked_text("<script>let words = 1</script><p>{{ a }} – {{ b }}</p><p>3</p>") == []
    assert unmarked_strings('{{ back_link(url, "Go back home") }}') == ["Go back home"]
    assert unmarked_strings('{{ _("Go back home") }} {{ ngettext("One goal left", "All goals left", n) }}') == []
    assert unmarked_strings('{{ tag(classes="nhsuk-tag nhsuk-tag--grey") }}') == []


# Python ----------------------------------------------------------------------------------------

VALIDATORS = {"Required", "DataRequired", "InputRequired", "Length", "MaxLength", "Email", "Regexp", "EqualTo",
              "NumberRange", "AnyOf", "NoneOf", "ValidationError", "StopValidation"}
FORM_FIELDS = {name for module in (wtforms.fields, portal.forms.fields) for name in dir(module) if name.endswith("Field")}
PYTHON_ALLOWED: dict[str, str] = {
    # "portal/path.py:line": "reason",
}


def _is_english(node: ast.AST | None) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and WORDS.search(str(part.value)) for part in node.values)
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(WORDS.search(node.value))


def _name(func: ast.AST) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def unmarked_calls(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        first = node.args[0] if node.args else None
        if (name == "flash" or name in FORM_FIELDS or name in VALIDATORS) and _is_english(first):
            found.append((node.lineno, f"{name}({ast.unparse(first)[:60]}…)"))  # type: ignore[arg-type]
        for keyword in node.keywords:
            if keyword.arg in ("label", "message", "description") and _is_english(keyword.value):
                found.append((node.lineno, f"{name}({keyword.arg}={ast.unparse(keyword.value)[:60]}…)"))
    return found


def test_python_never_shows_a_literal_english_string() -> None:
    found = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        found += [f"{name}:{line}: {call}" for line, call in unmarked_calls(path.read_text(encoding="utf-8"))
                  if f"{name}:{line}" not in PYTHON_ALLOWED]
    assert found == [], "wrap in _() or _l() (or allow it in PYTHON_ALLOWED with a reason):\n" + "\n".join(found)


def test_the_python_check_finds_what_it_looks_for() -> None:
    source = '''
flash("Saved.")
flash(_("Saved."))
name = StringField("Your name", validators=[Required("Enter your name"), Length(max=5, message=_l("Too long"))])
other = RadioField(label="Pick one", description=_l("Only one"))
raise ValidationError(f"Enter {thing}")
'''
    assert sorted(line for line, _ in unmarked_calls(source)) == [2, 4, 4, 5, 6]
