"""Markdown to HTML: Python-Markdown with Pygments, tables, footnotes, anchors and math.

One converter is shared by Markdown files and notebook Markdown cells, so the
same text gives the same HTML in both.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import markdown
from markdown import Extension
from markdown.extensions.toc import slugify_unicode

from sitegen.engine.cache import Cache, cache_key
from sitegen.markup.citations import CitationExtension
from sitegen.markup.footnotes import FootnoteExtension
from sitegen.markup.headings import has_math_token, untokenize_readable
from sitegen.markup.kramdown import KramdownExtension, remove_extensions, restore_nomarkdown
from sitegen.markup.lists import reindent_lists
from sitegen.markup.math import MathFailure, MathSpan, extract_math, restore_math
from sitegen.markup.mathml import number_equations, render_math
from sitegen.markup.tables import TableExtension
from sitegen.model import Heading
from sitegen.settings.limits import MAX_NESTING
from sitegen.site.urls import slugify

MORE_MARKER = "<!--more-->"
_TAGS = re.compile(r"<[^>]+>")
_MATH = re.compile(r'<math\b(?:[^>]*\balttext="([^"]*)")?[^>]*>.*?</math>', re.DOTALL)


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """The HTML of one Markdown text and what was found while rendering it."""

    html: str
    toc: tuple[Heading, ...]
    math_failures: tuple[MathFailure, ...]  # lines are 0-based within the text


def _anchor(value: str, separator: str) -> str:
    """Slug heading anchors in any script; a heading of symbols only still gets one."""
    anchor = slugify_unicode(value, separator)
    return anchor or slugify(value)


def _extensions(style: str) -> tuple[list[str | Extension], dict[str, dict[str, object]]]:
    names: list[str | Extension] = [
        "tables",
        "footnotes",
        "attr_list",
        "md_in_html",
        "admonition",
        "def_list",
        "abbr",
        "sane_lists",
        "toc",
        "pymdownx.superfences",
        "pymdownx.highlight",
        KramdownExtension(),
        FootnoteExtension(),
        CitationExtension(),
        TableExtension(),
    ]
    configs: dict[str, dict[str, object]] = {
        "toc": {"slugify": _anchor, "toc_depth": "1-4"},
        "pymdownx.highlight": {
            "css_class": "highlight",
            "guess_lang": False,
            "pygments_style": style,
            "use_pygments": True,
            "pygments_lang_class": True,
            "linenums_style": "pymdownx-inline",
        },
        "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
    }
    return names, configs


@functools.lru_cache(maxsize=4)
def _converter(style: str) -> markdown.Markdown:
    names, configs = _extensions(style)
    return markdown.Markdown(extensions=names, extension_configs=configs, output_format="html")


# Raise when the HTML a text renders to changes for the same library versions (code bars, math layout).
RENDERING = "3"


def markdown_cache_key(text: str, style: str) -> str:
    """Return the cache key of rendered Markdown: the text, the options and the versions."""
    return cache_key("markdown", _versions(), RENDERING, "citations-1", style, text)


def render_markdown_cached(text: str, style: str, cache: Cache) -> RenderedMarkdown:
    """Render Markdown, reusing the result of an earlier build for the same text and options."""
    key = markdown_cache_key(text, style)
    stored = cache.get(key)
    if stored is not None:
        return _from_json(stored)
    rendered = render_markdown(text, style)
    cache.put(key, _to_json(rendered))
    return rendered


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    """Return the versions of everything that shapes rendered Markdown."""
    from importlib import metadata

    from sitegen import __version__

    names = ("markdown", "pymdown-extensions", "pygments", "latex2mathml")
    # The markup code itself too: a changed rule must not be hidden by HTML cached before it.
    code = cache_key(*(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py"))))
    return __version__ + "".join(f" {name}={metadata.version(name)}" for name in names) + f" markup={code}"


def _to_json(rendered: RenderedMarkdown) -> bytes:
    data = {
        "html": rendered.html,
        "toc": [[h.level, h.anchor, h.text] for h in rendered.toc],
        "math_failures": [[f.line, f.message] for f in rendered.math_failures],
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _from_json(stored: bytes) -> RenderedMarkdown:
    data = json.loads(stored)
    toc = tuple(Heading(int(level), str(anchor), str(text)) for level, anchor, text in data["toc"])
    failures = tuple(MathFailure(int(line), str(message)) for line, message in data["math_failures"])
    return RenderedMarkdown(str(data["html"]), toc, failures)


# The block containers a line opens: block quotes and list items, each followed by optional spaces.
_CONTAINERS = re.compile(r"(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))*")
_MARKER = re.compile(r">|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)")


def nesting_problem(text: str) -> tuple[int, str] | None:
    """Find the first line nested deeper than MAX_NESTING (indentation and quote or list markers): (line, message)."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" \t")
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        prefix = _CONTAINERS.match(stripped)
        depth = -(-indent // 4) + (len(_MARKER.findall(prefix.group(0))) if prefix else 0)
        if depth > MAX_NESTING:
            return number, f"lists or block quotes nested more than {MAX_NESTING} levels deep"
    return None


def render_markdown(text: str, style: str = "default") -> RenderedMarkdown:
    """Render Markdown with math protected, returning HTML, headings and math failures."""
    text, raws = remove_extensions(text)
    text, origin = reindent_lists(text)
    tokenised, spans = extract_math(text)
    converter = _converter(style)
    converter.reset()
    body = converter.convert(tokenised)
    tokens = getattr(converter, "toc_tokens", [])
    renamed = _math_free_ids(tokens, spans)
    body = _rename_ids(body, renamed)
    toc = tuple(_flatten(tokens, spans, renamed))
    rendered: list[str] = []
    failures: list[MathFailure] = []
    numbering = number_equations(spans)
    for index, span in enumerate(spans):
        mathml, failure = render_math(span, numbering, index)
        rendered.append(mathml)
        if failure:
            failures.append(MathFailure(origin[failure.line] if failure.line < len(origin) else failure.line, failure.message))
    body = restore_nomarkdown(_polish(restore_math(body, rendered)), raws)
    if "<h1" in body:
        body, toc = _demote_headings(body), tuple(
            Heading(min(h.level + 1, 6), h.anchor, h.text) for h in toc
        )
    return RenderedMarkdown(body, toc, tuple(failures))


def _demote_headings(body: str) -> str:
    """Shift headings one level down: the page title is the page's only <h1>."""
    return re.sub(
        r"<(/?)h([1-6])\b",
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}",
        body,
    )


