"""Resolve the links a page's body makes: relative paths, page sources and root-relative URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote, urlsplit

from markdown.extensions.toc import slugify_unicode

from sitegen.errors import Problem, warning
from sitegen.jekyll.frontmatter import media_path
from sitegen.markup.headings import jupyter_anchor, kramdown_anchor
from sitegen.model import Heading, Listing, LocaleSite, Page, Site, Source, with_body
from sitegen.settings.config import Config
from sitegen.settings.locales import Locales
from sitegen.site.urls import (
    is_external,
    join_rel,
    locale_prefix,
    pretty_dest,
    rebase_root_relative,
    url_for_dest,
)

_LINK = re.compile(r'(\s(?:href|src|poster)=")([^"]*)(")')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Where each content path and page id of one locale is published."""

    pages_by_source: Mapping[str, Page]  # content_rel of the source -> page
    pages_by_id: Mapping[str, Page]
    files: Mapping[str, str]  # content_rel of an asset or static file -> URL
    special: Mapping[str, str]  # "blog", "tags", "feed", "home" -> URL
    base_path: str

    def addresses(self) -> tuple[object, ...]:
        """Return every address in the table, without page contents (for fingerprints)."""
        return (
            sorted((rel, page.url) for rel, page in self.pages_by_source.items()),
            sorted((page_id, page.url) for page_id, page in self.pages_by_id.items()),
            sorted(self.files.items()),
            sorted(self.special.items()),
            self.base_path,
        )

    def url_of(self, page_id: str) -> str | None:
        """Return the URL of a page id or a special page, or None."""
        page_id = page_id.strip("/")
        if page_id in self.special:
            return self.special[page_id]
        page = self.pages_by_id.get(page_id)
        return page.url if page else None

    def page_at(self, folder: str, target: str) -> Page | None:
        """Return the page a relative link from `folder` points at, or None if it is no page."""
        path = join_rel(folder, unquote(target))
        if path in self.pages_by_source:
            return self.pages_by_source[path]
        for candidate in (path, path.removesuffix("/index.html"), path.removesuffix(".html")):
            page = self.pages_by_id.get(candidate.strip("/")) if candidate and not candidate.startswith("..") else None
            if page:
                return page
        return None

    def resolve(self, folder: str, target: str) -> str | None:
        """Return the URL a relative link from `folder` points at, or None if nothing is there."""
        path = join_rel(folder, unquote(target))
        if path in self.files:
            return self.files[path]
        if path in self.pages_by_source:
            return self.pages_by_source[path].url
        for candidate in (path, path.removesuffix("/index.html"), path.removesuffix(".html")):
            found = self.url_of(candidate) if candidate and not candidate.startswith("..") else None
            if found:
                return found
        return None


def link_table(
    site: LocaleSite, whole: Site, config: Config, locales: Locales, generated: Sequence[str] = ()
) -> LinkTable:
    """Collect where every page, file and listing of one locale is published."""
    pages = (*site.pages, *site.posts)
    prefix = locale_prefix(site.locale, locales.default)
    special = {
        "home": url_for_dest(prefix + "index.html", config.base_path),
        "blog": site.blog[0].url,
        "tags": url_for_dest(pretty_dest(prefix + "blog/tags"), config.base_path),
        "categories": url_for_dest(pretty_dest(prefix + "blog/categories"), config.base_path),
        "archive": url_for_dest(pretty_dest(prefix + "blog/archive"), config.base_path),
        "feed": url_for_dest(prefix + "feed.xml", config.base_path),
        "404": url_for_dest("404.html", config.base_path),
    }
    rels = (*generated, *(asset.content_rel for asset in whole.assets))
    return LinkTable(
        pages_by_source={_original_rel(page): page for page in pages}
        | {page.document.source.content_rel: page for page in pages},
        pages_by_id={page.id: page for page in pages},
        files={rel: url_for_dest(rel, config.base_path) for rel in rels},
        special=special,
        base_path=config.base_path,
    )


def _original_rel(page: Page) -> str:
    source = page.document.source
    if not source.locale:
        return source.content_rel
    return source.content_rel.replace(f".{source.locale}.", ".", 1)


def resolve_site_links(
    site: Site, config: Config, locales: Locales, generated: Sequence[str]
) -> tuple[Site, tuple[Problem, ...]]:
    """Rewrite the links in every body and summary to published URLs, locale by locale.

    Bodies that are templates (HTML pages) are rewritten after rendering instead.
    """
    problems: list[Problem] = []
    sites: dict[str, LocaleSite] = {}
    for code, locale_site in site.locales.items():
        table = link_table(locale_site, site, config, locales, generated)
        pages = tuple(_resolve_page(page, table, problems) for page in locale_site.pages)
        posts = tuple(_resolve_page(page, table, problems) for page in locale_site.posts)
        sites[code] = _with_pages(locale_site, pages, posts)
    return replace(site, locales=sites), tuple(dict.fromkeys(problems))


def _resolve_page(page: Page, table: LinkTable, problems: list[Problem]) -> Page:
    summary, found = rewrite_links(page.summary, page, table)
    summary = summary_elsewhere(summary, page)
    problems.extend(found)
    if page.document.is_template or not page.translated:
        return replace(page, summary=summary)
    body, found = rewrite_links(page.document.body, page, table)
    problems.extend(found)
    return replace(page, summary=summary, document=with_body(page.document, body))


