"""Translation groups: which version of a page each locale shows, and in which language it is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sitegen.model import Document, Source
from sitegen.settings.locales import Locale, Locales, has_own_value, localize_fields


@dataclass(frozen=True, slots=True)
class Versions:
    """One page in all its versions: the original file and its translation files."""

    key: str  # the original's path without extension: "blog/2024-03-05-attention"
    by_locale: Mapping[str, Document]  # "" for the original, else the translation file's locale


@dataclass(frozen=True, slots=True)
class Choice:
    """The version a locale shows, and the locale its text is written in."""

    document: Document
    written_in: str


def translation_key(source: Source) -> str:
    """Return the key shared by a file and its translations: about.fr.md and about.md -> "about"."""
    return f"{source.folder}/{source.stem}".strip("/")


def group_translations(documents: Sequence[Document]) -> tuple[Versions, ...]:
    """Group documents by translation key, sorted by key."""
    groups: dict[str, dict[str, Document]] = {}
    for document in documents:
        groups.setdefault(translation_key(document.source), {})[document.source.locale] = document
    return tuple(Versions(key, groups[key]) for key in sorted(groups))


def choose_version(versions: Versions, locale: Locale, locales: Locales) -> Choice | None:
    """Walk the locale's fallback chain to the first code the page is written in."""
    original = versions.by_locale.get("")
    for code in locale.chain:
        if code in versions.by_locale:
            return Choice(versions.by_locale[code], code)
        if original is None:
            continue
        if code == locales.default or has_localized_text(original, code, locales):
            return Choice(original, code)
    return None


def has_localized_text(document: Document, code: str, locales: Locales) -> bool:
    """Tell whether locale-aware front matter gives this locale its own title."""
    title = localize_fields(document.meta, locales).get("title")
    return title is not None and not isinstance(title, str) and has_own_value(title, code)