def _walk(tokens: list[dict[str, object]]) -> Iterator[dict[str, object]]:
    for token in tokens:
        yield token
        children = token.get("children")
        if isinstance(children, list):
            yield from _walk(children)


def _heading_text(token: Mapping[str, object], spans: Sequence[MathSpan]) -> str:
    """Return a heading's text as words, its math read as text (issue 12)."""
    name = html.unescape(_TAGS.sub("", str(token["name"])))
    return untokenize_readable(name, [span.tex for span in spans])


def _math_free_ids(tokens: list[dict[str, object]], spans: Sequence[MathSpan]) -> dict[str, str]:
    """Give each heading whose id was made from a math token an id made from its readable text."""
    taken = {str(token["id"]) for token in _walk(tokens)}
    renamed: dict[str, str] = {}
    for token in _walk(tokens):
        old = str(token["id"])
        if not has_math_token(old):
            continue
        base = _anchor(_heading_text(token, spans), "-")
        new, number = base, 0
        while new in taken:
            number += 1
            new = f"{base}_{number}"
        taken.add(new)
        renamed[old] = new
    return renamed


def _rename_ids(body: str, renamed: Mapping[str, str]) -> str:
    for old, new in renamed.items():
        body = body.replace(f'id="{old}"', f'id="{new}"').replace(f'href="#{old}"', f'href="#{new}"')
    return body


def _flatten(tokens: list[dict[str, object]], spans: Sequence[MathSpan], renamed: Mapping[str, str]) -> list[Heading]:
    return [
        Heading(int(str(token["level"])), renamed.get(str(token["id"]), str(token["id"])), _heading_text(token, spans))
        for token in _walk(tokens)
    ]


_CODE_BLOCK = re.compile(r'(<div\b[^>]*\bclass="(?:[^"]* )?highlight\b[^>]*)>((?:<span class="filename">[^<]*</span>)?)<pre>')
_CLASS = re.compile(r'\bclass="([^"]*)"')


def _polish(body: str) -> str:
    """Give code blocks a bar with their language (site.js adds a copy button to it).

    The language moves from the block's `language-…` class to `data-lang`. The block takes
    keyboard focus, since it scrolls sideways (WCAG 2.1.1). A block's title stays above the bar.
    """

    def bar(match: re.Match[str]) -> str:
        opening = match.group(1)
        classes = _CLASS.search(opening)
        names = classes.group(1).split() if classes else []
        language = next((name[len("language-") :] for name in names if name.startswith("language-")), "text")
        kept = " ".join(name for name in names if not name.startswith("language-"))
        opening = _CLASS.sub(lambda _: f'class="{kept}"', opening, count=1) + f' data-lang="{html.escape(language)}">'
        label = "" if language == "text" else f'<span class="code-lang">{html.escape(language)}</span>'
        return f'{opening}{match.group(2)}<div class="code-bar" data-pagefind-ignore>{label}</div><pre tabindex="0">'

    return _CODE_BLOCK.sub(bar, body)


def split_summary(body: str) -> tuple[str, str]:
    """Split rendered HTML at <!--more-->: (summary, body without the marker)."""
    if MORE_MARKER not in body:
        return "", body
    summary, _, rest = body.partition(MORE_MARKER)
    return _close_paragraph(summary), summary + rest


def _close_paragraph(summary: str) -> str:
    """A marker inside a paragraph leaves `<p>` open: close it."""
    summary = summary.rstrip()
    if summary.count("<p>") > summary.count("</p>"):
        summary += "</p>"
    return summary


def first_paragraph(body: str) -> str:
    """Return the first <p>…</p> of rendered HTML, or ""."""
    match = re.search(r"<p>.*?</p>", body, re.DOTALL)
    return match.group(0) if match else ""


def plain_text(body: str) -> str:
    """Strip tags from HTML (math, code and all) and fold white space."""
    without_math = _MATH.sub(lambda m: f" {m.group(1) or ''} ", body)
    return " ".join(html.unescape(_TAGS.sub(" ", without_math)).split())