def _with_pages(site: LocaleSite, pages: tuple[Page, ...], posts: tuple[Page, ...]) -> LocaleSite:
    """Put resolved pages back everywhere the listings and tags refer to them."""
    by_id = {(page.id, page.locale): page for page in (*pages, *posts)}

    def swap(items: Sequence[Page]) -> tuple[Page, ...]:
        return tuple(by_id[(page.id, page.locale)] for page in items)

    def relist(listings: Sequence[Listing]) -> tuple[Listing, ...]:
        return tuple(replace(listing, posts=swap(listing.posts)) for listing in listings)

    return replace(
        site,
        pages=pages,
        posts=posts,
        tags=tuple(replace(tag, posts=swap(tag.posts)) for tag in site.tags),
        blog=relist(site.blog),
        tag_listings={slug: relist(listings) for slug, listings in site.tag_listings.items()},
        categories=tuple(replace(category, posts=swap(category.posts)) for category in site.categories),
        category_listings={slug: relist(listings) for slug, listings in site.category_listings.items()},
    )


_OWN_FRAGMENT = re.compile(r'(\shref=")#([^"]*")')
_REFERENCE_ID = re.compile(r'\sid="fnref\d*:[^"]*"')


def summary_elsewhere(summary: str, page: Page) -> str:
    """Make a summary fit to be shown on other pages: its `#` links lead to the post, its footnote references lose their ids.

    A listing page has neither the post's footnotes nor its headings (issue 12).
    """
    if "#" not in summary and "fnref" not in summary:
        return summary
    return _OWN_FRAGMENT.sub(lambda match: f"{match.group(1)}{page.url}#{match.group(2)}", _REFERENCE_ID.sub("", summary))


def read_source_text(source: Source) -> str:
    """Read a source as text for locating links in it ("" when it is not text)."""
    try:
        return source.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def rewrite_links(body: str, page: Page, table: LinkTable) -> tuple[str, tuple[Problem, ...]]:
    """Point relative links at their published URLs and root-relative ones under the base path."""
    problems: list[Problem] = []

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        if "href" not in match.group(1):  # an image or video: Chirpy's `media_subpath` is its folder
            target = media_path(target, page.fields)
        rewritten = _rewrite(target, page, table)
        if rewritten is None:
            line = _line_of(read_source_text(page.document.source), target, page.document.body_line)
            problems.append(warning(f"link target '{target}' does not exist", page.source_rel, line))
            return match.group(0)
        return match.group(1) + rewritten + match.group(3)

    def replace_set(match: re.Match[str]) -> str:
        candidates = []
        for candidate in match.group(2).split(","):
            target, _, descriptor = candidate.strip().partition(" ")
            rewritten = _rewrite(target, page, table)
            if rewritten is None:
                line = _line_of(read_source_text(page.document.source), target, page.document.body_line)
                problems.append(warning(f"link target '{target}' does not exist", page.source_rel, line))
                rewritten = target
            candidates.append(f"{rewritten} {descriptor}".strip())
        return match.group(1) + ", ".join(candidates) + match.group(3)

    return _SRCSET.sub(replace_set, _LINK.sub(replace, body)), tuple(problems)


ATTACHMENT = "attachment:"


def attachment_dest(page: Page, name: str) -> str:
    """Return where a reader-made file of a page is written: beside the page's index.html."""
    return page.dest.rpartition("/")[0] + "/" + name if "/" in page.dest else name


def _rewrite(target: str, page: Page, table: LinkTable) -> str | None:
    if target.startswith(ATTACHMENT):
        return page.url.rpartition("/")[0] + "/" + quote(target[len(ATTACHMENT) :])
    if target.startswith("#"):
        return "#" + heading_fragment(target[1:], page.document.toc)
    if not target or target.startswith("?") or is_external(target):
        return target
    if target.startswith("/"):
        return rebase_root_relative(target, table.base_path)
    parts = urlsplit(target)
    url = table.resolve(page.document.source.folder, parts.path)
    if url is None:
        return None
    query = f"?{parts.query}" if parts.query else ""
    linked = table.page_at(page.document.source.folder, parts.path)
    fragment = heading_fragment(parts.fragment, linked.document.toc) if linked else parts.fragment
    return url + query + (f"#{fragment}" if fragment else "")


def heading_fragment(fragment: str, headings: Sequence[Heading]) -> str:
    """Return the anchor a heading link means on a page: as written, or the heading whose Jupyter or slug form it is.

    Notebooks link to headings the way Jupyter writes anchors
    (`#Clustering:-Inferring-Labels-on-Unlabeled-Data`), Jekyll posts by
    kramdown's ids (`#setup` for `## 1. Setup`), GitHub-flavoured READMEs by a
    lower-case slug; sitegen's heading ids differ from all three.
    """
    wanted = unquote(fragment)
    if not wanted or any(heading.anchor == wanted for heading in headings):
        return fragment
    for heading in headings:
        if wanted in (jupyter_anchor(heading.text), kramdown_anchor(heading.text)):
            return heading.anchor
    slug = slugify_unicode(wanted, "-")
    for heading in headings:
        if heading.anchor == slug or slugify_unicode(heading.anchor, "-") == slug:
            return heading.anchor
    return fragment


def _line_of(source_text: str, target: str, fallback: int) -> int:
    for number, line in enumerate(source_text.splitlines(), start=1):
        if target in line or quote(target) in line:
            return number
    return fallback
