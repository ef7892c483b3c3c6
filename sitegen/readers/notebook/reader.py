"""Jupyter notebooks as posts: front matter, cells, outputs and links, cached by content hash.

A notebook is converted once: the result (body HTML, headings, warnings and
the images as separate files) is kept in the cache under a key made of the
notebook's bytes, its path, the settings that shape the output and the
versions of the code that converts it. An unchanged notebook is not
converted again, and never executed again.

Cells are numbered from 1 in messages, in the order the notebook shows them.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sitegen.engine.cache import Cache, cache_key
from sitegen.errors import Problem, warning
from sitegen.jekyll.frontmatter import is_liquid, map_jekyll_fields, mark_liquid
from sitegen.markup.markdown import plain_text, split_summary
from sitegen.model import Attachment, Document, Heading, Source
from sitegen.readers.markdown import decode_utf8
from sitegen.readers.notebook.cells import render_cells
from sitegen.readers.notebook.execute import execute_notebook
from sitegen.readers.notebook.front import (
    FrontMatterSource,
    find_front_matter,
    parse_notebook_front_matter,
)
from sitegen.readers.notebook.load import LoadedNotebook, load_notebook, replace_lone_surrogates
from sitegen.readers.notebook.outputs import OutputContext
from sitegen.settings.config import Config
from sitegen.site.links import ATTACHMENT
from sitegen.site.urls import slugify

log = logging.getLogger(__name__)

CACHE_FOLDER = "notebooks"
RECORD_FORMAT = 1
_LIBRARIES = ("nbconvert", "nbformat", "nbclient", "ipykernel", "markdown", "pymdown-extensions", "pygments", "latex2mathml", "sitegen")


@dataclass(frozen=True, slots=True)
class ConvertedNotebook:
    """Everything a conversion produces; this is what the cache holds."""

    front: FrontMatterSource
    body: str
    text: str  # the body without outputs, as plain text
    toc: tuple[Heading, ...]
    attachments: tuple[Attachment, ...]
    warnings: tuple[Problem, ...]


def read(source: Source, config: Config) -> Document:
    """Read a notebook into a Document, converting it only when the cache has no result for it."""
    raw = source.path.read_bytes()
    cache = Cache(config.cache_path / CACHE_FOLDER)
    key = conversion_key(raw, source, config)
    converted = load_converted(cache, key)
    from_cache = converted is not None
    if converted is None:
        converted = convert_notebook(_decode(raw, source.rel), source, config)
        store_converted(cache, key, converted)
    else:
        log.debug("%s: conversion taken from the cache", source.rel)
    return _document(source, config, raw, converted, from_cache)


def _liquid(meta: Mapping[str, Any], source: Source, config: Config) -> Callable[[str], str] | None:
    """In a Jekyll site, Markdown cells are Liquid, as they were once the notebook became a post."""
    if not is_liquid(meta, config):
        return None
    from sitegen.jekyll.liquid import render_liquid_body

    return lambda text: render_liquid_body(text, meta, source, config, 1, markdown=True)


def _decode(raw: bytes, rel: str) -> str:
    return decode_utf8(raw, rel).removeprefix("\ufeff")


def conversion_key(raw: bytes, source: Source, config: Config) -> str:
    """Hash what shapes a conversion: the bytes, the path, the settings and the converter's versions."""
    options = {
        "pygments_style": config.pygments_style,
        "notebook_show_stderr": config.notebook_show_stderr,
        "notebook_timeout": config.notebook_timeout,
        "repository": config.repository,
        "repository_branch": config.repository_branch,
        "liquid": config.liquid,
    }
    settings = json.dumps(options, sort_keys=True)
    return cache_key("notebook", str(RECORD_FORMAT), raw, source.rel, settings, converter_fingerprint())


@functools.lru_cache(maxsize=1)
def converter_fingerprint() -> str:
    """Return the versions of the libraries that convert notebooks, and a hash of sitegen's own code."""
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    package = Path(__file__).resolve().parents[2]
    code = [path.read_bytes() for path in sorted(package.rglob("*.py"))]
    return cache_key(*versions, *code)


