"""The values that flow between the build stages. Data only, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.errors import Problem


@dataclass(frozen=True, slots=True)
class Source:
    """One file under content/ or static/."""

    path: Path  # absolute path on disk
    rel: str  # POSIX path relative to the site root, e.g. "content/blog/2024-03-05-x.md"
    content_rel: str  # POSIX path relative to content/ (or static/), e.g. "blog/2024-03-05-x.md"
    kind: str  # "page", "post", "asset" (copied beside the pages) or "static"
    locale: str = ""  # translation suffix from the file name: about.fr.md -> "fr"

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def stem(self) -> str:
        """Return the file name without extension and locale suffix."""
        name = self.path.name[: -len(self.path.suffix)] if self.path.suffix else self.path.name
        return name[: -len(self.locale) - 1] if self.locale else name

    @property
    def folder(self) -> str:
        """Return the folder of the file relative to content/ ("" at the top)."""
        return self.content_rel.rpartition("/")[0]


@dataclass(frozen=True, slots=True)
class Heading:
    """One entry of a table of contents."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a reader produced beside the page (a notebook's plot), relative to the page's folder."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Document:
    """A content file after reading: raw front matter plus body HTML."""

    source: Source
    meta: Mapping[str, Any]  # front matter, locale-aware fields as `Localized`
    meta_lines: Mapping[str, int]  # line of each front-matter key in the file
    body: str  # HTML; a Jinja template when `is_template`
    body_line: int  # line in the file where the body starts
    is_template: bool = False
    toc: tuple[Heading, ...] = ()
    summary: str = ""  # HTML before <!--more-->, or "" when there is no marker
    text: str = ""  # the body as plain text (for descriptions and reading time)
    attachments: tuple[Attachment, ...] = ()
    warnings: tuple[Problem, ...] = ()
    extra_links: Mapping[str, str] = field(default_factory=dict)  # reader-made links (notebook: colab...)
    from_cache: bool | None = None  # None: the reader has no cache; True: its conversion was reused


def with_body(document: Document, body: str) -> Document:
    """Return the document with this body: the same object when the body did not change.

    A long-running preview keeps each document's digest by the document itself (engine/memo.py).
    """
    return document if body == document.body else replace(document, body=body)


@dataclass(frozen=True, slots=True)
class TagRef:
    """A tag as a page shows it."""

    name: str
    slug: str
    url: str


@dataclass(frozen=True, slots=True)
class Page:
    """A document resolved for one locale, with its place in the site."""

    id: str  # what url() takes: "about", "blog/attention-from-scratch"
    kind: str  # "page" or "post"
    locale: str
    layout: str
    title: str
    url: str  # public URL, base path included
    dest: str  # output file relative to the output root
    document: Document
    date: datetime | None = None
    updated: datetime | None = None
    description: str = ""
    summary: str = ""  # HTML
    tags: tuple[TagRef, ...] = ()
    categories: tuple[TagRef, ...] = ()  # Jekyll categories, when the site lists them apart (`categories` setting)
    draft: bool = False
    reading_minutes: int = 1
    fields: Mapping[str, Any] = field(default_factory=dict)  # every front-matter field, resolved
    translated: bool = True  # False: listed in this locale with fallback text, published in another
    key: str = ""  # translation group: the same page in every locale shares it
    language: str = ""  # the locale its text is written in

    @property
    def source_rel(self) -> str:
        return self.document.source.rel

    @property
    def slug(self) -> str:
        return self.id.rpartition("/")[2]


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag with the posts that carry it, newest first."""

    name: str
    slug: str
    url: str
    posts: tuple[Page, ...]
    kind: str = "tag"  # "tag", or "category" (a Jekyll category listed apart)


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of the blog index or of a tag page."""

    number: int  # 1-based
    count: int  # how many pages the listing has
    posts: tuple[Page, ...]
    url: str
    dest: str
    previous_url: str = ""  # newer posts
    next_url: str = ""  # older posts


@dataclass(frozen=True, slots=True)
class LocaleSite:
    """Everything one locale of the site shows."""

    locale: str
    pages: tuple[Page, ...]  # ordinary pages (about, deep-learning, home), untranslated ones included
    posts: tuple[Page, ...]  # published posts, newest first, untranslated ones included
    tags: tuple[Tag, ...]  # sorted by name
    blog: tuple[Listing, ...]
    tag_listings: Mapping[str, tuple[Listing, ...]]  # tag slug -> its listing pages
    categories: tuple[Tag, ...] = ()  # Jekyll categories listed apart from tags, sorted by name (kind "category")
    category_listings: Mapping[str, tuple[Listing, ...]] = field(default_factory=dict)  # category slug -> its listing pages


@dataclass(frozen=True, slots=True)
class Site:
    """The whole site, built before any page is rendered."""

    locales: Mapping[str, LocaleSite]
    assets: tuple[Source, ...]  # files copied as they are (content assets and static/)
    warnings: tuple[Problem, ...] = ()
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # key -> {locale: url}
    republish_at: datetime | None = None  # when the next future-dated post becomes due


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site and what it was made from."""

    dest: str
    data: bytes
    # The source files a copied or converted file comes from (assets, notebook images), so the
    # preview can tell which output a changed file became; pages are tracked by fingerprints (deps.py).
    deps: frozenset[str] = frozenset()
