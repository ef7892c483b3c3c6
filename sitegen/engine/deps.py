"""What each output depends on, as data: fingerprints of its inputs, and the record of the last build.

An output is rebuilt only when its fingerprint changes. A fingerprint hashes
everything the output is made from: the page itself (front matter and body),
the templates it uses (with those they extend or include), the settings and
locales, where every page and file is published, and, for listings, the cards
of the posts they list. This is the dependency record of lektor's
`BuildState` and nikola's up-to-date checks, kept as hashes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

import jinja2
import jinja2.meta

from sitegen.engine.record import digest
from sitegen.errors import TemplateError
from sitegen.model import Page

# Template globals whose value is the whole post list: a template that reads
# them depends on every post's card, not only on its own page.
SITE_WIDE_NAMES = frozenset({"posts", "all_tags"})


def page_identity(page: Page) -> tuple[object, ...]:
    """Return everything about a page that its own output shows, with its body as a hash.

    Hashing the body once is far cheaper than taking the repr of a page whose
    document holds the body twice (HTML and plain text).
    """
    document = page.document
    own = tuple(getattr(page, field.name) for field in fields(page) if field.name != "document")
    body = hashlib.sha256(document.body.encode("utf-8")).hexdigest()
    return own, document.source, document.meta, document.toc, document.is_template, document.extra_links, body


def page_card(page: Page) -> tuple[object, ...]:
    """Return what a listing shows of a post."""
    return (page.url, page.title, page.date, page.summary, page.tags, page.reading_minutes, page.translated, page.language)


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A template with everything it pulls in."""

    digest: str  # of its own source and every template it extends or includes
    site_wide: bool  # reads `posts` or `all_tags`


class TemplateDigests:
    """Fingerprints of templates and their closures (extends and includes, recursively)."""

    def __init__(self, env: jinja2.Environment, folder: str) -> None:
        self._env = env
        self._folder = folder
        self._infos: dict[str, TemplateInfo] = {}
        self._parsed: dict[str, tuple[str, frozenset[str], tuple[str, ...]]] = {}

    def info(self, name: str) -> TemplateInfo:
        """Return the closure fingerprint of a template."""
        if name not in self._infos:
            self._infos[name] = self._compute(name)
        return self._infos[name]

    def _compute(self, name: str) -> TemplateInfo:
        sources: list[str] = []
        names: set[str] = set()
        pending, seen = [name], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source, undeclared, referenced = self._parse(current)
            sources.append(f"{current}\x00{source}")
            names |= undeclared
            pending.extend(referenced)
        return TemplateInfo(digest(*sorted(sources)), bool(names & SITE_WIDE_NAMES))

    def _parse(self, name: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
        """Parse one template once (base.html is in every closure): its source, free names, references."""
        if name not in self._parsed:
            source = self._source(name)
            try:
                ast = self._env.parse(source, name)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(exc.message or "syntax error", f"{self._folder}/{name}", exc.lineno) from exc
            referenced: list[str] = []
            for target in jinja2.meta.find_referenced_templates(ast):
                # A dynamic include (None) could be any template: depend on all of them.
                referenced.extend(self._env.list_templates() if target is None else [target])
            self._parsed[name] = (source, frozenset(jinja2.meta.find_undeclared_variables(ast)), tuple(referenced))
        return self._parsed[name]

    def _source(self, name: str) -> str:
        loader = self._env.loader
        assert loader is not None
        try:
            return loader.get_source(self._env, name)[0]
        except jinja2.TemplateNotFound:
            return ""  # rendering reports the missing template with its location
