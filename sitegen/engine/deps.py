"""What outputs are made from, as digests: whole pages and template closures.

Dependencies are derived, never listed by hand: a page's digest covers every
field of the page and of its document (a template can read any of them), and
a template's digest covers its source and every template it extends, includes
or imports, with the names it reads from its context. plan.py puts these
digests into each job's inputs; stale.py compares them with the last build's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

import jinja2
import jinja2.meta

from sitegen.engine.memo import BuildMemo
from sitegen.engine.record import digest
from sitegen.errors import TemplateError
from sitegen.model import Attachment, Document, Page, Tag

# Document fields that say how a file was read, not what it holds: no template shows them.
_HOW_READ = frozenset({"from_cache"})


def page_digest(page: Page, document: str | None = None) -> str:
    """Hash every field of a page and of its document: everything a template can read of it.

    `document` is the document's digest when it is already known (document_digest).
    """
    own = [(field.name, _value(getattr(page, field.name))) for field in fields(page) if field.name != "document"]
    return digest(own, document or document_digest(page.document))


def document_digest(document: Document) -> str:
    """Hash every field of a document; long text (the body, its plain text, the summary) as bytes, not through its repr."""
    return digest(document_values(document))


def document_values(document: Document) -> list[tuple[str, object]]:
    """Return a document's fields as (name, value) with long text and file data hashed."""
    return [(field.name, _value(getattr(document, field.name))) for field in fields(document) if field.name not in _HOW_READ]


def _value(value: object) -> object:
    if isinstance(value, str) and len(value) > 256:
        return hashlib.sha256(value.encode("utf-8")).hexdigest()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, tuple) and value and all(isinstance(item, Attachment) for item in value):
        return tuple((item.name, hashlib.sha256(item.data).hexdigest()) for item in value)
    return value


class PageDigests:
    """Digests of pages, each taken once per build (a post is listed on many pages).

    With a memo (the preview), a document kept from the last build is not hashed again.
    """

    def __init__(self, memo: BuildMemo | None = None) -> None:
        self._digests: dict[int, tuple[Page, str]] = {}
        self._documents: dict[int, tuple[Document, str]] = {}
        self._memo = memo

    def of(self, page: Page | None) -> str:
        """Return the digest of a page ("" for no page)."""
        if page is None:
            return ""
        found = self._digests.get(id(page))
        if found is None or found[0] is not page:
            found = (page, page_digest(page, self._of_document(page.document)))
            self._digests[id(page)] = found
        return found[1]

    def _of_document(self, document: Document) -> str:
        found = self._documents.get(id(document))
        if found is None or found[0] is not document:
            value = (self._memo.digest_of(document) if self._memo else None) or document_digest(document)
            found = self._documents[id(document)] = (document, value)
        return found[1]

    def remember(self) -> None:
        """Keep this build's document digests in the memo for the next build."""
        if self._memo is not None:
            self._memo.keep_digests(self._documents.values())

    def of_all(self, pages: Iterable[Page]) -> tuple[str, ...]:
        """Return the digest of each page, in order."""
        return tuple(self.of(page) for page in pages)

    def of_tags(self, tags: Iterable[Tag]) -> tuple[object, ...]:
        """Return each tag with the digests of its posts."""
        return tuple((tag.name, tag.slug, tag.url, self.of_all(tag.posts)) for tag in tags)


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A template with everything it pulls in."""

    digest: str  # of its own source and every template it extends, includes or imports
    reads: frozenset[str]  # the names its closure takes from the context (site, posts, page...)


class TemplateDigests:
    """Fingerprints of templates and their closures (extends, includes and imports, recursively)."""

    def __init__(self, env: jinja2.Environment, label: Callable[[str | None], str | None], memo: BuildMemo | None = None) -> None:
        self._env = env
        self._label = label  # names a template file for messages
        self._memo = memo  # parses kept from the last build (the preview), by name and source
        self._infos: dict[str, TemplateInfo] = {}
        self._parsed: dict[str, tuple[str, frozenset[str], tuple[str, ...]]] = {}

    def info(self, name: str) -> TemplateInfo:
        """Return the closure fingerprint of a template."""
        if name not in self._infos:
            self._infos[name] = self._closure([name])
        return self._infos[name]

    def info_of_body(self, body: str, where: str, line: int) -> TemplateInfo:
        """Return the closure of a page body that is itself a template (an HTML page using url() or posts)."""
        try:
            ast = self._env.parse(body)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error", where, line + exc.lineno - 1) from exc
        referenced = self._referenced(ast)
        closure = self._closure(list(referenced))
        names = frozenset(jinja2.meta.find_undeclared_variables(ast))
        return TemplateInfo(digest(closure.digest, body), closure.reads | names)

    def _closure(self, names: list[str]) -> TemplateInfo:
        sources: list[str] = []
        reads: set[str] = set()
        pending, seen = list(names), set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source, undeclared, referenced = self._parse(current)
            sources.append(f"{current}\x00{source}")
            reads |= undeclared
            pending.extend(referenced)
        return TemplateInfo(digest(*sorted(sources)), frozenset(reads))

    def _parse(self, name: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
        """Parse one template once (base.html is in every closure): its source, free names, references."""
        if name not in self._parsed:
            source, filename = self._source(name)
            kept = self._memo.templates.get((name, source)) if self._memo else None
            if kept is None:
                try:
                    ast = self._env.parse(source, name, filename)
                except jinja2.TemplateSyntaxError as exc:
                    raise TemplateError(exc.message or "syntax error", self._label(filename) or name, exc.lineno) from exc
                kept = (frozenset(jinja2.meta.find_undeclared_variables(ast)), tuple(jinja2.meta.find_referenced_templates(ast)))
            self._parsed[name] = (source, kept[0], self._resolve(kept[1]))
            if self._memo is not None:
                self._memo.templates[(name, source)] = kept
        return self._parsed[name]

    def remember(self) -> None:
        """Keep in the memo only the parses of the templates this build used."""
        if self._memo is not None:
            self._memo.keep_templates((name, parsed[0]) for name, parsed in self._parsed.items())

    def _referenced(self, ast: jinja2.nodes.Template) -> tuple[str, ...]:
        return self._resolve(tuple(jinja2.meta.find_referenced_templates(ast)))

    def _resolve(self, targets: tuple[str | None, ...]) -> tuple[str, ...]:
        referenced: list[str] = []
        for target in targets:
            # A dynamic include (None) could be any template: depend on all of them.
            referenced.extend(self._env.list_templates() if target is None else [target])
        return tuple(referenced)

    def _source(self, name: str) -> tuple[str, str | None]:
        loader = self._env.loader
        assert loader is not None
        try:
            source, filename, _ = loader.get_source(self._env, name)
            return source, filename
        except jinja2.TemplateNotFound:
            return "", None  # rendering reports the missing template with its location
