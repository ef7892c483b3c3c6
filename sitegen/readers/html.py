"""HTML pages: front matter plus a body that may use Jinja expressions such as {{ url('about') }}."""

from __future__ import annotations

from sitegen.markup.markdown import plain_text
from sitegen.model import Document, Source
from sitegen.readers.frontmatter import parse_front_matter
from sitegen.readers.markdown import load_text
from sitegen.settings.config import Config


def read(source: Source, config: Config) -> Document:
    """Read an HTML page; its body is rendered as a template once the site is known."""
    front = parse_front_matter(load_text(source), source.rel)
    return Document(
        source=source,
        meta=front.data,
        meta_lines=front.key_lines,
        body=front.body,
        body_line=front.body_line,
        is_template=True,
        text=plain_text(front.body),
    )
