"""What a long-running process (the preview) keeps from one build to the next.

Every entry is keyed by what it was made from, so a kept entry is never stale:
a document by its file's bytes (readers.DocumentMemo), a template's parse by
its name and source, a document's digest by the document object itself (the
document memo hands back the same object while its file is unchanged). After
each build only the entries that build used are kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from sitegen.model import Document
from sitegen.readers import DocumentMemo

# A template's parse: the names it reads from its context, and the templates it names
# (None for a dynamic include, which could be any of them).
TemplateParse = tuple[frozenset[str], tuple[str | None, ...]]


class BuildMemo:
    """Documents, template parses and document digests of the last build, for the next one."""

    def __init__(self) -> None:
        self.documents = DocumentMemo()
        self.templates: dict[tuple[str, str], TemplateParse] = {}  # (name, source) -> parse
        self._digests: dict[int, tuple[Document, str]] = {}  # id(document) -> (document, digest)

    def digest_of(self, document: Document) -> str | None:
        """Return the digest taken of this very document in an earlier build, if any."""
        found = self._digests.get(id(document))
        return found[1] if found is not None and found[0] is document else None

    def keep_digests(self, digests: Iterable[tuple[Document, str]]) -> None:
        """Remember this build's document digests, forgetting the rest."""
        self._digests = {id(document): (document, value) for document, value in digests}

    def keep_templates(self, used: Iterable[tuple[str, str]]) -> None:
        """Forget the parses of templates this build did not use."""
        kept = set(used)
        self.templates = {key: parse for key, parse in self.templates.items() if key in kept}
