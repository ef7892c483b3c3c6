r"""Convert TeX math to MathML: server-side, so pages need no script to show it.

latex2mathml does the conversion; this module rewrites the few constructs it
lays out in ways browsers do not show (`gather` and `multline` as line breaks
MathML Core ignores, a one-letter `\mathrm` left italic) and adds equation
numbers: `\tag{…}` shows its text, `\label{key}` numbers the display in page
order, and `\eqref{key}` / `\ref{key}` become links to it.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import latex2mathml.converter

from sitegen.markup.math import MathFailure, MathSpan

_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_LABEL = re.compile(r"\\label\{([^{}]*)\}")
_REF = re.compile(r"\\(eq)?ref\{([^{}]*)\}")
_ONLY_REF = re.compile(r"^\s*\\(eq)?ref\{([^{}]*)\}\s*$")


@dataclass(frozen=True, slots=True)
class Numbering:
    """The equation numbers of one text: the number shown beside each span, and each label's number."""

    shown: Mapping[int, str] = field(default_factory=dict)  # span index -> "3" or a \tag's text
    labels: Mapping[str, str] = field(default_factory=dict)  # label -> shown number


def number_equations(spans: Sequence[MathSpan]) -> Numbering:
    """Number the displays that carry a \\label or \\tag, in order; a \\tag's own text is kept."""
    shown: dict[int, str] = {}
    labels: dict[str, str] = {}
    count = 0
    for index, span in enumerate(spans):
        if not span.display:
            continue
        tag = _TAG.search(span.tex)
        label = _LABEL.search(span.tex)
        if tag:
            shown[index] = tag.group(1)
        elif label:
            count += 1
            shown[index] = str(count)
        if label and index in shown:
            labels[label.group(1)] = shown[index]
    return Numbering(shown, labels)


