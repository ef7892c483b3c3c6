"""A project site under /portfolio/: served over real HTTP, crawled, and no link is broken or leaves the path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.build import BuildReport
from sitegen.publish.check import check_site
from sitegen.publish.pages_server import serve_site
from sitegen.publish.sitemap import sitemap_locations
from sitegen.site.urls import rebase_root_relative, url_for_dest
from tests.conftest import MakeSite, PageParser, build_root, parse_page

SITE_URL = "https://example.github.io"
BASE_PATH = "/portfolio/"
BASE_URL = SITE_URL + BASE_PATH

SETTINGS = f"""\
[tool.sitegen]
title = "Pat Example"
author = "Pat Example"
email = "pat@example.org"
description = "Notes on models, with code."
base_url = "{BASE_URL}"
posts_per_page = 2
menu = ["about", "blog"]
"""

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'

# A small site that links every way an author does: hand-written root-relative links,
# relative links to sources and files, fragments, images, raw HTML and an about page.
PUBLISHING_SITE: dict[str, str | bytes] = {
    "content/index.md": """
        ---
        title: Home
        ---
        Welcome. Read [about me](/about/), the [blog](/blog/) or the [feed](/feed.xml).
        """,
    "content/about.md": """
        ---
        title: About
        layout: about
        name: Pat Example
        role: Research engineer
        photo: images/me.svg
        links:
          - {label: GitHub, url: "https://github.com/example"}
          - {label: CV, url: files/cv.pdf}
        ---
        ## Bio

        I write about [attention](blog/2024-03-05-attention.md) and keep a [CV](/files/cv.pdf).

        <p><img src="/images/me.svg" alt="me again" width="10" height="10"></p>
        """,
    "content/images/me.svg": SVG,
    "content/files/cv.pdf": b"%PDF-1.4\n%%EOF\n",
    "content/blog/attention.svg": SVG,
    "content/blog/2024-03-05-attention.md": """
        ---
        title: "Attention </script> & <b>friends</b>"
        tags: [attention, numpy]
        updated: 2024-06-01
        image: attention.svg
        image_alt: A grid of attention weights
        ---
        Attention, from scratch.

        <!--more-->

        ![weights](attention.svg)

        ## Details

        See the [second post](2024-04-01-second.md#details), [this section](#details)
        and the [home page](/).
        """,
    "content/blog/2024-04-01-second.md": """
        ---
        title: Second
        tags: numpy
        ---
        Second post.

        About [me](/about/#bio).

        ## Details

        More.
        """,
    "content/blog/2024-05-01-third.md": """
        ---
        title: Third
        description: The third one.
        ---
        Third post, no tags.

        Back to [the first](../blog/2024-03-05-attention.md).
        """,
}


def build_publishing(make_site: MakeSite, **overrides: Any) -> tuple[Path, BuildReport]:
    """Write the publishing site and build it; return its root and the report."""
    settings = overrides.pop("settings", SETTINGS)
    files = {**PUBLISHING_SITE, **overrides.pop("files", {})}
    root = make_site(files, settings=settings)
    return root, build_root(root, **overrides)


@pytest.fixture
def served(make_site: MakeSite) -> Iterator[tuple[str, Path]]:
    """Build the publishing site and serve it under /portfolio/ on 127.0.0.1; yield (origin, output)."""
    root, _ = build_publishing(make_site)
    out = root / "_site"
    with serve_site(out, BASE_PATH) as site:
        yield site.origin, out


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET a URL; return (status, content type, body), also for error statuses."""
    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def parse_html(html: bytes) -> PageParser:
    """Parse a served page."""
    parser = PageParser()
    parser.feed(html.decode("utf-8"))
    return parser


def test_crawl_from_home_finds_no_broken_link_and_never_leaves_the_base_path(served: tuple[str, Path]) -> None:
    origin, _ = served
    start = origin + BASE_PATH
    pending, seen, bodies = [start], {start}, {}
    escapes: list[str] = []
    missing_fragments: list[str] = []
    wanted_fragments: list[tuple[str, str, str]] = []
    while pending and len(seen) < 500:
        url = pending.pop()
        status, kind, body = fetch(url)
        assert status == 200, f"{url} answered {status}"
        bodies[url] = body
        if kind != "text/html":
            continue
        for _, link in parse_html(body).links:
            target = urljoin(url, link)
            if target.startswith(SITE_URL):  # canonical and og:url name the public site
                target = origin + target[len(SITE_URL) :]
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue
            if not parts.path.startswith(BASE_PATH):
                escapes.append(f"{url} -> {link}")
                continue
            page = target.split("#")[0]
            if parts.fragment:
                wanted_fragments.append((url, page, unquote(parts.fragment)))
            if page not in seen:
                seen.add(page)
                pending.append(page)
    assert escapes == []
    for url, page, fragment in wanted_fragments:
        if fragment not in parse_html(bodies[page]).ids:
            missing_fragments.append(f"{url} -> {page}#{fragment}")
    assert missing_fragments == []
    crawled = {urlsplit(url).path for url in seen}
    for dest in ("about/", "blog/", "blog/page/2/", "blog/attention/", "blog/tags/", "blog/tags/numpy/", "feed.xml",
                 "images/me.svg", "files/cv.pdf", "blog/attention.svg", "css/site.css", "favicon.svg"):
        assert BASE_PATH + dest in crawled, dest


def test_every_sitemap_page_is_served(served: tuple[str, Path]) -> None:
    origin, _ = served
    status, _, robots = fetch(origin + BASE_PATH + "robots.txt")
    assert status == 200
    sitemap_url = next(line.split(": ", 1)[1] for line in robots.decode().splitlines() if line.startswith("Sitemap: "))
    assert sitemap_url == BASE_URL + "sitemap.xml"
    status, _, sitemap = fetch(origin + sitemap_url[len(SITE_URL) :])
    assert status == 200
    for location in sitemap_locations(sitemap):
        assert location.startswith(BASE_URL)
        assert fetch(origin + location[len(SITE_URL) :])[0] == 200, location


def test_404_page_works_at_any_missing_path(served: tuple[str, Path]) -> None:
    origin, _ = served
    missing = origin + BASE_PATH + "no/such/page/"
    status, kind, body = fetch(missing)
    assert (status, kind) == (404, "text/html")
    parser = parse_html(body)
    assert parser.links
    for name, link in parser.links:
        if link.startswith(("#", "http")):
            continue
        assert link.startswith(BASE_PATH), f"{name}={link} in 404.html is not an absolute path"
        assert fetch(urljoin(missing, link))[0] == 200, link


def test_server_answers_only_under_the_base_path(served: tuple[str, Path]) -> None:
    origin, _ = served
    assert fetch(origin + "/index.html")[0] == 404
    assert fetch(origin + BASE_PATH + "index.html")[0] == 200


def test_hand_written_root_relative_links_are_rebased(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    home = parse_page(root / "_site" / "index.html")
    hrefs = [value for name, value in home.links if name == "href"]
    assert "/portfolio/about/" in hrefs and "/portfolio/blog/" in hrefs and "/portfolio/feed.xml" in hrefs
    about = parse_page(root / "_site" / "about" / "index.html")
    assert ("src", "/portfolio/images/me.svg") in about.links
    assert ("href", "/portfolio/files/cv.pdf") in about.links
    for name, value in (*home.links, *about.links):
        assert not value.startswith("/") or value.startswith(BASE_PATH), f"{name}={value}"


def test_built_site_passes_the_check_under_the_base_path(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    assert check_site(root / "_site", BASE_PATH, origin=SITE_URL) == []


def test_same_site_at_the_root_and_under_a_path(make_site: MakeSite, tmp_path: Path) -> None:
    root, _ = build_publishing(make_site)
    build_root(root, base_url="https://pat.example.org/", output=tmp_path / "at-root")
    assert check_site(tmp_path / "at-root", "/", origin="https://pat.example.org") == []
    about = parse_page(tmp_path / "at-root" / "about" / "index.html")
    assert ("src", "/images/me.svg") in about.links


def test_root_relative_srcset_is_rebased(make_site: MakeSite) -> None:
    extra = {"content/gallery.md": '<img src="/images/me.svg" srcset="/images/me.svg 2x" alt="me">\n'}
    root, _ = build_publishing(make_site, files=extra)
    assert check_site(root / "_site", BASE_PATH, origin=SITE_URL) == []


def test_links_in_listing_summaries_resolve(make_site: MakeSite) -> None:
    extra = {"content/blog/2024-05-02-linked.md": "Summary with [me](/about/#bio) and ![w](attention.svg).\n"}
    root, _ = build_publishing(make_site, files=extra)
    assert check_site(root / "_site", BASE_PATH, origin=SITE_URL) == []


SEGMENT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#\\"), min_size=1, max_size=8).filter(
    lambda segment: segment not in (".", "..")
)
BASES = st.sampled_from(["/", "/portfolio/", "/a/b/", "/深度/"])


@given(BASES, st.lists(SEGMENT, min_size=0, max_size=4))
def test_page_urls_never_escape_the_base_path(base_path: str, segments: list[str]) -> None:
    dest = "/".join([*segments, "index.html"])
    url = url_for_dest(dest, base_path)
    assert unquote(url).startswith(base_path)


@given(BASES, st.lists(SEGMENT, min_size=0, max_size=4))
def test_rebased_root_relative_links_stay_under_the_base_path(base_path: str, segments: list[str]) -> None:
    link = "/" + "/".join(segments)
    assert rebase_root_relative(link, base_path).startswith(base_path) or link + "/" == base_path
