"""sitemap.xml, robots.txt, .nojekyll and CNAME."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.publish.sitemap import render_cname, sitemap_locations
from tests.conftest import MakeSite, build_root
from tests.publish.test_base_path import BASE_URL, SETTINGS, build_publishing

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_pages(out: Path) -> set[str]:
    return {path.relative_to(out).as_posix() for path in out.rglob("*.html")}


def page_url(dest: str) -> str:
    return BASE_URL + (dest.removesuffix("index.html") if dest.endswith("index.html") else dest)


def lastmods(out: Path) -> dict[str, str | None]:
    root = ET.parse(out / "sitemap.xml").getroot()
    return {url.findtext(f"{SITEMAP}loc") or "": url.findtext(f"{SITEMAP}lastmod") for url in root}


def test_sitemap_lists_every_page_but_404_and_nothing_else(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    out = root / "_site"
    pages = html_pages(out)
    assert "404.html" in pages and "blog/page/2/index.html" in pages and "blog/tags/numpy/index.html" in pages
    locations = sitemap_locations((out / "sitemap.xml").read_bytes())
    assert len(locations) == len(set(locations))
    assert set(locations) == {page_url(dest) for dest in pages - {"404.html"}}


def test_lastmod_comes_from_the_content_never_the_clock(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    dates = lastmods(root / "_site")
    assert dates[BASE_URL + "blog/attention/"] == "2024-06-01T00:00:00Z"  # updated:
    assert dates[BASE_URL + "blog/second/"] == "2024-04-01T00:00:00Z"  # date from the file name
    assert dates[BASE_URL + "about/"] is None  # no date, no guess
    newest = "2024-06-01T00:00:00Z"
    for listing in ("", "blog/", "blog/page/2/", "blog/tags/", "blog/tags/attention/", "blog/tags/numpy/"):
        assert dates[BASE_URL + listing] == newest, listing


def test_robots_txt_names_the_sitemap(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    robots = (root / "_site" / "robots.txt").read_text(encoding="utf-8")
    assert robots == f"User-agent: *\nAllow: /\n\nSitemap: {BASE_URL}sitemap.xml\n"


def test_nojekyll_always_cname_only_with_a_domain(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    assert (root / "_site" / ".nojekyll").read_bytes() == b""
    assert not (root / "_site" / "CNAME").exists()
    settings = SETTINGS.replace(BASE_URL, "https://pat.example.org/") + 'domain = "pat.example.org"\n'
    (root / "pyproject.toml").write_text(settings, encoding="utf-8")
    build_root(root)
    assert (root / "_site" / "CNAME").read_text(encoding="ascii") == "pat.example.org\n"
    assert sitemap_locations((root / "_site" / "sitemap.xml").read_bytes())[0].startswith("https://pat.example.org/")


@pytest.mark.parametrize("domain", ["https://pat.example.org", "pat.example.org/blog", "localhost", "-bad.example"])
def test_a_domain_must_be_a_host_name(domain: str) -> None:
    with pytest.raises(SitegenError) as caught:
        render_cname(domain)
    assert caught.value.format() == (
        f"pyproject.toml: error: setting 'domain' must be a host name like 'www.example.com', got {domain!r}\n"
        "  hint: leave out the scheme and the path"
    )
