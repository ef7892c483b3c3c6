"""Redirect pages for `redirect_from:`, `aliases:` and a Jekyll paginator's old pages: old URLs that still answer.

Each is a small HTML page with a meta refresh and a canonical link, listed
nowhere (not in the sitemap, feeds or listings) and kept out of search engines.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator, Sequence
from typing import Any

from sitegen.engine.plan import Job, file_job
from sitegen.errors import Problem, warning
from sitegen.jekyll.permalink import dest_for_permalink
from sitegen.model import Output, Page, Site
from sitegen.settings.config import Config
from sitegen.site.urls import absolute_url, url_for_dest

REDIRECT_FIELDS = ("redirect_from", "aliases")
FEED_DEST = "feed.xml"


def old_paths(fields: dict[str, Any] | Any) -> tuple[str, ...]:
    """Return the old URL paths a page lists under `redirect_from:` or `aliases:`."""
    paths: list[str] = []
    for name in REDIRECT_FIELDS:
        value = fields.get(name)
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        paths += [str(item).strip() for item in items if str(item).strip()]
    return tuple(dict.fromkeys(paths))


def plan_redirects(site: Site, config: Config, planned: Sequence[Job]) -> tuple[tuple[Job, ...], tuple[Problem, ...]]:
    """Plan the redirect pages and the feed's old paths (`feed_aliases`); a clash with a planned file is a warning."""
    outputs, problems = render_redirects(site, config, [job.dest for job in planned])
    feed = next((job for job in planned if job.kind == "feed" and job.dest == FEED_DEST), None)
    aliases = [alias.strip("/") for alias in config.feed_aliases if alias.strip("/") != FEED_DEST] if feed else []
    jobs = (*(file_job(output) for output in outputs), *(dataclasses.replace(feed, dest=alias) for alias in aliases if feed))
    return jobs, problems


def render_redirects(site: Site, config: Config, taken: Sequence[str]) -> tuple[tuple[Output, ...], tuple[Problem, ...]]:
    """Make a redirect page for every old path of every published page; a clash with a real file is a warning."""
    outputs: dict[str, Output] = {}
    problems: list[Problem] = []
    occupied = set(taken)
    for page in _published(site):
        for path in old_paths(page.fields):
            dest = dest_for_permalink(path.split("#")[0].split("?")[0])
            if dest in occupied or dest in outputs:
                line = page.document.meta_lines.get("redirect_from") or page.document.meta_lines.get("aliases")
                problems.append(warning(f"redirect from '{path}' not written: '{dest}' is another page", page.source_rel, line))
                continue
            outputs[dest] = Output(dest, render_redirect_page(page, config).encode("utf-8"), frozenset({page.source_rel}))
    for dest, output in _listing_redirects(site, config).items():
        if dest not in occupied and dest not in outputs:  # an old page URL that is a page now answers as it is
            outputs[dest] = output
    return tuple(outputs[dest] for dest in sorted(outputs)), tuple(problems)


def _listing_redirects(site: Site, config: Config) -> dict[str, Output]:
    """Redirect a Jekyll paginator's old pages (`paginate_path`, "/page:num/") to the blog's listing pages."""
    if not config.paginate_path:
        return {}
    home = next((s for s in site.locales.values() if s.blog and s.blog[0].dest == "blog/index.html"), None)
    outputs: dict[str, Output] = {}
    for listing in home.blog if home else ():
        path = paginated_path(config.paginate_path, listing.number)
        language = home.locale if home else "en"
        title = f"Blog, page {listing.number}" if listing.number > 1 else "Blog"
        page = redirect_html(listing.url, title, language, config)
        outputs[dest_for_permalink(path)] = Output(dest_for_permalink(path), page.encode("utf-8"))
    return outputs


def paginated_path(pattern: str, number: int) -> str:
    """Return the old URL path of listing page `number`: page 1 is the paginator's own folder, as in Jekyll.

    "/page:num/" -> "/" and "/page2/"; "/blog/page/:num/" -> "/blog/" and "/blog/page/2/".
    """
    if number > 1:
        return "/" + pattern.replace(":num", str(number)).lstrip("/")
    folder = pattern.split(":num", 1)[0].rpartition("/")[0]
    folder = folder.removesuffix("/page") if folder.endswith("/page") or folder == "/page" else folder
    return folder.rstrip("/") + "/"


def _published(site: Site) -> Iterator[Page]:
    for locale_site in site.locales.values():
        for page in (*locale_site.pages, *locale_site.posts):
            if page.translated:
                yield page


def render_redirect_page(page: Page, config: Config) -> str:
    """Return the HTML of a page that sends readers (and search engines) to `page`."""
    return redirect_html(page.url, page.title, page.language or page.locale, config)


def redirect_html(url: str, title: str, language: str, config: Config) -> str:
    """Return a page with a meta refresh and a canonical link to `url`, kept out of search engines."""
    target = html.escape(url, quote=True)
    canonical = html.escape(absolute_url(url, config.base_url), quote=True)
    title = html.escape(title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta name="description" content="This page has moved to {target}.">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        "</head>\n"
        f'<body><p>This page has moved: <a href="{target}">{title}</a>.</p></body>\n'
        "</html>\n"
    )


def redirect_url(path: str, config: Config) -> str:
    """Return the public URL a redirect page for `path` answers at."""
    return url_for_dest(dest_for_permalink(path), config.base_path)
