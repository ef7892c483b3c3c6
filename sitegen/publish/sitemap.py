"""The files a published site needs besides its pages: sitemap.xml, robots.txt, .nojekyll and CNAME."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from datetime import datetime

from sitegen.errors import ConfigError
from sitegen.model import LocaleSite, Output, Site
from sitegen.publish.feeds import format_time, newest_time
from sitegen.settings.config import Config
from sitegen.settings.locales import Locales
from sitegen.site.urls import absolute_url, locale_prefix, pretty_dest, url_for_dest

log = logging.getLogger(__name__)

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"  # sitemaps carry a page's translations as xhtml:link
NOT_FOUND_DEST = "404.html"
# A host name as GitHub Pages takes it in CNAME: labels of letters, digits and hyphens.
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$")


def render_site_files(site: Site, pages: Sequence[str], config: Config, locales: Locales) -> tuple[Output, ...]:
    """Render the files a published site needs besides its pages."""
    files = [
        render_sitemap(site, pages, config, locales),
        render_robots(config),
        Output(".nojekyll", b""),  # GitHub Pages: publish the files as they are, no Jekyll
    ]
    if config.domain:
        files.append(render_cname(config.domain, config.settings_file))
    return tuple(files)


def render_sitemap(site: Site, pages: Sequence[str], config: Config, locales: Locales) -> Output:
    """List every public HTML page (all but 404.html) with the date it last changed, when known."""
    lastmod = page_dates(site, locales)
    alternates = page_alternates(site)
    root = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
    for dest in sorted(dest for dest in pages if is_public_page(dest)):
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = absolute_url(url_for_dest(dest, config.base_path), config.base_url)
        if dest in lastmod:
            ET.SubElement(entry, "lastmod").text = format_time(lastmod[dest])
        for code, url in alternates.get(dest, ()):
            link = {"rel": "alternate", "hreflang": code, "href": absolute_url(url, config.base_url)}
            ET.SubElement(entry, "xhtml:link", link)
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return Output("sitemap.xml", data)


def page_alternates(site: Site) -> dict[str, list[tuple[str, str]]]:
    """Map each translated page's dest to its versions in every locale, when it has more than one."""
    found: dict[str, list[tuple[str, str]]] = {}
    for locale_site in site.locales.values():
        for page in (*locale_site.pages, *locale_site.posts):
            versions = site.translations.get(page.key, {})
            if page.translated and len(versions) > 1:
                found[page.dest] = sorted(versions.items())
    return found


def is_public_page(dest: str) -> bool:
    """Tell whether an output is an HTML page search engines should list."""
    return dest.endswith(".html") and dest != NOT_FOUND_DEST


def page_dates(site: Site, locales: Locales) -> dict[str, datetime]:
    """Map each page's dest to when it last changed: its own date, or its newest post for listings."""
    dates: dict[str, datetime] = {}
    for locale_site in site.locales.values():
        dates.update(_locale_dates(locale_site, locales))
    return dates


def _locale_dates(site: LocaleSite, locales: Locales) -> Iterator[tuple[str, datetime]]:
    prefix = locale_prefix(site.locale, locales.default)
    if site.posts:
        newest = newest_time(site.posts)
        yield prefix + "index.html", newest  # the home page shows the latest posts
        yield pretty_dest(prefix + "blog/tags"), newest
        for listing in site.blog:
            yield listing.dest, newest  # every listing page shifts when a post is added
        if site.categories:
            yield pretty_dest(prefix + "blog/categories"), newest
        for tag in (*site.tags, *site.categories):
            listings = site.tag_listings if tag.kind == "tag" else site.category_listings
            for listing in listings.get(tag.slug, ()):
                yield listing.dest, newest_time(tag.posts)
    for page in (*site.pages, *site.posts):  # a page's own date wins
        changed = page.updated or page.date
        if changed:
            yield page.dest, changed


def render_robots(config: Config) -> Output:
    """Allow every crawler and name the sitemap."""
    sitemap = absolute_url(url_for_dest("sitemap.xml", config.base_path), config.base_url)
    text = f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n"
    return Output("robots.txt", text.encode("utf-8"))


def render_cname(domain: str, settings_file: str = "pyproject.toml") -> Output:
    """Write the custom domain GitHub Pages serves the site under."""
    if not _DOMAIN.match(domain):
        raise ConfigError(
            f"setting 'domain' must be a host name like 'www.example.com', got {domain!r}",
            settings_file,
            hint="leave out the scheme and the path",
        )
    return Output("CNAME", f"{domain}\n".encode("ascii"))


def sitemap_locations(data: bytes) -> list[str]:
    """Return the page URLs a sitemap lists, in order."""
    root = ET.fromstring(data)
    return [loc.text or "" for loc in root.iter(f"{{{SITEMAP}}}loc")]

