"""Convert TeX math to MathML: server-side, so pages need no script to show it."""

from __future__ import annotations

import functools
import html
import re

import latex2mathml.converter

from sitegen.markup.math import MathFailure, MathSpan


def render_math(span: MathSpan) -> tuple[str, MathFailure | None]:
    """Convert one expression to MathML; on failure keep the TeX visible and say why."""
    try:
        mathml = _convert(span.tex, span.display)
    except Exception as exc:  # noqa: BLE001 - latex2mathml raises bare Exception subclasses of many kinds
        reason = str(exc) or type(exc).__name__
        shown = html.escape(span.source)
        tag = "pre" if span.display else "code"
        return f'<{tag} class="math-tex">{shown}</{tag}>', MathFailure(span.line, f"math could not be converted ({reason}): {span.source[:60]}")
    return mathml, None


@functools.lru_cache(maxsize=4096)
def _convert(tex: str, display: bool) -> str:
    """Convert TeX to MathML with its alttext; a site repeats expressions ($x$, $\\theta$) page after page."""
    mathml = latex2mathml.converter.convert(_portable(tex), display="block" if display else "inline")
    return _with_alttext(mathml, tex)


# latex2mathml turns `aligned` into loose `&` symbols, but lays out `split` (the same
# alignment, one number) as a table.
_NUMBERING = re.compile(r"\\(?:label\{[^}]*\}|nonumber\b|notag\b)")
_ENVIRONMENT_ALIASES = {"aligned": "split", "align": "align*", "equation": "split", "equation*": "split"}


def _portable(tex: str) -> str:
    """Rewrite environments latex2mathml mishandles into ones it lays out the same way.

    Equation labels and numbering switches have no meaning without numbered equations, so they go.
    """
    tex = _NUMBERING.sub("", tex)
    for name, alias in _ENVIRONMENT_ALIASES.items():
        tex = tex.replace(f"\\begin{{{name}}}", f"\\begin{{{alias}}}").replace(f"\\end{{{name}}}", f"\\end{{{alias}}}")
    return tex


def _with_alttext(mathml: str, tex: str) -> str:
    """Keep the TeX as alttext: read by assistive tools, and used for plain-text summaries."""
    alt = html.escape(" ".join(tex.split()), quote=True)
    return mathml.replace("<math ", f'<math alttext="{alt}" ', 1)
