r"""Find TeX math in Markdown source before Markdown runs; put the converted math back after.

Left to Python-Markdown, `_` inside `$$…$$` becomes `<em>`, `{…}` is eaten by
attribute lists and `\\`, `\{` lose their backslash (issue 2). So every math
span is cut out first, replaced by a token that Markdown leaves alone, and the
MathML is put back into the finished HTML. Conversion lives in `sitegen.markup.mathml`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sitegen.markup.blocks import CODE, classify_lines, reindent_math_line

TOKEN_FORMAT = "zzmath{:d}zz"
TOKEN = re.compile(r"zzmath(\d+)zz")
_BEGIN = re.compile(r"\\begin\{([A-Za-z*]+)\}")
_REFERENCE = re.compile(r"\\(?:eq)?ref\{[^{}\n]+\}")
_SPECIAL = re.compile(r"[$\\`<\]]")
_PLACEHOLDER = re.compile(r"zz[a-z]+\d+zz")
_LINK_DESTINATION = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)")
# An HTML start or end tag, attributes and all (after the HTML syntax, so that `$a<b$` is no tag).
_TAG = re.compile(
    r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
)
_RAW_ELEMENTS = frozenset({"code", "pre", "script", "style", "textarea", "kbd", "samp"})


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One math expression found in the source."""

    tex: str  # the TeX between the delimiters
    display: bool
    source: str  # the expression with its delimiters, as written
    line: int  # 0-based line in the scanned text where it starts


@dataclass(frozen=True, slots=True)
class MathFailure:
    """An expression that could not be converted; it stays visible as TeX."""

    line: int
    message: str


def extract_math(text: str) -> tuple[str, list[MathSpan]]:
    """Replace each math expression outside code with a token; return the text and the spans."""
    spans: list[MathSpan] = []
    out: list[str] = []
    chunk: list[str] = []
    chunk_start = 0
    lines = text.splitlines(keepends=True)
    for number, (line, kind) in enumerate(zip(lines, classify_lines(lines), strict=True)):
        if kind.kind == CODE:
            out.append(_scan("".join(chunk), chunk_start, spans))
            chunk = []
            out.append(line)
            continue
        if not chunk:
            chunk_start = number
        chunk.append(reindent_math_line(line, kind.depth))
    out.append(_scan("".join(chunk), chunk_start, spans))
    return "".join(out), spans


