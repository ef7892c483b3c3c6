"""A notebook's cells as one HTML body: Markdown, highlighted code, outputs, hidden parts.

All Markdown cells go through one `render_markdown` call, with a placeholder
paragraph where each code cell goes. So a notebook gets exactly what the
same text in a .md post gets: math, heading anchors that never repeat, one
table of contents, footnotes and <!--more-->. Code is rendered as a fenced
block through the same call, so it has the same highlighting and HTML shape.

Hiding follows Jupyter Book cell tags (`remove-cell`, `remove-input`,
`remove-output`, `hide-input`, `hide-output`, `hide-cell`), fastpages flags on
the first line of a code cell (`#hide`, `#hide_input`, `#hide_output`,
`#collapse`, `#collapse-hide`, `#collapse-show`, `#collapse-output`) and
JupyterLab's collapsed cells (`jupyter.source_hidden`, `outputs_hidden`).
Hidden parts are inside <details>, removed parts are not in the page at all.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from sitegen.errors import ContentError, Problem, warning
from sitegen.markup.fences import closes, fence_marker
from sitegen.markup.markdown import nesting_problem, render_markdown
from sitegen.model import Attachment, Heading
from sitegen.readers.notebook.load import LoadedNotebook
from sitegen.readers.notebook.outputs import OutputContext, render_outputs

SHOW = "show"
REMOVE = "remove"
COLLAPSED = "collapsed"  # in a closed <details>
OPEN = "open"  # in an open <details>
_STRENGTH = {SHOW: 0, OPEN: 1, COLLAPSED: 2, REMOVE: 3}
# English labels; the page is rendered with the locale's UI strings of the same keys.
SHOW_CODE = ("show_code", "Show code")
SHOW_OUTPUT = ("show_output", "Show output")

_FLAG = re.compile(
    r"^\s*#\s*(hide|hide[-_]input|hide[-_]output|collapse|collapse[-_]hide|collapse[-_]show|collapse[-_]output)\s*$",
    re.IGNORECASE,
)
# flag -> (whole cell, input, output)
_FLAGS = {
    "hide": (REMOVE, SHOW, SHOW),
    "hide-input": (SHOW, REMOVE, SHOW),
    "hide-output": (SHOW, SHOW, REMOVE),
    "collapse": (SHOW, COLLAPSED, SHOW),
    "collapse-hide": (SHOW, COLLAPSED, SHOW),
    "collapse-show": (SHOW, OPEN, SHOW),
    "collapse-output": (SHOW, SHOW, COLLAPSED),
}
_TAGS = {
    "remove-cell": (REMOVE, SHOW, SHOW),
    "remove-input": (SHOW, REMOVE, SHOW),
    "remove-output": (SHOW, SHOW, REMOVE),
    "hide-input": (SHOW, COLLAPSED, SHOW),
    "hide-output": (SHOW, SHOW, COLLAPSED),
    "hide-cell": (SHOW, COLLAPSED, COLLAPSED),
}
_TOKEN = "zznbcell{:d}zz"
_PLACEHOLDER = re.compile(r"<p>zznbcell(\d+)zz</p>|zznbcell(\d+)zz")
_BACKTICKS = re.compile(r"`+")
_CELL_ATTACHMENT = re.compile(r"attachment:([^\s)\"'>]+)")


@dataclass(frozen=True, slots=True)
class Visibility:
    """How much of a cell the page shows."""

    cell: str = SHOW  # SHOW or REMOVE
    input: str = SHOW
    output: str = SHOW


@dataclass(frozen=True, slots=True)
class RenderedCells:
    """The body of a notebook and what rendering it found."""

    html: str
    prose: str  # the body without outputs (for the reading time)
    toc: tuple[Heading, ...]
    attachments: tuple[Attachment, ...]
    warnings: tuple[Problem, ...]


def cell_visibility(cell: Mapping[str, Any]) -> tuple[Visibility, str]:
    """Return what to show of a cell and its source without the fastpages flag lines."""
    levels = [(SHOW, SHOW, SHOW)]
    source = str(cell.get("source", ""))
    metadata: Mapping[str, Any] = cell.get("metadata") or {}
    tags = metadata.get("tags") or []
    levels += [_TAGS[name] for name in (_tag_name(tag) for tag in tags if isinstance(tag, str)) if name in _TAGS]
    if cell.get("cell_type") == "code":
        flags, source = split_flags(source)
        levels += [_FLAGS[flag] for flag in flags]
        jupyter = metadata.get("jupyter") or {}
        if isinstance(jupyter, Mapping) and jupyter.get("source_hidden") is True:
            levels.append((SHOW, COLLAPSED, SHOW))
        if (isinstance(jupyter, Mapping) and jupyter.get("outputs_hidden") is True) or metadata.get("collapsed") is True:
            levels.append((SHOW, SHOW, COLLAPSED))
    strongest = [max((level[part] for level in levels), key=_STRENGTH.__getitem__) for part in range(3)]
    return Visibility(*strongest), source


def _tag_name(tag: str) -> str:
    return tag.strip().lower().replace("_", "-")


def split_flags(source: str) -> tuple[list[str], str]:
    """Take the fastpages flag lines (`#hide`, `#collapse-show`...) off the top of a code cell."""
    lines = source.splitlines(keepends=True)
    flags: list[str] = []
    while lines and (match := _FLAG.match(lines[0])):
        flags.append(match.group(1).lower().replace("_", "-"))
        lines.pop(0)
    return flags, "".join(lines)


def notebook_language(metadata: Mapping[str, Any]) -> str:
    """Return the Pygments name of the kernel's language (language_info, else kernelspec)."""
    info = metadata.get("language_info") or {}
    spec = metadata.get("kernelspec") or {}
    name = (info.get("name") if isinstance(info, Mapping) else None) or (
        spec.get("language") if isinstance(spec, Mapping) else None
    )
    if not isinstance(name, str) or not name.strip():
        return "text"
    try:
        lexer = get_lexer_by_name(name.strip().lower())
    except ClassNotFound:
        return "text"
    return str(lexer.aliases[0]) if lexer.aliases else "text"


