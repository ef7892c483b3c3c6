"""Which lines of Markdown source are code, and how deep in a list each line sits.

Math extraction and the kramdown preprocessor both rewrite source text before
Python-Markdown parses it, and neither may touch code: fenced blocks, and
blocks indented four spaces past the list level they sit in. The rules follow
Python-Markdown (a list level is four columns), since it is what parses the
result. Display math opening a line is never code, so that math indented in a
list stays math (issue 12); `reindent_math_line` pulls such a line back to its
list level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.markup.fences import closes, fence_marker

TEXT, CODE, MATH = "text", "code", "math"
_LIST_ITEM = re.compile(r"^( *)(?:[*+-]|\d+[.)])(?: +|$)")
# An admonition (`!!! note "Title"`): its body is indented one level, like a list item's.
_CONTAINER = re.compile(r"^\s*!!!\s+[\w-]")
_MATH_OPEN = re.compile(r"^[ \t]*(\$\$|\\\[|\\begin\{([A-Za-z*]+)\})")
_LEVEL = 4
_HTML_BLOCKS = "div|section|article|aside|details|figure|table|blockquote|nav|header|footer|main|form|center"
_HTML_OPEN = re.compile(rf"<(?:{_HTML_BLOCKS})\b[^>]*(?<!/)>", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+).*?\1")
_HTML_CLOSE = re.compile(rf"</(?:{_HTML_BLOCKS})\s*>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Line:
    """One source line and what it is."""

    kind: str  # TEXT, CODE (fenced or indented) or MATH (inside a display math block)
    depth: int  # list nesting level (0 outside lists)
    fenced: bool = False  # a line of a fenced code block, fences included


def _indent(line: str) -> int:
    if "\t" in line:
        line = line.expandtabs(_LEVEL)
    return len(line) - len(line.lstrip(" "))


def _math_closer(line: str) -> str | None:
    """Return what closes a display math block that opens on this line and stays open, or None."""
    match = _MATH_OPEN.match(line) if "$" in line or "\\" in line else None
    if not match:
        return None
    opener = match.group(1)
    closer = "$$" if opener == "$$" else "\\]" if opener == "\\[" else f"\\end{{{match.group(2)}}}"
    rest = line[match.end() :]
    return None if closer in rest else closer


def classify_lines(lines: Sequence[str]) -> tuple[Line, ...]:
    """Tell for each line whether it is text, code or inside display math, and its list depth."""
    result: list[Line] = []
    made: dict[tuple[str, int, bool], Line] = {}

    def line_of(kind: str, depth: int, fenced: bool = False) -> Line:
        key = (kind, depth, fenced)
        if key not in made:
            made[key] = Line(kind, depth, fenced)
        return made[key]

    fence: str | None = None
    math_closer: str | None = None
    depth = 0
    code_indent: int | None = None  # indentation of the indented code block we are in
    after_blank = True
    html_open = 0  # block-level HTML elements open at this line
    for line in lines:
        if fence is not None:
            result.append(line_of(CODE, depth, fenced=True))
            if closes(fence, line):
                fence, after_blank = None, True
            continue
        if math_closer is not None:
            result.append(line_of(MATH, depth))
            math_closer = None if math_closer in line else math_closer
            continue
        if not line.strip():
            result.append(line_of(CODE if code_indent is not None else TEXT, depth))
            after_blank = True
            continue
        indent = _indent(line)
        if code_indent is not None and indent >= code_indent:
            result.append(line_of(CODE, depth))
            continue
        code_indent = None
        item = _LIST_ITEM.match(line) or _CONTAINER.match(line)
        if after_blank and not item:
            depth = min(depth, indent // _LEVEL)
        in_html = html_open > 0
        if "<" in line:
            tags = _CODE_SPAN.sub("", line) if "`" in line else line
            html_open = max(0, html_open + len(_HTML_OPEN.findall(tags)) - len(_HTML_CLOSE.findall(tags)))
        if in_html:  # raw HTML keeps its indentation: no code block starts inside it
            result.append(line_of(TEXT, depth))
            after_blank = False
            continue
        if after_blank and indent >= _LEVEL * (depth + 1) and not (depth and _MATH_OPEN.match(line)):
            code_indent = _LEVEL * (depth + 1)
            result.append(line_of(CODE, depth))
            after_blank = False
            continue
        marker = fence_marker(line) if "``" in line or "~~" in line else None
        if marker:
            fence = marker
            result.append(line_of(CODE, depth, fenced=True))
            continue
        if item:
            depth = min(indent // _LEVEL, depth) + 1
        math_closer = _math_closer(line)
        result.append(line_of(TEXT, depth))
        after_blank = False
    return tuple(result)


def reindent_math_line(line: str, depth: int) -> str:
    """Pull a display math line indented past its list level back to that level (else it is code)."""
    if depth and _MATH_OPEN.match(line) and _indent(line) >= _LEVEL * (depth + 1):
        return " " * (_LEVEL * depth) + line.lstrip(" \t")
    return line
