"""The registry of readers: one module per format, all with the same signature."""

from __future__ import annotations

from typing import Protocol

from sitegen.config import Config
from sitegen.model import Document, Source


class Reader(Protocol):
    """Turns one content file into a `Document`."""

    def __call__(self, source: Source, config: Config) -> Document: ...


def _registry() -> dict[str, Reader]:
    from sitegen.readers import html, markdown, notebook

    return {".md": markdown.read, ".markdown": markdown.read, ".html": html.read, ".ipynb": notebook.read}


READABLE_SUFFIXES = (".md", ".markdown", ".html", ".ipynb")


def read_document(source: Source, config: Config) -> Document:
    """Read a content file with the reader registered for its extension."""
    return _registry()[source.suffix](source, config)