def render_code(source: str, language: str, style: str) -> str:
    """Highlight code exactly as a fenced block in a Markdown post is highlighted."""
    longest = max((len(run) for run in _BACKTICKS.findall(source)), default=0)
    fence = "`" * max(3, longest + 1)
    return render_markdown(f"{fence}{language}\n{source.rstrip(chr(10))}\n{fence}\n", style).html


@dataclass(slots=True)
class _Body:
    """What rendering the cells collects, in order."""

    notebook: LoadedNotebook
    ctx: OutputContext
    language: str
    parts: list[str] = field(default_factory=list)  # Markdown: cell text or a placeholder
    starts: list[tuple[int, int]] = field(default_factory=list)  # (first line in the joined Markdown, cell index)
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (full HTML, HTML without outputs) per placeholder
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0

    def add(self, index: int, piece: str) -> None:
        """Add the Markdown that stands for cell `index`."""
        self.starts.append((self.lines, index))
        self.parts.append(piece)
        self.lines += piece.count("\n") + 2  # the pieces are joined by a blank line

    def placeholder(self, full: str, prose: str) -> str:
        """Keep a cell's HTML aside and return the paragraph that marks its place."""
        self.blocks.append((full, prose))
        return _TOKEN.format(len(self.blocks) - 1)


def render_cells(notebook: LoadedNotebook, skip: int | None, ctx: OutputContext) -> RenderedCells:
    """Render every shown cell into one body; `skip` is the front matter cell."""
    body = _Body(notebook, ctx, notebook_language(notebook.node.metadata))
    for index, cell in enumerate(notebook.node.cells):
        piece = None if index == skip else _checked_piece(cell, index, body)
        if piece is not None:
            body.add(index, piece)
    rendered = render_markdown("\n\n".join(body.parts), ctx.style)
    for failure in rendered.math_failures:
        body.problems.append(warning(failure.message, ctx.rel, _file_line(failure.line, body.starts, notebook)))
    return RenderedCells(
        html=_fill(rendered.html, [full for full, _ in body.blocks]),
        prose=_fill(rendered.html, [prose for _, prose in body.blocks]),
        toc=rendered.toc,
        attachments=tuple(body.attachments),
        warnings=tuple(body.problems),
    )


def _checked_piece(cell: Any, index: int, body: _Body) -> str | None:
    """Render one cell; what its content makes the converters raise is an error naming the cell."""
    try:
        return _cell_piece(cell, index, body)
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{exc} ({type(exc).__name__})"
        raise ContentError(f"cell {index + 1}: cannot render: {reason}", body.ctx.rel, body.notebook.cell_line(index)) from exc


def _cell_piece(cell: Any, index: int, body: _Body) -> str | None:
    """Return the Markdown that stands for one cell (its text, or a placeholder), or None."""
    visibility, source = cell_visibility(cell)
    if visibility.cell == REMOVE:
        return None
    if cell.cell_type == "markdown":
        return _markdown_piece(cell, index, source, body)
    if cell.cell_type == "raw":
        return _raw_piece(cell, source, body)
    if cell.cell_type != "code":
        return None
    ctx = body.ctx
    code = _code_input(source, visibility.input, body.language, ctx.style)
    shown_outputs = ""
    if visibility.output != REMOVE:
        outputs = render_outputs(cell.get("outputs") or [], index + 1, body.notebook.cell_line(index), ctx)
        shown_outputs = _wrap(outputs.html, visibility.output, "nb-outputs", SHOW_OUTPUT)
        body.attachments.extend(outputs.attachments)
        body.problems.extend(outputs.warnings)
    if not code and not shown_outputs:
        return None
    return body.placeholder(f'<div class="nb-cell">{code}{shown_outputs}</div>', f'<div class="nb-cell">{code}</div>')


