"""The registry of readers: one module per format, all with the same signature."""

from __future__ import annotations

import dataclasses
import importlib
from typing import Protocol

from sitegen.model import Document, Source
from sitegen.settings.config import Config


class Reader(Protocol):
    """Turns one content file into a `Document`."""

    def __call__(self, source: Source, config: Config) -> Document: ...


# Extension -> reader module. A module is imported when the first file of its kind is read,
# so a site without notebooks never loads nbconvert.
READERS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".ipynb": "notebook.reader"}


READABLE_SUFFIXES = tuple(READERS)


def is_cheap_to_read(source: Source, config: Config) -> bool:
    """Tell whether reading a file costs little: HTML, or Markdown whose rendering is cached."""
    from sitegen.readers import markdown

    if source.suffix == ".html":
        return True
    return source.suffix in (".md", ".markdown") and markdown.is_cached(source, config)


class DocumentMemo:
    """The documents of the previous build in a long-running process (the preview), by file content.

    A file whose bytes did not change is not read again.
    """

    def __init__(self) -> None:
        self._documents: dict[str, tuple[bytes, Document]] = {}

    def get(self, source: Source, data: bytes) -> Document | None:
        """Return the document read from exactly these bytes at this path, if any."""
        found = self._documents.get(source.rel)
        return found[1] if found and found[0] == data and found[1].source == source else None

    def keep(self, documents: tuple[Document, ...], contents: dict[str, bytes]) -> None:
        """Remember this build's documents, forgetting files that are gone."""
        self._documents = {d.source.rel: (contents[d.source.rel], d) for d in documents if d.source.rel in contents}


def read_document(source: Source, config: Config) -> Document:
    """Read a content file with the reader registered for its extension, and check its front matter."""
    from sitegen.jekyll.frontmatter import is_liquid
    from sitegen.publish.xmltext import clean_document
    from sitegen.readers.fields import FIELDS, check_fields

    module = importlib.import_module(f"sitegen.readers.{READERS[source.suffix]}")
    reader: Reader = module.read
    document = clean_document(reader(source, config))
    extra: tuple[str, ...] = config.extra_fields
    if is_liquid(document.meta, config):  # a Jekyll theme's own fields: its Liquid may read any as page.*
        extra += tuple(key for key in document.meta if key not in FIELDS)
    found = check_fields(document.meta, document.meta_lines, source.rel, extra)
    return dataclasses.replace(document, warnings=(*found, *document.warnings)) if found else document