def equation_anchor(label: str) -> str:
    """Return the id of a labelled equation: the label with only URL-safe characters, starting "eq-"."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", label).strip("-")
    return slug if slug.startswith("eq-") else "eq-" + slug


def render_math(span: MathSpan, numbering: Numbering | None = None, index: int = -1) -> tuple[str, MathFailure | None]:
    """Convert one expression to MathML; on failure keep the TeX visible and say why."""
    numbering = numbering or Numbering()
    only_ref = _ONLY_REF.match(span.tex)
    if only_ref:
        return _reference(only_ref.group(2), numbering, parenthesised=bool(only_ref.group(1))), None
    tex = _REF.sub(lambda m: _reference_text(m.group(2), numbering, bool(m.group(1))), span.tex)
    try:
        mathml = _convert(_TAG.sub("", tex), span.display)
    except Exception as exc:  # noqa: BLE001 - latex2mathml raises bare Exception subclasses of many kinds
        reason = str(exc) or type(exc).__name__
        shown = html.escape(span.source)
        tag = "pre" if span.display else "code"
        return f'<{tag} class="math-tex">{shown}</{tag}>', MathFailure(span.line, f"math could not be converted ({reason}): {span.source[:60]}")
    mathml = _with_alttext(mathml, span.tex)
    if index in numbering.shown:
        label = _LABEL.search(span.tex)
        anchor = f' id="{equation_anchor(label.group(1))}"' if label else ""
        number = html.escape(numbering.shown[index])
        return f'<div class="math-display numbered"{anchor}>{mathml}<span class="eq-number">({number})</span></div>', None
    return mathml, None


def _reference(label: str, numbering: Numbering, *, parenthesised: bool) -> str:
    number = numbering.labels.get(label)
    if number is None:
        return f'<span class="eqref missing">({html.escape(label)}?)</span>'
    text = f"({number})" if parenthesised else number
    return f'<a class="eqref" href="#{equation_anchor(label)}">{html.escape(text)}</a>'


def _reference_text(label: str, numbering: Numbering, parenthesised: bool) -> str:
    number = numbering.labels.get(label, "?")
    return f"\\text{{({number})}}" if parenthesised else f"\\text{{{number}}}"


@functools.lru_cache(maxsize=4096)
def _convert(tex: str, display: bool) -> str:
    """Convert TeX to MathML; a site repeats expressions ($x$, $\\theta$) page after page."""
    portable, centred = _portable(tex)
    mathml = str(latex2mathml.converter.convert(portable, display="block" if display else "inline"))
    if centred:
        mathml = mathml.replace("<mtable>", '<mtable displaystyle="true" rowspacing="0.5em">', 1)
    return _alphabets(_limits(mathml)).replace("<mo>&#x0005E;</mo>", "<mo>&#x002C6;</mo>")


# Big operators whose limits go above and below in display style (movablelimits puts them beside
# the operator in inline math); latex2mathml writes them as scripts when inside \left…\right.
_BIG_OPERATOR = re.compile(r"<(msub|msubsup)><mo>(&#x0220[FF];|&#x02210;|&#x02211;|&#x022C[0-3];|&#x02A0[0-4];)</mo>")
_TAG_RE = re.compile(r"<(/?)(m[a-z]+)\b[^>]*?(/?)>")
_UNDER = {"msub": "munder", "msubsup": "munderover"}


def _limits(mathml: str) -> str:
    """Write the scripts of a big operator (sum, product, union…) as limits: munder/munderover."""
    while match := _BIG_OPERATOR.search(mathml):
        name = match.group(1)
        end = _closing(mathml, match.start(), name)
        if end is None:
            break
        closing = f"</{name}>"
        mathml = (
            mathml[: match.start()] + f"<{_UNDER[name]}>" + mathml[match.start() + len(name) + 2 : end]
            + f"</{_UNDER[name]}>" + mathml[end + len(closing) :]
        )
    return mathml


def _closing(mathml: str, start: int, name: str) -> int | None:
    """Return where the element opened at `start` closes."""
    depth = 0
    for tag in _TAG_RE.finditer(mathml, start):
        if tag.group(3):
            continue  # self-closing
        if tag.group(2) == name:
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                return tag.start()
    return None


# MathML Core draws mathvariant="normal" only: other alphabets must be Unicode's mathematical letters.
_ALPHABET_STARTS = {
    "bold": (0x1D400, 0x1D41A, 0x1D6A8, 0x1D6C2, 0x1D7CE),
    "italic": (0x1D434, 0x1D44E, 0x1D6E2, 0x1D6FC, None),
    "bold-italic": (0x1D468, 0x1D482, 0x1D71C, 0x1D736, None),
    "sans-serif": (0x1D5A0, 0x1D5BA, None, None, 0x1D7E2),
    "monospace": (0x1D670, 0x1D68A, None, None, 0x1D7F6),
}
_ITALIC_HOLES = {"h": "\u210E"}
_VARIANT = re.compile(r'<(mi|mn)( mathvariant="([a-z-]+)")>([^<]*)</\1>')


def _alphabets(mathml: str) -> str:
    """Replace a mathvariant other than normal by the letters of that mathematical alphabet."""

    def letters(match: re.Match[str]) -> str:
        variant = match.group(3)
        starts = _ALPHABET_STARTS.get(variant)
        if starts is None:
            return match.group(0)
        text = "".join(_mathematical(char, starts, variant) for char in html.unescape(match.group(4)))
        return f"<{match.group(1)}>{html.escape(text)}</{match.group(1)}>"

    return _VARIANT.sub(letters, mathml)


def _mathematical(char: str, starts: tuple[int | None, ...], variant: str) -> str:
    upper, lower, greek_upper, greek_lower, digits = starts
    code = ord(char)
    if variant == "italic" and char in _ITALIC_HOLES:
        return _ITALIC_HOLES[char]
    for first, last, start in (
        (0x41, 0x5A, upper), (0x61, 0x7A, lower), (0x391, 0x3A9, greek_upper), (0x3B1, 0x3C9, greek_lower), (0x30, 0x39, digits)
    ):
        if start is not None and first <= code <= last:
            return chr(start + code - first)
    return char


# latex2mathml turns `aligned` into loose `&` symbols, but lays out `split` (the same
# alignment, one number) as a table.
_NUMBERING = re.compile(r"\\(?:label\{[^}]*\}|nonumber\b|notag\b)")
_ENVIRONMENT_ALIASES = {"aligned": "split", "align": "align*", "equation": "split", "equation*": "split"}
# Rows centred one above the other: latex2mathml writes these as <mspace linebreak>, which MathML Core ignores.
_CENTRED = ("gather", "gather*", "gathered", "multline", "multline*")
_ROMAN_LETTER = re.compile(r"\\mathrm\{\s*([A-Za-z])\s*\}")


def _portable(tex: str) -> tuple[str, bool]:
    """Rewrite what latex2mathml mishandles into TeX it lays out right; say whether rows are centred.

    Labels and numbering switches go: numbers are added beside the formula (see `render_math`).
    """
    tex = _NUMBERING.sub("", tex)
    for name, alias in _ENVIRONMENT_ALIASES.items():
        tex = tex.replace(f"\\begin{{{name}}}", f"\\begin{{{alias}}}").replace(f"\\end{{{name}}}", f"\\end{{{alias}}}")
    centred = False
    for name in _CENTRED:
        if f"\\begin{{{name}}}" in tex:
            centred = True
            tex = tex.replace(f"\\begin{{{name}}}", "\\begin{array}{c}").replace(f"\\end{{{name}}}", "\\end{array}")
    # A one-letter \mathrm (the d of dx) would stay italic: a nested group keeps it upright.
    return _ROMAN_LETTER.sub(r"\\mathrm{{\1}}", tex), centred


def _with_alttext(mathml: str, tex: str) -> str:
    """Keep the TeX as alttext: read by assistive tools, and used for plain-text summaries."""
    alt = html.escape(" ".join(tex.split()), quote=True)
    return mathml.replace("<math ", f'<math alttext="{alt}" ', 1)
