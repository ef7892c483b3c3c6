"""Heading text and anchors: math read as text, and the anchors other tools write.

A heading with math in it (`## The $\\alpha$ parameter`) needs an `id` and a
table-of-contents entry made of words, not of TeX or of the placeholder that
stands for the math while Markdown runs (issue 12). Jupyter links to headings
by their text with spaces turned into dashes (`#Sorted-and-unsorted-indices`),
Jekyll posts by kramdown's ids (`## 1. Setup` is `#setup`).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

import latex2mathml.converter

_NS = "{http://www.w3.org/1998/Math/MathML}"
_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SCRIPT_ELEMENTS = {"msup": ("^", _SUPERSCRIPTS), "msub": ("_", _SUBSCRIPTS)}
_TOKEN = re.compile(r"zzmath(\d+)zz")


@functools.lru_cache(maxsize=1024)
def readable_math(tex: str) -> str:
    """Return TeX as plain text a reader can follow: `\\alpha^2` gives `α²` (the TeX itself if it does not parse)."""
    try:
        root = ET.fromstring(latex2mathml.converter.convert(tex))
    except Exception:  # noqa: BLE001 - latex2mathml raises bare Exception subclasses of many kinds
        return " ".join(tex.split())
    return " ".join(_text(root).split())


def _text(node: ET.Element) -> str:
    name = node.tag.removeprefix(_NS)
    children = list(node)
    if name in _SCRIPT_ELEMENTS and len(children) == 2:
        return _text(children[0]) + _script(_text(children[1]), *_SCRIPT_ELEMENTS[name])
    if name == "msubsup" and len(children) == 3:
        base, sub, sup = (_text(child) for child in children)
        return base + _script(sub, "_", _SUBSCRIPTS) + _script(sup, "^", _SUPERSCRIPTS)
    if name == "mfrac" and len(children) == 2:
        top, bottom = (_grouped(_text(child)) for child in children)
        return f"{top}/{bottom}"
    if name in ("msqrt", "mroot") and children:
        return "√" + _grouped(_text(children[0]))
    if name in ("mover", "munder", "munderover") and children:
        return _text(children[0])
    inner = (node.text or "") + "".join(_text(child) + (child.tail or "") for child in children)
    return f" {inner} " if name == "mtext" else inner


def _script(text: str, mark: str, table: dict[int, int]) -> str:
    small = text.translate(table)
    if all(ord(char) > 127 for char in small if not char.isspace()):
        return small
    return mark + _grouped(text)


def _grouped(text: str) -> str:
    return text if len(text) <= 1 else f"({text})"


def untokenize_readable(text: str, tex_of: list[str]) -> str:
    """Put readable text in place of the math tokens in a heading's text."""
    return _TOKEN.sub(lambda match: readable_math(tex_of[int(match.group(1))]), text)


def has_math_token(text: str) -> bool:
    """Tell whether text holds a math token."""
    return _TOKEN.search(text) is not None


def kramdown_anchor(text: str) -> str:
    """Return the id kramdown gives a heading: leading non-letters dropped, ASCII letters, digits and dashes kept."""
    kept = re.sub(r"[^a-zA-Z0-9 -]", "", re.sub(r"^[^a-zA-Z]+", "", text))
    return kept.replace(" ", "-").lower()


def jupyter_anchor(text: str) -> str:
    """Return the anchor Jupyter gives a heading: its text with spaces turned into dashes."""
    return text.strip().replace(" ", "-")
