"""Markdown pages and posts: front matter plus Python-Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sitegen.engine.cache import Cache
from sitegen.errors import ContentError, Problem, warning
from sitegen.jekyll.frontmatter import is_liquid, map_jekyll_fields, mark_liquid
from sitegen.markup.markdown import (
    RenderedMarkdown,
    markdown_cache_key,
    nesting_problem,
    plain_text,
    render_markdown_cached,
    split_summary,
)
from sitegen.model import Document, Source
from sitegen.readers.frontmatter import duplicate_warnings, parse_front_matter, split_front_matter
from sitegen.settings.config import Config


def read(source: Source, config: Config) -> Document:
    """Read a Markdown file into a Document."""
    front = parse_front_matter(load_text(source), source.rel)
    if found := nesting_problem(front.body):
        raise ContentError(found[1], source.rel, front.body_line + found[0] - 1)
    data = mark_liquid(front.data, front.body, config, markdown=True)
    meta = map_jekyll_fields(data, config)
    text = render_liquid(front.body, meta, source, config, front.body_line, markdown=True)
    try:
        rendered = render_markdown_cached(text, config.pygments_style, markdown_cache(config))
    except RecursionError:
        raise ContentError("the Markdown is nested too deeply to convert", source.rel, front.body_line) from None
    summary, body = split_summary(rendered.html)
    return Document(
        source=source,
        meta=meta,
        meta_lines=front.key_lines,
        body=body,
        body_line=front.body_line,
        toc=rendered.toc,
        summary=summary,
        text=plain_text(body),
        warnings=(*duplicate_warnings(front, source.rel), *math_warnings(rendered, source.rel, front.body_line)),
    )


def render_liquid(body: str, meta: Mapping[str, Any], source: Source, config: Config, line: int, *, markdown: bool) -> str:
    """Render the body's Liquid first when the file is Liquid (a Jekyll site's), else return it as it is."""
    if not is_liquid(meta, config):
        return body
    from sitegen.jekyll.liquid import render_liquid_body

    return render_liquid_body(body, meta, source, config, line, markdown=markdown)


def is_cached(source: Source, config: Config) -> bool:
    """Tell whether the file's rendered Markdown is in the cache already (reading it is cheap then)."""
    try:
        _, body, _ = split_front_matter(source.path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    return markdown_cache(config).has(markdown_cache_key(body, config.pygments_style))


def markdown_cache(config: Config) -> Cache:
    """Return the cache of rendered Markdown."""
    return Cache(config.cache_path / "markdown")


def load_text(source: Source) -> str:
    """Read a text file as UTF-8, naming the file when it is not."""
    return decode_utf8(source.path.read_bytes(), source.rel).replace("\r\n", "\n").replace("\r", "\n")


def decode_utf8(data: bytes, rel: str) -> str:
    """Decode UTF-8; bytes that are not are an error at their line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise ContentError(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", rel, line, column) from None


def math_warnings(rendered: RenderedMarkdown, rel: str, first_line: int) -> tuple[Problem, ...]:
    """Turn math conversion failures into warnings at their lines in the file."""
    return tuple(
        warning(failure.message, rel, first_line + failure.line)
        for failure in rendered.math_failures
    )
