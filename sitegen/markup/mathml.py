r"""Convert TeX math to MathML: server-side, so pages need no script to show it.

latex2mathml does the conversion; this module rewrites the few constructs it
lays out in ways browsers do not show (`gather` and `multline` as line breaks
MathML Core ignores, a one-letter `\mathrm` left italic) and adds equation
numbers: `\tag{…}` shows its text, `\label{key}` numbers the display in page
order, and `\eqref{key}` / `\ref{key}` become links to it. As in LaTeX, the
unstarred `equation` and `multline` get one number, and `align`, `gather`,
`alignat`, `flalign` and `eqnarray` one per row, unless the row says
`\nonumber` or `\notag`; their starred forms number only what has a `\tag`.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import latex2mathml.converter

from sitegen.markup.math import MathFailure, MathSpan
from sitegen.markup.mathlayout import Node, parse, touch_up

_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_LABEL = re.compile(r"\\label\{([^{}]*)\}")
_REF = re.compile(r"\\(eq)?ref\{([^{}]*)\}")
_ONLY_REF = re.compile(r"^\s*\\(eq)?ref\{([^{}]*)\}\s*$")


@dataclass(frozen=True, slots=True)
class Numbering:
    """The equation numbers of one text: the numbers shown beside each span, and each label's number."""

    shown: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # span index -> each row's number ("" for none)
    labels: Mapping[str, str] = field(default_factory=dict)  # label -> shown number


# Environments numbered without being asked; those that number each row.
_AUTO_NUMBERED = frozenset({"equation", "multline", "align", "gather", "alignat", "flalign", "eqnarray"})
_NUMBERED_ROWS = frozenset({"align", "gather", "alignat", "flalign", "eqnarray"})
_WHOLE_ENVIRONMENT = re.compile(r"^\s*\\begin\{([A-Za-z]+)(\*?)\}(.*)\\end\{\1\2\}\s*$", re.DOTALL)
_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)\b")


def number_equations(spans: Sequence[MathSpan]) -> Numbering:
    """Number the displays in order: auto-numbered environments (per row where LaTeX does) and those with a \\label.

    A \\tag's own text is kept and takes no number from the count.
    """
    shown: dict[int, tuple[str, ...]] = {}
    labels: dict[str, str] = {}
    count = 0
    for index, span in enumerate(spans):
        if not span.display:
            continue
        whole = _WHOLE_ENVIRONMENT.match(span.tex)
        name, starred = (whole.group(1), bool(whole.group(2))) if whole else ("", False)
        rows = split_rows(whole.group(3)) if whole and name in _NUMBERED_ROWS else [span.tex]
        numbers = []
        for row in rows:
            tag, label = _TAG.search(row), _LABEL.search(row)
            number = ""
            if tag:
                number = tag.group(1)
            elif not _NO_NUMBER.search(row) and (label or (name in _AUTO_NUMBERED and not starred)):
                count += 1
                number = str(count)
            if label and number:
                labels.setdefault(label.group(1), number)
            numbers.append(number)
        if any(numbers):
            shown[index] = tuple(numbers)
    return Numbering(shown, labels)


def split_rows(body: str) -> list[str]:
    """Split an environment's body at its own `\\\\` (not those of a nested environment or group); drop a last empty row."""
    rows, depth, start, i = [], 0, 0, 0
    while i < len(body):
        if body.startswith("\\begin{", i):
            depth += 1
        elif body.startswith("\\end{", i):
            depth -= 1
        elif body[i] in "{}":
            depth += 1 if body[i] == "{" else -1
        elif body.startswith("\\\\", i) and depth == 0:
            rows.append(body[start:i])
            start = i + 2
            i += 2
            continue
        i += 2 if body[i] == "\\" else 1
    rows.append(body[start:])
    if len(rows) > 1 and not _NUMBERING.sub("", rows[-1]).strip():
        rows.pop()
    return rows


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
    numbers = numbering.shown.get(index, ())
    if len(numbers) > 1:
        whole = _WHOLE_ENVIRONMENT.match(span.tex)
        rows = split_rows(whole.group(3)) if whole else []
        return f'<div class="math-display numbered-rows">{_number_rows(mathml, rows, numbers)}</div>', None
    if numbers:
        label = _LABEL.search(span.tex)
        anchor = f' id="{equation_anchor(label.group(1))}"' if label else ""
        number = html.escape(numbers[0])
        return f'<div class="math-display numbered"{anchor}>{mathml}<span class="eq-number">({number})</span></div>', None
    return mathml, None


def _number_rows(mathml: str, rows: Sequence[str], numbers: Sequence[str]) -> str:
    """Give each row of a display's table its number in a last, 0-wide cell (CSS sets it at the column's right edge)."""
    root = parse(mathml)
    table = _first(root, "mtable")
    if table is None:
        return mathml
    for row, tex, number in zip([node for node in table.elements if node.name == "mtr"], rows, numbers, strict=False):
        label = _LABEL.search(tex)
        anchor = f' id="{equation_anchor(label.group(1))}"' if label and number else ""
        shown = f'<mpadded width="0"><mtext>({html.escape(number)})</mtext></mpadded>' if number else ""
        cell = f'<mtd class="eq-number"{anchor}>{shown}</mtd>'
        row.children.extend(parse(cell).children)
    return root.write_children()


def _first(node: Node, name: str) -> Node | None:
    """Return the first element of a name in document order."""
    for child in node.elements:
        found = child if child.name == name else _first(child, name)
        if found is not None:
            return found
    return None


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
    return touch_up(_alphabets(_limits(mathml)).replace("<mo>&#x0005E;</mo>", "<mo>&#x002C6;</mo>"), display=display)


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
