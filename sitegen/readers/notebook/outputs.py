"""The outputs of a notebook code cell as static HTML, with images as files beside the page.

Each rich output shows its best static form: HTML, then SVG, then PNG/JPEG/GIF,
then Markdown, then LaTeX (as MathML), then plain text. Forms that need a
live notebook (widgets, JavaScript, HTML with <script>) are never put in the
page: the output falls back to the next static form, with a warning.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from nbconvert.filters.ansi import ansi2html as _ansi2html

from sitegen.errors import Problem, warning
from sitegen.markup.markdown import render_markdown
from sitegen.model import Attachment
from sitegen.readers.notebook.images import image_size, svg_size

IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg"}
STATIC_ORDER = (
    "text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown", "text/latex", "text/plain",
)
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_EMPTY_HEADER = re.compile(r"<th\b([^>]*)>\s*(?:&nbsp;|&#160;|\xa0)?\s*</th>", re.IGNORECASE)
_MATH_DELIMITED = re.compile(r"^\s*(\$|\\\[|\\\(|\\begin\{)")
_FIGURE_REPR = re.compile(r"^<[^<>]*>$")
_RICH = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif")


@dataclass(frozen=True, slots=True)
class OutputContext:
    """What rendering a cell's outputs needs to know."""

    rel: str  # the notebook, relative to the site root (for warnings)
    prefix: str  # start of attachment names: the notebook's slug
    style: str  # Pygments style (Markdown outputs may hold code)
    show_stderr: bool
    markdown_filter: Callable[[str], str] | None = None  # applied to Markdown cells first (Liquid, in Jekyll sites)


@dataclass(frozen=True, slots=True)
class RenderedOutputs:
    """The HTML of one cell's outputs and the files and warnings it produced."""

    html: str
    attachments: tuple[Attachment, ...] = ()
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class _Place:
    """Which output of which cell: names its image file and its warnings."""

    cell: int  # 1-based, as messages count cells
    number: int  # 0-based within the cell
    line: int | None  # the cell's line in the .ipynb file

    def __str__(self) -> str:
        return f"cell {self.cell}: output {self.number}"

    def file_name(self, prefix: str, extension: str) -> str:
        return f"{prefix}-cell{self.cell}-output{self.number}.{extension}"


@dataclass(slots=True)
class _Collected:
    parts: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def render_outputs(outputs: Sequence[Any], cell: int, line: int | None, ctx: OutputContext) -> RenderedOutputs:
    """Render the outputs of cell number `cell` (1-based); `line` locates its warnings."""
    collected = _Collected()
    for number, output in enumerate(merge_streams(outputs)):
        kind = output.get("output_type")
        if kind == "stream":
            _stream(output, collected, ctx)
        elif kind == "error":
            collected.parts.append(_error(output))
        elif kind in ("display_data", "execute_result"):
            _rich(output, _Place(cell, number, line), ctx, collected)
    return RenderedOutputs("".join(collected.parts), tuple(collected.attachments), tuple(collected.warnings))


def merge_streams(outputs: Sequence[Any]) -> list[Mapping[str, Any]]:
    """Join consecutive stream outputs of the same name, as a notebook shows them."""
    merged: list[Mapping[str, Any]] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            merged[-1] = {**previous, "text": _text(previous.get("text")) + _text(output.get("text"))}
        else:
            merged.append(output)
    return merged


def ansi_html(text: str) -> str:
    """Escape text for HTML, turning ANSI colours (tracebacks, coloured logs) into styled spans."""
    return str(_ansi2html(text))  # type: ignore[no-untyped-call]


def _text(value: Any) -> str:
    """Return a notebook string, which may be stored as a list of lines."""
    if isinstance(value, list):
        return "".join(str(item) for item in value)
    return "" if value is None else str(value)


def _stream(output: Mapping[str, Any], collected: _Collected, ctx: OutputContext) -> None:
    name = output.get("name")
    if name == "stderr" and not ctx.show_stderr:
        return
    text = apply_carriage_returns(_text(output.get("text")))
    if text.strip():
        kind = "stderr" if name == "stderr" else "stdout"
        collected.parts.append(f'<div class="nb-output nb-{kind}"><pre tabindex="0">{ansi_html(text)}</pre></div>')