def _markdown_piece(cell: Any, index: int, source: str, body: _Body) -> str | None:
    prefix = f"{body.ctx.prefix}-cell{index + 1}"
    text, found, missing = _cell_attachments(source, cell.get("attachments") or {}, prefix)
    body.attachments.extend(found)
    line = body.notebook.cell_line(index)
    body.problems.extend(
        warning(f"cell {index + 1}: 'attachment:{name}' is not attached to the cell", body.ctx.rel, line)
        for name in missing
    )
    if nested := nesting_problem(text):
        raise ContentError(f"cell {index + 1}: {nested[1]}", body.ctx.rel, line)
    if body.ctx.markdown_filter is not None and text.strip():
        text = body.ctx.markdown_filter(text)
    return close_open_fence(text) if text.strip() else None


def _code_input(source: str, level: str, language: str, style: str) -> str:
    if level == REMOVE or not source.strip():
        return ""
    return _wrap(render_code(source, language, style), level, "nb-input", SHOW_CODE)


def _wrap(inner: str, level: str, css_class: str, label: tuple[str, str]) -> str:
    if not inner:
        return ""
    if level == SHOW:
        return f'<div class="{css_class}">{inner}</div>'
    is_open = " open" if level == OPEN else ""
    key, text = label
    return f'<details class="{css_class}"{is_open}><summary data-ui="{key}">{text}</summary>{inner}</details>'


def _raw_piece(cell: Any, source: str, body: _Body) -> str | None:
    """Raw cells meant for HTML or Markdown output are shown; others (LaTeX, reST...) are for other formats."""
    metadata = cell.get("metadata") or {}
    mime = str(metadata.get("raw_mimetype") or metadata.get("format") or "").lower()
    if not source.strip():
        return None
    if mime in ("text/markdown", "markdown"):
        return close_open_fence(source)
    if mime in ("text/html", "html"):
        return body.placeholder(source, source)
    return None


def _cell_attachments(
    source: str, found: Mapping[str, Any], prefix: str
) -> tuple[str, list[Attachment], list[str]]:
    """Write images pasted into a Markdown cell as files; `attachment:NAME` then names the file.

    Also return the names the cell refers to but does not hold.
    """
    names: dict[str, str] = {}
    files: list[Attachment] = []
    for name, bundle in sorted(found.items()):
        data = _attachment_bytes(bundle)
        if data is None:
            continue
        safe = re.sub(r"[^\w.-]+", "-", name).strip("-.") or "attachment"
        names[name] = f"{prefix}-{safe}"
        files.append(Attachment(names[name], data))
    text = _CELL_ATTACHMENT.sub(lambda m: f"attachment:{names.get(m.group(1), m.group(1))}", source)
    missing = sorted({name for name in _CELL_ATTACHMENT.findall(source) if name not in names})
    return text, files, missing


def _attachment_bytes(bundle: Any) -> bytes | None:
    if not isinstance(bundle, Mapping):
        return None
    for mime, value in sorted(bundle.items()):
        if not isinstance(value, (str, list)):
            continue
        text = "".join(value) if isinstance(value, list) else value
        if mime == "image/svg+xml":
            return text.encode("utf-8")
        try:
            return base64.b64decode(text)
        except (binascii.Error, ValueError):
            return None
    return None


def close_open_fence(text: str) -> str:
    """Close a code fence left open at the end of a cell: a notebook ends it with the cell."""
    fence: str | None = None
    for line in text.splitlines():
        if fence is None:
            fence = fence_marker(line)
        elif closes(fence, line):
            fence = None
    return text if fence is None else text.rstrip("\n") + "\n" + fence + "\n"


def _fill(body: str, blocks: Sequence[str]) -> str:
    """Put each cell's HTML where its placeholder paragraph is."""

    def block(match: re.Match[str]) -> str:
        number = int(match.group(1) or match.group(2))
        return blocks[number] if number < len(blocks) else match.group(0)

    return _PLACEHOLDER.sub(block, body)


def _file_line(line: int, starts: Sequence[tuple[int, int]], notebook: LoadedNotebook) -> int | None:
    """Map a line of the joined Markdown back to the .ipynb file."""
    cell_start, index = next(((s, i) for s, i in reversed(starts) if s <= line), (0, -1))
    location = notebook.locations[index] if 0 <= index < len(notebook.locations) else None
    return location.line_of(line - cell_start) if location else None
