"""Atom feeds: valid for a real feed parser, absolute links, stable ids, per tag and per locale, no clock."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import yaml

from sitegen.publish.feeds import entry_id, format_time
from sitegen.settings.locales import BUILTIN_LOCALES
from tests.conftest import MakeSite, PageParser, build_root
from tests.publish.test_base_path import BASE_URL, SETTINGS, build_publishing

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(path: Path) -> Any:
    """Parse a feed with feedparser and fail on any well-formedness or encoding problem."""
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def links_in(html: str) -> list[str]:
    parser = PageParser()
    parser.feed(html)
    return [value for _, value in parser.links]


def test_blog_feed_is_valid_atom_with_every_post(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    parsed = parse_feed(root / "_site" / "feed.xml")
    assert parsed.feed.title == "Pat Example"
    assert parsed.feed.id == BASE_URL + "blog/"
    assert parsed.feed.author_detail == {"name": "Pat Example", "email": "pat@example.org"}
    assert parsed.feed.language == "en"
    assert {link.rel: link.href for link in parsed.feed.links} == {
        "self": BASE_URL + "feed.xml",
        "alternate": BASE_URL + "blog/",
    }
    assert [entry.link for entry in parsed.entries] == [
        BASE_URL + "blog/third/",
        BASE_URL + "blog/second/",
        BASE_URL + "blog/attention/",
    ]
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.link and entry.updated and entry.summary
        assert entry.id.startswith("tag:example.github.io,2024-")
        assert entry.author_detail.name == "Pat Example"


def test_feed_updated_is_the_newest_entry_not_the_clock(make_site: MakeSite, tmp_path: Path) -> None:
    root, _ = build_publishing(make_site)
    tree = ET.parse(root / "_site" / "feed.xml").getroot()
    # The first post was updated on 2024-06-01, after the newest post's date (2024-05-01).
    assert tree.findtext(f"{ATOM}updated") == "2024-06-01T00:00:00Z"
    entry = tree.findall(f"{ATOM}entry")[2]
    assert (entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated")) == (
        "2024-03-05T00:00:00Z",
        "2024-06-01T00:00:00Z",
    )
    later = tmp_path / "later"
    build_root(root, output=later, now=datetime(2031, 1, 1, tzinfo=UTC))
    for dest in ("feed.xml", "blog/tags/numpy/feed.xml", "sitemap.xml", "robots.txt"):
        assert (later / dest).read_bytes() == (root / "_site" / dest).read_bytes(), dest


def test_entry_content_is_full_html_with_absolute_links(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    tree = ET.parse(root / "_site" / "feed.xml").getroot()
    first = tree.findall(f"{ATOM}entry")[2]
    assert first.findtext(f"{ATOM}title") == "Attention </script> & <b>friends</b>"
    content = first.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    links = links_in(content.text or "")
    assert links == [
        BASE_URL + "blog/attention.svg",
        BASE_URL + "blog/second/#details",
        BASE_URL + "blog/attention/#details",
        BASE_URL,
    ]
    summary = first.find(f"{ATOM}summary")
    assert summary is not None and summary.get("type") == "html"
    assert "Attention, from scratch." in (summary.text or "")
    assert "Details" not in (summary.text or "")


def test_summaries_only_when_full_content_is_off(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site, feed_full_content=False, feed_entries=2)
    tree = ET.parse(root / "_site" / "feed.xml").getroot()
    entries = tree.findall(f"{ATOM}entry")
    assert len(entries) == 2
    assert all(entry.find(f"{ATOM}content") is None for entry in entries)
    assert all(entry.findtext(f"{ATOM}summary") for entry in entries)


def test_one_feed_per_tag(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    numpy = parse_feed(root / "_site" / "blog" / "tags" / "numpy" / "feed.xml")
    assert numpy.feed.title == "Posts tagged “numpy” · Pat Example"
    assert numpy.feed.id == BASE_URL + "blog/tags/numpy/"
    assert [entry.link for entry in numpy.entries] == [BASE_URL + "blog/second/", BASE_URL + "blog/attention/"]
    attention = parse_feed(root / "_site" / "blog" / "tags" / "attention" / "feed.xml")
    assert [entry.title for entry in attention.entries] == ["Attention </script> & <b>friends</b>"]
    main_ids = {entry.id for entry in parse_feed(root / "_site" / "feed.xml").entries}
    assert {entry.id for entry in numpy.entries} <= main_ids  # one post, one id, in every feed


def test_tag_pages_announce_their_feed(make_site: MakeSite) -> None:
    root, _ = build_publishing(make_site)
    parser = PageParser()
    parser.feed((root / "_site" / "blog" / "tags" / "numpy" / "index.html").read_text(encoding="utf-8"))
    feeds = [link["href"] for link in parser.find_all("link") if link.get("type") == "application/atom+xml"]
    assert "/portfolio/blog/tags/numpy/feed.xml" in feeds


def test_a_blog_without_posts_still_has_a_valid_feed(make_site: MakeSite) -> None:
    root = make_site({"content/about.md": "# About\n\nHello.\n"}, settings=SETTINGS)
    build_root(root)
    parsed = parse_feed(root / "_site" / "feed.xml")
    assert parsed.entries == []
    assert parsed.feed.updated == "1970-01-01T00:00:00Z"


def two_locales() -> str:
    """locales.yaml with the built-in English and a French locale that falls back to it."""
    data = yaml.safe_load(BUILTIN_LOCALES.read_text(encoding="utf-8"))
    data["build"] = [data.get("default", "en"), "fr"]
    data["locales"]["fr"] = {"name": "Français", "fallback": ["en"], "strings": {"posts_tagged": "Billets « {tag} »"}}
    return yaml.safe_dump(data, allow_unicode=True)


def test_each_locale_has_its_own_feeds_under_its_prefix(make_site: MakeSite) -> None:
    translation = {
        "content/blog/2024-04-01-second.fr.md": "---\ntitle: Deuxième\ntags: numpy\n---\nDeuxième billet.\n",
        "locales.yaml": two_locales(),
    }
    root, _ = build_publishing(make_site, files=translation)
    english = parse_feed(root / "_site" / "feed.xml")
    french = parse_feed(root / "_site" / "fr" / "feed.xml")
    assert french.feed.language == "fr"
    assert french.feed.id == BASE_URL + "fr/blog/"
    assert french.feed.links[0].href == BASE_URL + "fr/feed.xml"
    # A locale's feed holds only the posts written in it; untranslated ones are listed on its pages only.
    assert [(entry.title, entry.link) for entry in french.entries] == [("Deuxième", BASE_URL + "fr/blog/second/")]
    assert french.entries[0].id not in {entry.id for entry in english.entries}
    assert "Deuxième" not in {entry.title for entry in english.entries}
    tagged = parse_feed(root / "_site" / "fr" / "blog" / "tags" / "numpy" / "feed.xml")
    assert tagged.feed.title == "Billets « numpy » · Pat Example"
    assert tagged.feed.links[0].href == BASE_URL + "fr/blog/tags/numpy/feed.xml"


def test_time_and_id_formats() -> None:
    moment = datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert format_time(moment) == "2024-03-05T14:30:00Z"
    assert format_time(moment.astimezone(ZoneInfo("Europe/Paris"))) == "2024-03-05T15:30:00+01:00"

    class Post:
        date = moment
        url = "/portfolio/blog/x/"

    class Settings:
        base_url = "https://example.github.io:8443/portfolio/"

    assert entry_id(Post(), Settings()) == "tag:example.github.io,2024-03-05:/portfolio/blog/x/"  # type: ignore[arg-type]
