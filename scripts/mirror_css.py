"""Mirror a stylesheet for right-to-left pages (Arabic): what rtlcss does, for the NHS.UK stylesheet.

NHS.UK frontend ships no right-to-left version and writes physical properties (margin-left,
float: left, left: 0). ``mirror`` swaps left and right in property names and keyword values, swaps
the second and fourth values of four-value margins, paddings, borders and insets, mirrors corner
radii and negates horizontal translations. Our own stylesheets use logical properties instead
(margin-inline-start and so on), so they need no mirrored copy. scripts/build_assets.py writes the
mirrored copy beside the original; layouts/base.html links it when the page is right to left.
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"\{([^{}]*)\}")
_SWAP = re.compile(r"\b(left|right)\b")
_FOUR_VALUES = {"margin", "padding", "border-width", "border-style", "border-color", "inset", "scroll-margin",
                "scroll-padding"}
_KEYWORD_VALUES = {"float", "clear", "text-align", "justify-content", "justify-self", "justify-items",
                   "background-position", "background-position-x", "caption-side", "transform-origin",
                   "object-position", "mask-position", "background", "transition-property", "transition",
                   "will-change"}
_TRANSLATE_X = re.compile(r"translateX\(\s*(-?)([\d.]+[a-z%]*)\s*\)")
_TRANSLATE = re.compile(r"translate\(\s*(-?)([\d.]+[a-z%]*)\s*,")


def _swap(text: str) -> str:
    return _SWAP.sub(lambda match: "right" if match.group(1) == "left" else "left", text)


def _split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside brackets and quotes (a data: URL holds ";" and ",")."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _words(value: str) -> list[str]:
    return [word for word in _split(value, " ") if word]


def _negate(sign: str, amount: str) -> str:
    return amount if sign == "-" or amount.strip("0.%a-z") == "" else f"-{amount}"


def _mirror_value(name: str, value: str) -> str:
    important = ""
    if value.endswith("!important"):
        value, important = value[: -len("!important")], "!important"
    plain = name.lstrip("-")
    if plain in _FOUR_VALUES:
        words = _words(value)
        if len(words) == 4:
            words[1], words[3] = words[3], words[1]
            value = " ".join(words)
    elif plain == "border-radius" and "/" not in value:
        words = _words(value)
        if len(words) == 4:
            value = " ".join((words[1], words[0], words[3], words[2]))
        elif len(words) == 3:
            value = " ".join((words[1], words[0], words[1], words[2]))
    elif plain in _KEYWORD_VALUES or plain in {"left", "right"}:
        value = _swap(value) if "url(" not in value else value
    if plain == "transform":
        value = _TRANSLATE_X.sub(lambda m: f"translateX({_negate(m.group(1), m.group(2))})", value)
        value = _TRANSLATE.sub(lambda m: f"translate({_negate(m.group(1), m.group(2))},", value)
    value = value.replace("safe-area-inset-left", "\0").replace("safe-area-inset-right", "safe-area-inset-left")
    return value.replace("\0", "safe-area-inset-right") + important


def _mirror_declaration(declaration: str) -> str:
    if ":" not in declaration:
        return declaration
    name, value = declaration.split(":", 1)
    return f"{_swap(name.strip())}:{_mirror_value(name.strip().lower(), value.strip())}"


def mirror(css: str) -> str:
    """``css`` for a right-to-left page."""
    return _BLOCK.sub(lambda block: "{" + ";".join(_mirror_declaration(d) for d in _split(block.group(1), ";"))
                      + "}", css)
