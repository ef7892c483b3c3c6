"""Atom feeds of the blog and of each tag, one set per built locale."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

from sitegen.model import LocaleSite, Output, Page, Site
from sitegen.settings.config import Config
from sitegen.settings.locales import Locales
from sitegen.site.urls import absolute_url, locale_prefix, pretty_dest, url_for_dest

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
# An empty feed still needs `updated`; the clock would make builds differ, so it is the epoch.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_URL_ATTRIBUTE = re.compile(r"""(\s(?:href|src|poster)\s*=\s*)(["'])(.*?)\2""", re.DOTALL)
_SRCSET_ATTRIBUTE = re.compile(r"""(\ssrcset\s*=\s*)(["'])(.*?)\2""", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Feed:
    """One Atom feed: where it goes, what it is about and which posts it holds."""

    dest: str  # e.g. "feed.xml", "blog/tags/numpy/feed.xml", "fr/feed.xml"
    title: str
    page_url: str  # the HTML page the feed mirrors (blog or tag listing)
    locale: str
    posts: tuple[Page, ...]  # newest first, at most `feed_entries`


def feed_dests(site: Site, config: Config, locales: Locales) -> tuple[str, ...]:
    """Return the output paths of every feed, so pages can link to them before they are made."""
    return tuple(feed.dest for feed in collect_feeds(site, config, locales))


def render_feeds(site: Site, config: Config, locales: Locales) -> tuple[Output, ...]:
    """Render the Atom feed of each locale's blog and of each of its tags.

    `site` is the one whose body and summary links are already resolved (links.resolve_site_links);
    the feeds only make them absolute.
    """
    return tuple(Output(feed.dest, render_feed(feed, config)) for feed in collect_feeds(site, config, locales))


def collect_feeds(site: Site, config: Config, locales: Locales) -> tuple[Feed, ...]:
    """List every feed of every built locale: the blog's, then one per tag."""
    return tuple(feed for locale_site in site.locales.values() for feed in _locale_feeds(locale_site, config, locales))


def _locale_feeds(site: LocaleSite, config: Config, locales: Locales) -> tuple[Feed, ...]:
    prefix = locale_prefix(site.locale, locales.default)
    limit = config.feed_entries

    def entries(posts: Sequence[Page]) -> tuple[Page, ...]:
        # A locale's feed holds the posts written for it; untranslated ones are only listed on its pages.
        return tuple(post for post in posts if post.translated)[:limit]

    blog_url = site.blog[0].url if site.blog else url_for_dest(pretty_dest(prefix + "blog"), config.base_path)
    feeds = [Feed(prefix + "feed.xml", config.title, blog_url, site.locale, entries(site.posts))]
    locale = locales.get(site.locale)
    for tag in site.tags:
        title = f"{locale.text('posts_tagged', tag=tag.name)} · {config.title}"
        feeds.append(Feed(f"{prefix}blog/tags/{tag.slug}/feed.xml", title, tag.url, site.locale, entries(tag.posts)))
    for category in site.categories:
        title = f"{locale.text('posts_in_category', category=category.name)} · {config.title}"
        dest = f"{prefix}blog/categories/{category.slug}/feed.xml"
        feeds.append(Feed(dest, title, category.url, site.locale, entries(category.posts)))
    return tuple(feeds)


def render_feed(feed: Feed, config: Config) -> bytes:
    """Render one feed as Atom 1.0 (RFC 4287)."""
    # Plain names plus an xmlns attribute: ElementTree's default_namespace rejects plain attributes.
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": feed.locale})
    _text(root, "id", absolute_url(feed.page_url, config.base_url))
    _text(root, "title", feed.title)
    if config.description:
        _text(root, "subtitle", config.description)
    _text(root, "updated", format_time(newest_time(feed.posts)))
    _link(root, "self", absolute_url(url_for_dest(feed.dest, config.base_path), config.base_url), "application/atom+xml")
    _link(root, "alternate", absolute_url(feed.page_url, config.base_url), "text/html")
    _author(root, config.author, config.email)
    _text(root, "generator", "sitegen")
    for post in feed.posts:
        root.append(_entry(post, config))
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _entry(post: Page, config: Config) -> ET.Element:
    entry = ET.Element("entry")
    permalink = absolute_url(post.url, config.base_url)
    _text(entry, "id", entry_id(post, config))
    _text(entry, "title", post.title)
    _link(entry, "alternate", permalink, "text/html")
    _text(entry, "published", format_time(post.date or EPOCH))
    _text(entry, "updated", format_time(post.updated or post.date or EPOCH))
    author = post.fields.get("author")
    _author(entry, author if isinstance(author, str) and author.strip() else config.author, "")
    for tag in (*post.tags, *post.categories):
        ET.SubElement(entry, "category", {"term": tag.slug, "label": tag.name})
    summary = _absolute_html(post.summary, permalink)
    if summary.strip():
        _text(entry, "summary", summary, {"type": "html"})
    elif post.description:
        _text(entry, "summary", post.description)
    if config.feed_full_content and not post.document.is_template:
        content = _absolute_html(post.document.body, permalink)
        _text(entry, "content", content, {"type": "html"})
    return entry


def entry_id(post: Page, config: Config) -> str:
    """Return a post's permanent id: a tag: URI (RFC 4151) from the host, the post's date and its URL."""
    host = urlsplit(config.base_url).hostname or "localhost"
    day = (post.date or EPOCH).date().isoformat()
    return f"tag:{host},{day}:{post.url}"


def newest_time(posts: Sequence[Page]) -> datetime:
    """Return when the newest of these posts was last changed (the epoch when there are none)."""
    return max((post.updated or post.date or EPOCH for post in posts), default=EPOCH)


def format_time(moment: datetime) -> str:
    """Format a time as RFC 3339, keeping its offset (so a day stays the day it was written)."""
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _absolute_html(html: str, page_url: str) -> str:
    """Make every link in HTML absolute, so feed readers resolve it without the page."""

    def absolute(match: re.Match[str]) -> str:
        return match.group(1) + match.group(2) + _absolute(match.group(3), page_url) + match.group(2)

    def absolute_srcset(match: re.Match[str]) -> str:
        candidates = []
        for candidate in match.group(3).split(","):
            parts = candidate.split()
            if parts:
                candidates.append(" ".join([_absolute(parts[0], page_url), *parts[1:]]))
        return match.group(1) + match.group(2) + ", ".join(candidates) + match.group(2)

    return _SRCSET_ATTRIBUTE.sub(absolute_srcset, _URL_ATTRIBUTE.sub(absolute, html))


def _absolute(target: str, page_url: str) -> str:
    if not target or target.startswith(("mailto:", "tel:", "data:", "javascript:")):
        return target
    return escape(urljoin(page_url, unescape(target)), quote=True)


def _text(parent: ET.Element, name: str, text: str, attributes: dict[str, str] | None = None) -> None:
    element = ET.SubElement(parent, name, attributes or {})
    element.text = text


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": media_type, "href": href})


def _author(parent: ET.Element, name: str, email: str) -> None:
    author = ET.SubElement(parent, "author")
    _text(author, "name", name)
    if email:
        _text(author, "email", email)