def _scan(text: str, first_line: int, spans: list[MathSpan]) -> str:
    """Tokenise math in a stretch of Markdown with no code block in it.

    Code spans, link destinations, HTML tags (`class="12u$(small)"`), comments and
    the content of raw elements such as `<code>` and `<script>` are copied unchanged (issue 12).
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] not in "$\\`<]":  # copy plain text up to the next character that can start math, code, a tag or a link
            special = _SPECIAL.search(text, i)
            stop = special.start() if special else n
            out.append(text[i:stop])
            i = stop
            continue
        found = _match_at(text, i)
        if found is None:
            step = _skip_verbatim(text, i)
            if text[i] == "\\" and i + 1 < n and text[i + 1] == "$":
                out.append("$")
                i += 2
                continue
            out.append(text[i:step])
            i = step
            continue
        end, tex, display = found
        line = first_line + text.count("\n", 0, i)
        out.append(TOKEN_FORMAT.format(len(spans)))
        spans.append(MathSpan(tex, display, text[i:end], line))
        i = end
    return "".join(out)


def _skip_verbatim(text: str, i: int) -> int:
    """Return the index after the code span, tag, comment or raw element at `i` (or `i + 1`)."""
    if text[i] == "`":
        return _skip_code_span(text, i)
    if text[i] == "]":
        destination = _LINK_DESTINATION.match(text, i)
        return destination.end() if destination else i + 1
    if text[i] != "<":
        return i + 1
    if text.startswith("<!--", i):
        end = text.find("-->", i + 4)
        return end + 3 if end != -1 else i + 1
    tag = _TAG.match(text, i)
    if tag is None:
        return i + 1
    name = tag.group(1).lower()
    if name in _RAW_ELEMENTS and not tag.group(0).endswith("/>"):
        close = re.compile(f"</{name}\\s*>", re.IGNORECASE).search(text, tag.end())
        if close:
            return close.end()
    return tag.end()


def _match_at(text: str, i: int) -> tuple[int, str, bool] | None:
    """Return (end, tex, display) when a math expression starts at `i`."""
    char = text[i]
    if char == "$":
        if text.startswith("$$", i):
            return _delimited(text, i, "$$", "$$", display=_stands_alone(text, i))
        return _single_dollar(text, i)
    if char != "\\":
        return None
    if text.startswith("\\(", i):
        return _delimited(text, i, "\\(", "\\)", display=False)
    if text.startswith("\\[", i):
        return _delimited(text, i, "\\[", "\\]", display=True)
    reference = _REFERENCE.match(text, i)
    if reference:  # MathJax links `\eqref{label}` in the text too, not only inside math
        return reference.end(), reference.group(0), False
    begin = _BEGIN.match(text, i)
    if begin and _at_line_start(text, i):
        closing = f"\\end{{{begin.group(1)}}}"
        end = text.find(closing, begin.end())
        if end != -1:
            stop = end + len(closing)
            return stop, text[i:stop], True
    return None


def _delimited(text: str, i: int, opening: str, closing: str, *, display: bool) -> tuple[int, str, bool] | None:
    start = i + len(opening)
    end = start
    while True:
        end = text.find(closing, end)
        if end == -1:
            return None
        if text[end - 1] != "\\" or closing.startswith("\\"):
            break
        end += 1
    tex = text[start:end]
    # kramdown: `$$…$$` is math even with blank lines inside; math holds no code span and no HTML tag.
    # Nor a placeholder: a notebook's code cell between two stray `$$` is no part of any math.
    if not tex.strip() or (opening != "$$" and "\n\n" in tex.strip("\n")) or "`" in tex or _TAG.search(tex):
        return None
    if "zz" in tex and _PLACEHOLDER.search(tex):
        return None
    return end + len(closing), tex.strip(), display


def _single_dollar(text: str, i: int) -> tuple[int, str, bool] | None:
    """Inline `$…$`: no space after the opening nor before the closing, no digit after it."""
    if i + 1 >= len(text) or text[i + 1].isspace() or (i > 0 and text[i - 1] == "\\"):
        return None
    j = i + 1
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if (char == "\n" and text.startswith("\n", j + 1)) or char == "`" or (char == "<" and _TAG.match(text, j)):
            return None
        if char == "]" and text.startswith("(", j + 1):  # a link's destination is no place for math to end
            return None
        if char == "$":
            if text[j - 1].isspace() or (j + 1 < len(text) and text[j + 1].isdigit()):
                return None
            return j + 1, text[i + 1 : j], False
        j += 1
    return None


def _stands_alone(text: str, i: int) -> bool:
    """Tell whether `$$…$$` starting at `i` begins its own line (kramdown: then it is display)."""
    return _at_line_start(text, i)


def _at_line_start(text: str, i: int) -> bool:
    line_start = text.rfind("\n", 0, i) + 1
    return not text[line_start:i].strip(" \t>")


def _skip_code_span(text: str, i: int) -> int:
    """Return the index after a backtick code span starting at `i` (or after the run)."""
    run = i
    while run < len(text) and text[run] == "`":
        run += 1
    ticks = text[i:run]
    close = text.find(ticks, run)
    while close != -1 and (close + len(ticks) < len(text) and text[close + len(ticks)] == "`"):
        close = text.find(ticks, close + len(ticks) + 1)
    if close == -1:
        return run
    return close + len(ticks)


def restore_math(html_text: str, rendered: list[str]) -> str:
    """Put rendered math back in place of its tokens; a display block drops its wrapping <p>."""
    def alone(match: re.Match[str]) -> str:
        math = rendered[int(match.group(1))]
        opening = math.partition(">")[0]
        return math if 'display="block"' in opening or math.startswith(("<pre", "<div")) else match.group(0)

    html_text = re.sub(r"<p>zzmath(\d+)zz</p>", alone, html_text)
    return TOKEN.sub(lambda match: rendered[int(match.group(1))], html_text)


def untokenize(text: str, spans: list[MathSpan]) -> str:
    """Put the TeX source back in place of tokens (for plain-text uses such as heading names)."""
    replace: Callable[[re.Match[str]], str] = lambda m: spans[int(m.group(1))].source
    return TOKEN.sub(replace, text)