def convert_notebook(text: str, source: Source, config: Config) -> ConvertedNotebook:
    """Load, front-matter, maybe execute, and render a notebook."""
    rel = source.rel
    text, replaced = replace_lone_surrogates(text, rel)
    notebook = load_notebook(text, rel)
    found = find_front_matter(notebook.node, notebook.locations, text, rel)
    front = parse_notebook_front_matter(found, rel, text.splitlines())
    if front.data.get("execute") is True:
        _execute(notebook, source, config, front.data, front.key_lines.get("execute"))
    prose = "\n\n".join(str(cell.source) for cell in notebook.node.cells if cell.cell_type == "markdown")
    data = mark_liquid(front.data, prose, config, markdown=False)  # a notebook may teach Jinja in prose
    context = OutputContext(rel, slugify(source.stem), config.pygments_style, config.notebook_show_stderr, _liquid(data, source, config))
    cells = render_cells(notebook, found.cell, context)
    problems = [*replaced, *notebook.warnings, *cells.warnings]
    if not _has_title(front.data) and not any(heading.level <= 2 for heading in cells.toc):
        problems.append(warning("the notebook has no title and no heading; its file name is used as the title", rel))
    log.debug("%s: converted (%d attachments)", rel, len(cells.attachments))
    return ConvertedNotebook(found, cells.html, plain_text(cells.prose), cells.toc, cells.attachments, tuple(problems))


def _execute(notebook: LoadedNotebook, source: Source, config: Config, data: Any, line: int | None) -> None:
    execute_notebook(
        notebook, source.path.parent, source.rel,
        timeout=config.notebook_timeout, allow_errors=data.get("allow_errors") is True, line=line,
    )


def _has_title(data: Any) -> bool:
    return any(data.get(key) not in (None, "") for key in ("title", "titles"))


def _document(source: Source, config: Config, raw: bytes, converted: ConvertedNotebook, from_cache: bool) -> Document:
    front = parse_notebook_front_matter(converted.front, source.rel)
    summary, body = split_summary(converted.body)
    return Document(
        source=source,
        meta=map_jekyll_fields(front.data, config),
        meta_lines=front.key_lines,
        body=body,
        body_line=1,
        is_template=False,  # notebook HTML may hold "{{" and must never pass through Jinja
        toc=converted.toc,
        summary=summary,
        text=converted.text,
        attachments=(*converted.attachments, Attachment(source.path.name, raw)),
        warnings=converted.warnings,
        extra_links=notebook_links(source, config),
        from_cache=from_cache,
    )


def notebook_links(source: Source, config: Config) -> dict[str, str]:
    """Return the notebook's links out: download, and Colab, Binder and GitHub when the repository is set."""
    links = {"download_notebook": ATTACHMENT + source.path.name}
    if config.repository:
        repository = quote(config.repository.strip("/"), safe="/")
        branch = quote(config.repository_branch, safe="/")
        path = quote(source.rel, safe="/")
        links["open_in_colab"] = f"https://colab.research.google.com/github/{repository}/blob/{branch}/{path}"
        links["launch_binder"] = f"https://mybinder.org/v2/gh/{repository}/{branch}?filepath={path}"
        links["view_on_github"] = f"https://github.com/{repository}/blob/{branch}/{path}"
    return links


def store_converted(cache: Cache, key: str, converted: ConvertedNotebook) -> None:
    """Cache a conversion: the attachments as files of their own, the rest as JSON."""
    attachments = []
    for attachment in converted.attachments:
        blob = cache_key("blob", attachment.data)
        if not cache.has(blob):
            cache.put(blob, attachment.data)
        attachments.append([attachment.name, blob])
    record = {
        "format": RECORD_FORMAT,
        "front": asdict(converted.front),
        "body": converted.body,
        "text": converted.text,
        "toc": [[heading.level, heading.anchor, heading.text] for heading in converted.toc],
        "attachments": attachments,
        "warnings": [asdict(problem) for problem in converted.warnings],
    }
    cache.put(key, json.dumps(record, ensure_ascii=False).encode("utf-8"))


def load_converted(cache: Cache, key: str) -> ConvertedNotebook | None:
    """Return a cached conversion, or None when there is none or it cannot be used."""
    data = cache.get(key)
    if data is None:
        return None
    try:
        record = json.loads(data)
        if record.get("format") != RECORD_FORMAT:
            return None
        attachments = []
        for name, blob in record["attachments"]:
            content = cache.get(blob)
            if content is None:
                return None
            attachments.append(Attachment(name, content))
        return ConvertedNotebook(
            front=FrontMatterSource(**record["front"]),
            body=record["body"],
            text=record["text"],
            toc=tuple(Heading(level, anchor, text) for level, anchor, text in record["toc"]),
            attachments=tuple(attachments),
            warnings=tuple(Problem(**problem) for problem in record["warnings"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        # A damaged entry is a miss: converting again gives the right result.
        log.warning("ignoring damaged cache entry %s: %s", cache.path_of(key), exc)
        return None
