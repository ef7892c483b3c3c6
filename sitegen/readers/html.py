"""HTML pages: front matter plus a body that may use Jinja expressions such as {{ url('about') }}."""

from __future__ import annotations

from sitegen.jekyll.frontmatter import is_liquid, map_jekyll_fields, mark_liquid
from sitegen.markup.markdown import plain_text
from sitegen.model import Document, Source
from sitegen.readers.frontmatter import duplicate_warnings, parse_front_matter
from sitegen.readers.markdown import load_text, render_liquid
from sitegen.settings.config import Config


def read(source: Source, config: Config) -> Document:
    """Read an HTML page; its body is rendered as a template once the site is known (Liquid ones now)."""
    front = parse_front_matter(load_text(source), source.rel)
    data = mark_liquid(front.data, front.body, config, markdown=False)
    meta = map_jekyll_fields(data, config)
    liquid = is_liquid(meta, config)
    body = render_liquid(front.body, meta, source, config, front.body_line, markdown=False)
    return Document(
        source=source,
        meta=meta,
        meta_lines=front.key_lines,
        body=body,
        body_line=front.body_line,
        is_template=not liquid,
        text=plain_text(body),
        warnings=duplicate_warnings(front, source.rel),
    )
