"""Per-page metadata: canonical URL, description, Open Graph, Twitter card and safe JSON-LD."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from sitegen.publish.check import check_site
from tests.conftest import MakeSite, build_root
from tests.publish.test_base_path import BASE_URL, SETTINGS, build_publishing


class MetaParser(HTMLParser):
    """Collect <meta>, <link> and JSON-LD scripts of a page, with the raw script text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta.setdefault(values.get("property") or values["name"], []).append(values.get("content", ""))
        elif tag == "link" and "rel" in values:
            self.links.setdefault(values["rel"], []).append(values.get("href", ""))
        self._in_json_ld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(data)

    def one(self, name: str) -> str:
        values = self.meta.get(name, [])
        assert len(values) == 1, f"{name}: {values}"
        return values[0]

    def data(self) -> dict[str, Any]:
        assert len(self.json_ld) == 1, self.json_ld
        loaded: dict[str, Any] = json.loads(self.json_ld[0])
        return loaded


def meta_of(path: Path) -> MetaParser:
    parser = MetaParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def out(make_site: MakeSite) -> Path:
    root, _ = build_publishing(make_site)
    return root / "_site"


def url_of(dest: str) -> str:
    return BASE_URL + (dest.removesuffix("index.html") if dest.endswith("index.html") else dest)


def test_every_page_has_a_canonical_url_description_and_cards(out: Path) -> None:
    pages = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.html"))
    assert len(pages) >= 11
    for dest in pages:
        meta = meta_of(out / dest)
        assert meta.one("description").strip(), dest
        assert meta.one("og:title").strip() and meta.one("twitter:title") == meta.one("og:title"), dest
        assert meta.one("og:description") == meta.one("description"), dest
        assert meta.one("twitter:description") == meta.one("description"), dest
        assert meta.one("og:site_name") == "Pat Example"
        assert meta.one("og:locale") == "en"
        if dest == "404.html":
            assert "canonical" not in meta.links and meta.one("robots") == "noindex"
            continue
        assert meta.links["canonical"] == [url_of(dest)], dest
        assert meta.one("og:url") == url_of(dest), dest


def test_listing_and_tag_pages_have_their_own_titles(out: Path) -> None:
    assert meta_of(out / "blog/index.html").one("og:title") == "Blog"
    assert meta_of(out / "blog/page/2/index.html").one("og:title") == "Blog · Page 2 of 2"
    tag = meta_of(out / "blog/tags/numpy/index.html")
    assert tag.one("og:title") == "Posts tagged “numpy”"
    assert tag.one("og:description") == "Posts tagged “numpy” · Pat Example"
    assert meta_of(out / "blog/tags/index.html").one("og:title") == "All tags"
    assert meta_of(out / "404.html").one("og:title") == "Page not found"


def test_post_metadata_and_blog_posting(out: Path) -> None:
    meta = meta_of(out / "blog/attention/index.html")
    assert meta.one("og:type") == "article"
    assert meta.one("og:image") == BASE_URL + "blog/attention.svg"
    assert meta.one("og:image:alt") == "A grid of attention weights"
    assert meta.one("twitter:card") == "summary_large_image"
    assert meta.one("twitter:image") == BASE_URL + "blog/attention.svg"
    assert meta.one("article:published_time") == "2024-03-05T00:00:00+00:00"
    assert meta.one("article:modified_time") == "2024-06-01T00:00:00+00:00"
    assert meta.meta["article:tag"] == ["attention", "numpy"]
    data = meta.data()
    assert data == {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": "Attention </script> & <b>friends</b>",
        "description": meta.one("description"),
        "datePublished": "2024-03-05T00:00:00+00:00",
        "dateModified": "2024-06-01T00:00:00+00:00",
        "author": {"@type": "Person", "name": "Pat Example", "url": BASE_URL},
        "url": BASE_URL + "blog/attention/",
        "mainEntityOfPage": BASE_URL + "blog/attention/",
        "inLanguage": "en",
        "keywords": "attention, numpy",
        "image": BASE_URL + "blog/attention.svg",
    }