def apply_carriage_returns(text: str) -> str:
    """Keep what a terminal would show: text after the last carriage return of each line (progress bars)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in lines)


def _error(output: Mapping[str, Any]) -> str:
    traceback = output.get("traceback") or []
    text = "\n".join(_text(line) for line in traceback) if traceback else (
        f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
    )
    return f'<div class="nb-output nb-error"><pre tabindex="0">{ansi_html(text)}</pre></div>'


def _rich(output: Mapping[str, Any], place: _Place, ctx: OutputContext, collected: _Collected) -> None:
    data: Mapping[str, Any] = output.get("data") or {}
    mime, live = choose_mime(data)
    if live:
        fallback = "left out: it has no static form" if mime is None else (
            "shown as plain text" if mime == "text/plain" else f"shown as {mime}"
        )
        collected.warnings.append(warning(f"{place} needs a live notebook ({live}); {fallback}", ctx.rel, place.line))
    if mime is None:
        return
    value = data[mime]
    if mime in IMAGE_EXTENSIONS:
        metadata: Mapping[str, Any] = (output.get("metadata") or {}).get(mime) or {}
        _image(mime, value, metadata, place, ctx, collected, _alt_text(data, place.cell))
    elif mime == "text/html":
        collected.parts.append(f'<div class="nb-output nb-html">{clean_table_html(_text(value))}</div>')
    elif mime in ("text/markdown", "text/latex"):
        _markup(mime, _text(value), place, ctx, collected)
    else:
        collected.parts.append(f'<div class="nb-output nb-text"><pre tabindex="0">{ansi_html(_text(value))}</pre></div>')


def choose_mime(data: Mapping[str, Any]) -> tuple[str | None, str]:
    """Return (the best static form or None, the live form left unshown or "")."""
    live = next((key for key in data if is_live_mime(key)), "")
    if "text/html" in data and needs_runtime(_text(data["text/html"])):
        live = live or "text/html with <script>"
    chosen = next((mime for mime in STATIC_ORDER if mime in data and not _is_live_html(mime, data)), None)
    return chosen, live if live and chosen not in _RICH else ""


def is_live_mime(mime: str) -> bool:
    """Tell whether a form is only shown by notebook JavaScript (widgets, Plotly, Vega, Bokeh...)."""
    return mime.startswith("application/") and mime not in ("application/json", "application/pdf")


def _is_live_html(mime: str, data: Mapping[str, Any]) -> bool:
    return mime == "text/html" and needs_runtime(_text(data[mime]))


class _OpenElements(HTMLParser):
    """Track which elements an HTML fragment leaves open."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            index = len(self.open) - 1 - self.open[::-1].index(tag)
            del self.open[index:]


def balance_html(markup: str) -> str:
    """Close the elements an HTML output leaves open, so it cannot swallow the rest of the page."""
    parser = _OpenElements()
    parser.feed(markup)
    parser.close()
    return markup + "".join(f"</{tag}>" for tag in reversed(parser.open))


def clean_table_html(markup: str) -> str:
    """Make an HTML output (a pandas table) safe to put in the page and readable by screen readers."""
    return balance_html(scope_styles(_EMPTY_HEADER.sub(r"<td\1></td>", markup)))


def scope_styles(markup: str) -> str:
    """Keep an output's <style> only when it styles elements by id (pandas Styler), never the whole page.

    A <style> in the body applies to the whole page (`scoped` is not HTML), so
    pandas' default `.dataframe` rules would restyle every table on the page;
    the site's stylesheet styles tables instead.
    """

    def keep_or_drop(match: re.Match[str]) -> str:
        rules = _CSS_COMMENT.sub("", match.group(1))
        selectors = [s.strip() for block in rules.split("}") for s in block.partition("{")[0].split(",") if "{" in block]
        if selectors and all(s.startswith("#") for s in selectors):
            return f"<style>{match.group(1)}</style>"
        return ""

    return _STYLE.sub(keep_or_drop, markup)


def needs_runtime(markup: str) -> bool:
    """Tell whether HTML needs a notebook runtime (scripts, require.js) to show anything."""
    return bool(_SCRIPT.search(markup))


def _alt_text(data: Mapping[str, Any], cell: int) -> str:
    text = _text(data.get("text/plain")).strip()
    if text and not _FIGURE_REPR.match(text) and len(text) <= 200:
        return text
    return f"Figure from cell {cell}"


def _image(
    mime: str,
    value: Any,
    metadata: Mapping[str, Any],
    place: _Place,
    ctx: OutputContext,
    collected: _Collected,
    alt: str,
) -> None:
    """Write an image output as a file beside the page, shown at its size."""
    filename = place.file_name(ctx.prefix, IMAGE_EXTENSIONS[mime])
    if mime == "image/svg+xml":
        data = _text(value).encode("utf-8")
        size = svg_size(_text(value))
    else:
        try:
            data = base64.b64decode(_text(value), validate=False)
        except (binascii.Error, ValueError):
            collected.warnings.append(warning(f"{place} has an unreadable {mime} image", ctx.rel, place.line))
            return
        size = image_size(data)
    width, height = _displayed_size(size, metadata)
    dims = f' width="{width}" height="{height}"' if width and height else ""
    collected.attachments.append(Attachment(filename, data))
    collected.parts.append(
        f'<div class="nb-output nb-image"><img src="attachment:{filename}"{dims} alt="{html.escape(alt)}"></div>'
    )


def _displayed_size(size: tuple[int, int] | None, metadata: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """Prefer the size the notebook asked for (retina figures are stored at twice their size)."""
    width, height = _positive(metadata.get("width")), _positive(metadata.get("height"))
    if size and width and not height:
        height = round(size[1] * width / size[0]) if size[0] else None
    elif size and height and not width:
        width = round(size[0] * height / size[1]) if size[1] else None
    elif size and not width:
        width, height = size
    return width, height


def _positive(value: Any) -> int | None:
    try:
        number = round(float(value))
    except (TypeError, ValueError, OverflowError):  # "inf" is a float that no size can be
        return None
    return number if 0 < number < 1_000_000 else None


def _markup(mime: str, text: str, place: _Place, ctx: OutputContext, collected: _Collected) -> None:
    """Markdown and LaTeX outputs go through the same Markdown and math code as posts."""
    source = text
    if mime == "text/latex" and not _MATH_DELIMITED.match(text):
        source = f"$$\n{text.strip()}\n$$"
    rendered = render_markdown(source, ctx.style)
    for failure in rendered.math_failures:
        collected.warnings.append(warning(f"{place}: {failure.message}", ctx.rel, place.line))
    kind = "markdown" if mime == "text/markdown" else "latex"
    collected.parts.append(f'<div class="nb-output nb-{kind}">{rendered.html}</div>')
