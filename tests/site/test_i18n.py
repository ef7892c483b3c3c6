"""A multilingual site: pages per locale, fallbacks, switcher, hreflang, localized dates and strings."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from sitegen.errors import SitegenError
from tests.conftest import REPO, MakeSite, build_root, parse_page
from tests.readers.test_frontmatter import ABOUT
from tests.test_build import broken_links

LOCALES = re.sub(r"(?m)^build: .*$", "build: [en, zh-Hans, fr, zh-TW]", (REPO / "locales.yaml").read_text(encoding="utf-8"))

SITE = {
    "locales.yaml": LOCALES,
    "content/about.md": ABOUT,
    "content/deep-learning.md": "---\ntitle: Deep learning\n---\nEnglish only.\n",
    "content/blog/2024-03-05-attention.md": "---\ntitle: Attention\ntags: [深度学习, nlp]\n---\nEnglish text.\n",
    "content/blog/2024-03-05-attention.fr.md": "---\ntitle: L’attention\ntags: [深度学习, nlp]\n---\nTexte français.\n",
    "content/blog/2024-04-01-english-only.md": "---\ntitle: English only\n---\nOnly in English.\n",
    "content/blog/2024-05-01-chinese.md": "---\ntitles:\n  en: Chinese title fallback\n  zh-Hans: 中文标题\n---\n中文正文，没有空格的句子也要算阅读时间。\n",
}


SETTINGS = """\
[tool.sitegen]
title = "Test Site"
author = "Ada Tester"
base_url = "https://example.org/"
menu = ["about", "blog"]
"""


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    root = make_site(SITE, settings=SETTINGS)
    build_root(root)
    return root


def test_each_locale_lives_under_its_own_folder(site: Path) -> None:
    about = parse_page(site / "_site/fr/about/index.html")
    html = about.find_all("html")[0]
    assert html["lang"] == "fr" and html["dir"] == "ltr"
    assert about.find_all("h1") and "À propos" in about.title
    assert parse_page(site / "_site/zh-hans/about/index.html").title.startswith("关于 · ")
    assert parse_page(site / "_site/about/index.html").title.startswith("About · ")


def test_zh_tw_resolves_through_zh_hant(site: Path) -> None:
    page = parse_page(site / "_site/zh-tw/about/index.html")
    assert page.title.startswith("關於 · ")
    assert page.find_all("html")[0]["lang"] == "zh-TW"
    assert "選單" in {nav.get("aria-label") for nav in page.find_all("nav")}


def test_untranslated_pages_are_not_duplicated(site: Path) -> None:
    assert not (site / "_site/fr/deep-learning").exists()
    assert not (site / "_site/fr/blog/english-only").exists()
    assert (site / "_site/fr/blog/attention/index.html").is_file()
    assert (site / "_site/zh-hans/blog/chinese/index.html").is_file()
    assert not (site / "_site/fr/blog/chinese").exists()


def test_untranslated_posts_are_listed_with_fallback_text_and_marked(site: Path) -> None:
    listing = (site / "_site/fr/blog/index.html").read_text(encoding="utf-8")
    page = parse_page(site / "_site/fr/blog/index.html")
    hrefs = [link for _, link in page.links]
    assert "/blog/english-only/" in hrefs  # links to the page that exists
    assert "/fr/blog/attention/" in hrefs
    assert "Pas encore traduit" in listing
    assert 'lang="en"' in listing


def test_switcher_and_hreflang_are_reciprocal(site: Path) -> None:
    out = site / "_site"
    for path in out.rglob("*.html"):
        page = parse_page(path)
        alternates = {a["hreflang"]: a["href"] for a in page.find_all("link") if a.get("rel") == "alternate" and "hreflang" in a}
        for code, href in alternates.items():
            target = out / unquote(href.removeprefix("https://example.org/"))
            target = target / "index.html" if href.endswith("/") else target
            assert target.is_file(), (path, href)
            back = {a["hreflang"]: a["href"] for a in parse_page(target).find_all("link") if a.get("rel") == "alternate" and "hreflang" in a}
            assert back == alternates, (path, code)
        if len([c for c in alternates if c != "x-default"]) > 1:
            assert alternates["x-default"] == alternates["en"]
    about = {a["hreflang"] for a in parse_page(out / "about/index.html").find_all("link") if "hreflang" in a and a.get("rel") == "alternate"}
    assert about == {"en", "zh-Hans", "fr", "zh-TW", "x-default"}
    deep = [a for a in parse_page(out / "deep-learning/index.html").find_all("link") if "hreflang" in a and a.get("rel") == "alternate"]
    assert deep == []
    assert broken_links(out, "/") == []


def test_dates_and_strings_follow_the_locale(site: Path) -> None:
    fr = (site / "_site/fr/blog/attention/index.html").read_text(encoding="utf-8")
    assert "5 mars 2024" in fr and "min de lecture" in fr
    zh = (site / "_site/zh-hans/blog/chinese/index.html").read_text(encoding="utf-8")
    assert "2024年5月1日" in zh and "分钟阅读" in zh


def test_tags_in_any_script_get_one_stable_url(site: Path) -> None:
    assert (site / "_site/blog/tags/深度学习/index.html").is_file()
    assert (site / "_site/fr/blog/tags/深度学习/index.html").is_file()
    page = parse_page(site / "_site/blog/attention/index.html")
    assert ("href", "/blog/tags/%E6%B7%B1%E5%BA%A6%E5%AD%A6%E4%B9%A0/") in page.links


def test_reading_time_counts_cjk_characters(make_site: MakeSite) -> None:
    from sitegen.site.index import reading_minutes

    assert reading_minutes("字" * 880, 220) == 2
    assert reading_minutes("한국어" * 200, 220) == 2
    assert reading_minutes("word " * 221, 220) == 2


def test_a_missing_default_value_names_file_and_field(make_site: MakeSite) -> None:
    root = make_site({**SITE, "content/x.md": "---\ntitles:\n  fr: Seulement en français\n---\nx\n"}, settings=SETTINGS)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == "content/x.md:2: error: field 'title' has no value for locale 'en' (tried en)"


def test_translation_file_only_locale(make_site: MakeSite) -> None:
    root = make_site({**SITE, "content/only.fr.md": "---\ntitle: Seulement\n---\nx\n"}, settings=SETTINGS)
    build_root(root)
    assert (root / "_site/fr/only/index.html").is_file()
    assert not (root / "_site/only").exists()


def test_each_locale_feed_and_the_sitemap_alternates(site: Path) -> None:
    import xml.etree.ElementTree as ET

    fr_feed = (site / "_site/fr/feed.xml").read_text(encoding="utf-8")
    assert "L’attention" in fr_feed and "English only" not in fr_feed
    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site / "_site/sitemap.xml").getroot()
    entries = {url.findtext("s:loc", namespaces=names): url for url in root.findall("s:url", names)}
    about = entries["https://example.org/fr/about/"]
    hreflangs = {link.get("hreflang"): link.get("href") for link in about.findall("x:link", names)}
    assert hreflangs == {
        "en": "https://example.org/about/",
        "fr": "https://example.org/fr/about/",
        "zh-Hans": "https://example.org/zh-hans/about/",
        "zh-TW": "https://example.org/zh-tw/about/",
    }
    assert not entries["https://example.org/deep-learning/"].findall("x:link", names)


def test_translation_report_names_what_falls_back(site: Path) -> None:
    from sitegen.build import load_site
    from sitegen.publish.coverage import translation_gaps
    from tests.conftest import site_config

    locales, _, indexed = load_site(site_config(site))
    report = {gaps.locale: gaps for gaps in translation_gaps(indexed, locales)}
    assert report["fr"].pages == ("content/blog/2024-04-01-english-only.md", "content/blog/2024-05-01-chinese.md", "content/deep-learning.md")
    assert report["fr"].strings == ()
    assert report["zh-TW"].strings == ()
    assert "content/blog/2024-05-01-chinese.md" not in report["zh-Hans"].pages
    assert report["fr"].format()[0] == "fr: 3 of 5 pages fall back:"


def test_translation_report_lists_missing_ui_strings(make_site: MakeSite) -> None:
    import subprocess
    import sys

    locales = LOCALES.replace("      search: Rechercher\n", "").replace("      pagination: Pagination\n      not_found", "      not_found")
    root = make_site({**SITE, "locales.yaml": locales}, settings=SETTINGS)
    result = subprocess.run([sys.executable, "-m", "sitegen", "check", "--translations", "--root", str(root)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "fr: 1 UI strings fall back: search" in result.stdout.splitlines()