def test_json_ld_cannot_close_its_script(out: Path) -> None:
    raw = meta_of(out / "blog/attention/index.html").json_ld[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003c/script\\u003e" in raw and "\\u0026" in raw


def test_a_post_without_an_image_shows_its_generated_card(out: Path) -> None:
    meta = meta_of(out / "blog/second/index.html")
    card = BASE_URL + "blog/second/card.png"
    assert meta.one("og:image") == meta.one("twitter:image") == card
    assert meta.one("twitter:card") == "summary_large_image"
    assert meta.data()["image"] == card
    assert meta.data()["dateModified"] == meta.data()["datePublished"] == "2024-04-01T00:00:00+00:00"


def test_about_page_is_a_person(out: Path) -> None:
    meta = meta_of(out / "about/index.html")
    assert meta.one("og:type") == "profile"
    assert meta.data() == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Pat Example",
        "jobTitle": "Research engineer",
        "url": BASE_URL + "about/",
        "description": meta.one("description"),
        "image": BASE_URL + "images/me.svg",
        "email": "mailto:pat@example.org",
        "sameAs": ["https://github.com/example"],
    }


def test_home_page_is_a_website(out: Path) -> None:
    meta = meta_of(out / "index.html")
    assert meta.one("og:type") == "website"
    assert meta.one("og:title") == "Pat Example"
    data = meta.data()
    assert (data["@type"], data["url"], data["name"]) == ("WebSite", BASE_URL, "Pat Example")


def test_listing_pages_have_no_json_ld(out: Path) -> None:
    assert meta_of(out / "blog/index.html").json_ld == []


def test_description_comes_from_front_matter_or_first_paragraph(out: Path) -> None:
    assert meta_of(out / "blog/third/index.html").one("description") == "The third one."
    assert meta_of(out / "blog/second/index.html").one("description") == "Second post."


def test_absolute_image_urls_are_kept(make_site: MakeSite) -> None:
    extra = {"content/blog/2024-05-02-card.md": "---\nimage: https://cdn.example/card.png\n---\nWith a card.\n"}
    root, _ = build_publishing(make_site, files=extra)
    meta = meta_of(root / "_site" / "blog/card/index.html")
    assert meta.one("og:image") == "https://cdn.example/card.png"


@pytest.mark.parametrize("image", ["/images/me.svg", "../images/me.svg", "/portfolio/images/me.svg", "./../images/me.svg"])
def test_image_paths_from_the_root_or_the_posts_folder(make_site: MakeSite, image: str) -> None:
    extra = {"content/blog/2024-05-02-card.md": f"---\nimage: {image}\n---\nWith a card.\n"}
    root, _ = build_publishing(make_site, files=extra)
    meta = meta_of(root / "_site" / "blog/card/index.html")
    assert meta.one("og:image") == BASE_URL + "images/me.svg"


def test_a_missing_image_builds_and_the_check_reports_it(make_site: MakeSite) -> None:
    extra = {"content/blog/2024-05-02-card.md": "---\nimage: no such.png\n---\nWith a card.\n"}
    root, _ = build_publishing(make_site, files=extra)
    assert meta_of(root / "_site" / "blog/card/index.html").one("og:image") == BASE_URL + "blog/no%20such.png"
    problems = check_site(root / "_site", "/portfolio/", origin="https://example.github.io")
    # og:image and twitter:image name the same file: one problem.
    assert [problem.format() for problem in problems] == [f"blog/card/index.html: broken link: {BASE_URL}blog/no%20such.png"]


def test_site_image_is_the_default_card(make_site: MakeSite) -> None:
    root = make_site(
        {"content/about.md": "# About\n\nHi.\n", "static/card.png": b"\x89PNG"},
        settings=SETTINGS + 'image = "card.png"\n',
    )
    build_root(root)
    meta = meta_of(root / "_site" / "about/index.html")
    assert meta.one("og:image") == BASE_URL + "card.png"

