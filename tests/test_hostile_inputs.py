"""Hostile input, one regression test per case: the exact one-line message, never a traceback (issue 15)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.settings.yamlload import parse_yaml
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, tree_bytes

SETTINGS = DEFAULT_SETTINGS.replace('menu = ["about", "blog"]', "menu = []")
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def post(front: str, body: str = "Hello.\n") -> str:
    return f"---\n{front}\n---\n{body}"


def notebook(cells: list[object], **top: object) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **top})


def image_cell(data: dict[str, object], metadata: dict[str, object]) -> dict[str, object]:
    output = {"output_type": "display_data", "metadata": metadata, "data": data}
    return {"cell_type": "code", "source": "x", "metadata": {}, "execution_count": 1, "outputs": [output]}


LAUGHS = "\n".join(
    [f"a0: &a0 [{', '.join(['lol'] * 9)}]"] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
)
POST = "content/blog/2024-01-01-x.md"

CASES = {
    "impossible day": ({POST: post("date: 2024-02-30")}, f"{POST}:2:7: error: invalid YAML: cannot read '2024-02-30' as !!timestamp (day is out of range for month)"),
    "hour 25": ({POST: post("updated: 2024-03-05 25:00:00")}, f"{POST}:2:10: error: invalid YAML: cannot read '2024-03-05 25:00:00' as !!timestamp (hour must be in 0..23)"),
    "year 0": ({POST: post("date: 0000-01-01")}, f"{POST}:2:7: error: invalid YAML: cannot read '0000-01-01' as !!timestamp (year 0 is out of range)"),
    "offset +25:00": ({POST: post("date: 2024-03-05 10:00:00 +25:00")}, f"{POST}:2:7: error: invalid YAML: cannot read '2024-03-05 10:00:00 +25:00' as !!timestamp (the UTC offset must be under 24 hours)"),
    "year 1 with an offset": ({POST: post("date: '0001-01-01 00:00:00 +01:00'")}, f"{POST}:2: error: 'date' must be a date between the years 2 and 9998, got '0001-01-01 00:00:00 +01:00'"),
    "impossible day in the file name": ({"content/blog/2024-02-30-x.md": post("title: x")}, "content/blog/2024-02-30-x.md: error: the date 2024-02-30 in the file name is not a real day"),
    "!!float abc": ({"content/a.md": post("x: !!float abc")}, "content/a.md:2:4: error: invalid YAML: cannot read 'abc' as !!float (could not convert string to float: 'abc')"),
    "!!int x": ({"content/a.md": post("x: !!int x")}, "content/a.md:2:4: error: invalid YAML: cannot read 'x' as !!int (invalid literal for int() with base 10: 'x')"),
    "!!bool maybe": ({"content/a.md": post("x: !!bool maybe")}, "content/a.md:2:4: error: invalid YAML: cannot read 'maybe' as !!bool (not a value of that type)"),
    "a control character in YAML": ({"content/a.md": post("a: 1\nb: x\x05y")}, "content/a.md:3:5: error: invalid YAML: the character U+0005 is not allowed"),
    "tags: 5": ({POST: post("tags: 5")}, f"{POST}:2: error: field 'tags' must be a list of words, or words separated by spaces, got a number 5"),
    "tags of mappings": ({POST: post("tags: [[a], {b: c}]")}, f"{POST}:2: error: field 'tags' must be a list of words, or words separated by spaces, got a list"),
    "layout of a list": ({"content/a.md": post("layout: {en: [1]}")}, "content/a.md:2: error: field 'layout' must be text or a number, got a mapping"),
    "a 300-character tag": ({POST: post("tags: [" + "a" * 300 + "]")}, f"{POST}:2: error: tag 'aaaaaaaaaaaaaaaaaaaa…': the name 'aaaaaaaaaaaaaaaaaaaa…' in its output path is longer than 200 bytes"),
    "a 300-character slug": ({POST: post("slug: " + "a" * 300)}, f"{POST}:2: error: the name 'aaaaaaaaaaaaaaaaaaaa…' in its output path is longer than 200 bytes"),
    "101 tags": ({POST: post("tags: [" + ", ".join(f"t{n}" for n in range(101)) + "]")}, f"{POST}:2: error: a post may have at most 100 tags, this one has 101"),
    "3,000 tags": ({POST: post("tags: [" + ", ".join(f"t{n}" for n in range(3000)) + "]")}, f"{POST}:2: error: a post may have at most 100 tags, this one has 3000"),
    "billion laughs": ({"content/a.md": post(LAUGHS)}, "content/a.md:7: error: YAML stands for more than 100,000 values once its aliases are expanded"),
    "a recursive alias": ({"content/a.md": post("loop: &l [*l]")}, "content/a.md:2: error: YAML alias refers to itself"),
    "YAML nested 101 deep": ({"content/a.md": post("deep: " + "[" * 101 + "]" * 101)}, "content/a.md:2: error: YAML nested more than 100 levels deep"),
    "an unclosed bracket": ({"content/a.md": "---\na: 1\nb: [1, 2\nc: 3\n---\n"}, "content/a.md:3:4: error: invalid YAML: a flow sequence is not closed: did not find expected ',' or ']' (noticed at line 4)"),
    "a list nested 1,000 deep": ({"content/a.md": "".join("  " * i + "- x\n" for i in range(1000))}, "content/a.md:200: error: lists or block quotes nested more than 100 levels deep"),
    "quotes nested 101 deep": ({"content/a.md": post("title: q", ">" * 101 + " x\n")}, "content/a.md:4: error: lists or block quotes nested more than 100 levels deep"),
    "not UTF-8": ({"content/a.md": b"---\ntitle: x\n---\nline\nab\xffc\n"}, "content/a.md:5:3: error: not UTF-8 text (byte 0xff)"),
    "{{ 1/0 }}": ({"content/a.html": post("title: x", "{{ 1/0 }}")}, "content/a.html:4: error: template expression failed: division by zero (ZeroDivisionError)"),
    "a missing include": ({"content/a.html": post("title: x", "{% include 'nope.html' %}")}, "content/a.html:4: error: template 'nope.html' not found in templates/ or the theme"),
    "url(42)": ({"content/a.html": post("title: x", "{{ url(42) }}")}, "content/a.html:4: error: url(42): a page id is a text such as 'about'"),
    "url()": ({"content/a.html": post("title: x", "{{ url() }}")}, "content/a.html:4: error: template expression failed: SiteContext.url() missing 1 required positional argument: 'page_id' (TypeError)"),
    "a recursive macro": ({"content/a.html": post("title: x", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")}, "content/a.html:4: error: a template calls itself without end (RecursionError)"),
    "cell type 5": ({"content/n.ipynb": notebook([{"cell_type": 5, "source": "x", "metadata": {}}])}, "content/n.ipynb: error: invalid notebook: cell 1: unknown cell type 5"),
    "cell metadata a list": ({"content/n.ipynb": notebook([{"cell_type": "markdown", "source": "x", "metadata": []}])}, "content/n.ipynb: error: invalid notebook: cell 1: 'metadata' must be a mapping"),
    "nbformat_minor 'x'": ({"content/n.ipynb": notebook([], nbformat_minor="x")}, "content/n.ipynb:1: error: invalid notebook: 'nbformat_minor' must be a whole number from 0, got 'x'"),
    "nbformat_minor -1": ({"content/n.ipynb": notebook([], nbformat_minor=-1)}, "content/n.ipynb:1: error: invalid notebook: 'nbformat_minor' must be a whole number from 0, got -1"),
    "nbformat 5": ({"content/n.ipynb": notebook([], nbformat=5)}, "content/n.ipynb:1: error: unsupported notebook format version 5; sitegen reads nbformat 1 to 4"),
    "brackets 100,000 deep": ({"content/n.ipynb": "[" * 100_000}, "content/n.ipynb:1: error: invalid notebook JSON: nested too deeply"),
    "a notebook list nested 1,000 deep": ({"content/n.ipynb": notebook([{"cell_type": "markdown", "source": "".join("  " * i + "- x\n" for i in range(1000)), "metadata": {}}])}, "content/n.ipynb: error: cell 1: lists or block quotes nested more than 100 levels deep"),
    "dup.md and dup.html": ({"content/dup.md": post("title: a"), "content/dup.html": post("title: b")}, "content/dup.html: error: content/dup.html and content/dup.md are the same page 'dup': one would replace the other"),
    "dup.md and dup.ipynb": ({"content/dup.md": post("title: a"), "content/dup.ipynb": notebook([{"cell_type": "markdown", "source": "# T", "metadata": {}, "id": "a"}])}, "content/dup.ipynb: error: content/dup.ipynb and content/dup.md are the same page 'dup': one would replace the other"),
    "foo.md and foo.markdown": ({"content/foo.md": post("title: a"), "content/foo.markdown": post("title: b")}, "content/foo.markdown: error: content/foo.markdown and content/foo.md are the same page 'foo': one would replace the other"),
    "index.md and index.html": ({"content/index.md": post("title: a"), "content/index.html": post("title: b")}, "content/index.html: error: content/index.html and content/index.md are the same page 'index': one would replace the other"),
    "content/feed.xml": ({"content/feed.xml": "<x/>"}, "content/feed.xml: error: 'feed.xml' would be written by content/feed.xml and by the generated Atom feed"),
    "content/sitemap.xml": ({"content/sitemap.xml": "<x/>"}, "content/sitemap.xml: error: 'sitemap.xml' would be written by content/sitemap.xml and by the generated sitemap"),
    "content/robots.txt": ({"content/robots.txt": "x"}, "content/robots.txt: error: 'robots.txt' would be written by content/robots.txt and by the generated robots.txt"),
    "content/css/pygments.css": ({"content/css/pygments.css": "x"}, "content/css/pygments.css: error: 'css/pygments.css' would be written by content/css/pygments.css and by the generated code highlighting stylesheet"),
    "content/blog/tags/index.md": ({"content/blog/tags/index.md": post("title: x")}, "content/blog/tags/index.md: error: 'blog/tags/index.html' would be written by content/blog/tags/index.md and by the generated tag pages"),
    "content/blog/index.md": ({"content/blog/index.md": post("title: x")}, "content/blog/index.md: error: 'blog/index.html' would be written by content/blog/index.md and by the generated blog listing"),
    "content/feed.xml.md": ({"content/feed.xml.md": post("title: x")}, "content/feed.xml.md: error: 'feed.xml' would be both a file and the folder of 'feed.xml/index.html' (content/feed.xml.md and the generated Atom feed)"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_hostile_input_is_one_located_line(make_site: MakeSite, name: str) -> None:
    files, expected = CASES[name]
    root = make_site(files, settings=SETTINGS)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == expected


def test_every_collision_is_reported_at_once(make_site: MakeSite) -> None:
    root = make_site({"content/feed.xml": "<x/>", "content/robots.txt": "x", "content/sitemap.xml": "<x/>"}, settings=SETTINGS)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert [problem.path for problem in caught.value.problems] == ["content/feed.xml", "content/robots.txt", "content/sitemap.xml"]


def test_a_locale_root_is_not_replaced_by_a_page(make_site: MakeSite) -> None:
    locales = "default: en\nbuild: [en, fr]\nlocales:\n  en: {name: English}\n  fr: {name: Français}\n"
    root = make_site({"content/fr/index.md": post("title: x"), "locales.yaml": locales}, settings=SETTINGS)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == (
        "content/fr/index.md: error: 'fr/index.html' would be written by content/fr/index.md and by the generated home page of a locale"
    )


def test_layout_404_is_the_404_template(make_site: MakeSite) -> None:
    root = make_site({"content/missing.md": post("layout: 404\ntitle: Gone")}, settings=SETTINGS)
    build_root(root)
    assert "Gone" in (root / "_site" / "missing" / "index.html").read_text(encoding="utf-8")


def test_infinite_image_sizes_are_ignored(make_site: MakeSite) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e999 1"></svg>'
    cells = [
        {"cell_type": "markdown", "source": "# Sizes", "metadata": {}, "id": "t"},
        image_cell({"image/svg+xml": svg}, {}),
        image_cell({"image/png": PNG}, {"image/png": {"width": "inf"}}),
    ]
    root = make_site({"content/n.ipynb": notebook(cells)}, settings=SETTINGS)
    build_root(root)
    page = (root / "_site" / "n" / "index.html").read_text(encoding="utf-8")
    assert "inf" not in page and "1e999" not in page


def test_a_lone_surrogate_is_replaced_with_a_warning(make_site: MakeSite) -> None:
    text = notebook([{"cell_type": "markdown", "source": "# A\\ud800B", "metadata": {}, "id": "t"}]).replace("\\\\ud800", "\\ud800")
    root = make_site({"content/n.ipynb": text}, settings=SETTINGS)
    report = build_root(root)
    assert [w.format() for w in report.warnings] == ["content/n.ipynb:1: warning: a lone surrogate \\ud800 replaced with U+FFFD"]
    assert "A\ufffdB" in (root / "_site" / "n" / "index.html").read_text(encoding="utf-8")


def test_control_characters_never_reach_xml_or_html(make_site: MakeSite) -> None:
    files = {POST: post('title: "a\\x01b"\ntags: ["c\\x02d"]\ndescription: "e\\x1ff"', "Text \x07 here.\n")}
    root = make_site(files, settings=SETTINGS)
    report = build_root(root)
    assert [w.format() for w in report.warnings] == [
        f"{POST}: warning: removed control characters (first U+0007) that XML and HTML cannot carry"
    ]
    out = root / "_site"
    xml_files = sorted(out.rglob("*.xml"))
    assert len(xml_files) >= 3  # the feed, the tag's feed and the sitemap
    for path in xml_files:
        ET.parse(path)  # well-formed
    for rel, data in tree_bytes(out).items():
        if rel.endswith((".html", ".xml")):
            assert not any(byte < 0x20 and byte not in b"\t\n\r" for byte in data), rel
    assert "ab" in (out / "blog" / "x" / "index.html").read_text(encoding="utf-8")


def test_a_control_character_in_the_settings_is_removed_from_pages(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": post("title: A")}, settings=SETTINGS.replace('title = "Test Site"', 'title = "Test\\u0001Site"'))
    report = build_root(root)
    assert "index.html: warning: removed control characters that XML and HTML cannot carry" in [w.format() for w in report.warnings]
    ET.parse(root / "_site" / "feed.xml")


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs a file outside the site")
def test_links_out_of_the_site_are_never_read(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": post("title: A")}, settings=SETTINGS)
    (root / "content" / "blog").mkdir()
    os.symlink("/etc/passwd", root / "content" / "passwd.txt")
    os.symlink("/etc/passwd", root / "content" / "blog" / "2024-01-01-passwd.md")
    os.symlink("/etc", root / "static" / "etc")
    os.symlink("a.md", root / "content" / "inside.md")  # a link inside the site is fine
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format().splitlines() == [
        "content/blog/2024-01-01-passwd.md: error: the file is a symbolic link out of the site; it is not read",
        "content/passwd.txt: error: the file is a symbolic link out of the site; it is not read",
        "static/etc: error: the folder is a symbolic link out of the site; it is not read",
    ]
    (root / "pyproject.toml").write_text(SETTINGS + 'outside_links = "skip"\n', encoding="utf-8")
    report = build_root(root)
    assert [w.format() for w in report.warnings][:3] == [
        "content/blog/2024-01-01-passwd.md: warning: the file is a symbolic link out of the site; it is not read",
        "content/passwd.txt: warning: the file is a symbolic link out of the site; it is not read",
        "static/etc: warning: the folder is a symbolic link out of the site; it is not read",
    ]
    built = tree_bytes(root / "_site")
    assert "passwd.txt" not in built and not any(rel.startswith(("etc/", "blog/passwd")) for rel in built)
    assert not any(b"root:x:0:0" in data for data in built.values())
    assert "inside/index.html" in built


def test_yaml_errors_point_at_the_opening_of_an_unclosed_quote() -> None:
    with pytest.raises(SitegenError) as caught:
        parse_yaml('a: 1\nb: "open\nc: 3\n\nd: 4\n', "f.md", 2)
    assert caught.value.format() == 'f.md:3:4: error: invalid YAML: a quoted scalar is not closed: found unexpected end of stream (noticed at line 7)'
