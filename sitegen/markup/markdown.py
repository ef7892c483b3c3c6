"""Markdown to HTML: Python-Markdown with Pygments, tables, footnotes, anchors and math.

One converter is shared by Markdown files and notebook Markdown cells, so the
same text gives the same HTML in both.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass

import markdown
from markdown.extensions.toc import slugify_unicode

from sitegen.engine.cache import Cache, cache_key
from sitegen.markup.math import MathFailure, extract_math, restore_math, untokenize
from sitegen.markup.mathml import number_equations, render_math
from sitegen.model import Heading
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


def _extensions(style: str) -> tuple[list[str], dict[str, dict[str, object]]]:
    names = [
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
    return cache_key("markdown", _versions(), RENDERING, style, text)


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
    return __version__ + "".join(f" {name}={metadata.version(name)}" for name in names)


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


def render_markdown(text: str, style: str = "default") -> RenderedMarkdown:
    """Render Markdown with math protected, returning HTML, headings and math failures."""
    tokenised, spans = extract_math(text)
    converter = _converter(style)
    converter.reset()
    body = converter.convert(tokenised)
    toc = tuple(_flatten(getattr(converter, "toc_tokens", []), spans))
    rendered: list[str] = []
    failures: list[MathFailure] = []
    numbering = number_equations(spans)
    for index, span in enumerate(spans):
        mathml, failure = render_math(span, numbering, index)
        rendered.append(mathml)
        if failure:
            failures.append(failure)
    body = _polish(restore_math(body, rendered))
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


def _flatten(tokens: list[dict[str, object]], spans: list) -> list[Heading]:  # type: ignore[type-arg]
    headings: list[Heading] = []
    for token in tokens:
        name = html.unescape(_TAGS.sub("", str(token["name"])))
        headings.append(Heading(int(str(token["level"])), str(token["id"]), untokenize(name, spans)))
        children = token.get("children")
        if isinstance(children, list):
            headings += _flatten(children, spans)
    return headings


_CODE_BLOCK = re.compile(r'<div class="language-([\w+#.-]+) highlight"><pre>')


def _polish(body: str) -> str:
    """Give code blocks a bar with their language (site.js adds a copy button to it).

    The block takes keyboard focus, since it scrolls sideways (WCAG 2.1.1).
    """

    def bar(match: re.Match[str]) -> str:
        language = match.group(1)
        label = "" if language == "text" else f'<span class="code-lang">{html.escape(language)}</span>'
        return f'<div class="highlight" data-lang="{html.escape(language)}"><div class="code-bar" data-pagefind-ignore>{label}</div><pre tabindex="0">'

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
