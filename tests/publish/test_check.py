"""sitegen check: links, assets, srcset and fragments resolve under the base path; pages have metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.publish.check import CheckProblem, check_site, scan_page
from tests.conftest import MakeSite, write_files

HEAD = '<html lang="en"><head><title>T</title><meta name="description" content="D"></head>'


def page(body: str, head: str = HEAD) -> str:
    """Wrap a body in a page that has a title, a language and a description."""
    return f"<!DOCTYPE html>\n{head}<body>{body}</body></html>\n"


def problems_in(tmp_path: Path, files: dict[str, str | bytes], base_path: str = "/", origin: str = "") -> list[str]:
    out = tmp_path / "out"
    write_files(out, files)
    return [problem.format() for problem in check_site(out, base_path, origin=origin)]


def test_sound_site_has_no_problems(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "index.html": page(
            '<a href="about/">a</a> <a href="/about/#bio">b</a> <a href="#top">t</a> <a href="">self</a>'
            '<img src="img/x.png" srcset="img/x.png 1x, /img/x.png 2x"> <a href="https://other.example/x">e</a>'
            '<a href="mailto:a@b.c">m</a> <a href="about">no slash</a> <a href="?page=2">q</a>'
        ),
        "about/index.html": page('<h2 id="bio">Bio</h2><a href="../">home</a><a href="../img/x.png">x</a>'),
        "img/x.png": b"\x89PNG",
    }
    assert problems_in(tmp_path, files) == []


def test_broken_links_assets_and_fragments_are_reported(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "index.html": page(
            '<a href="missing/">a</a> <img src="img/none.png" alt=""> <a href="about/#nowhere">f</a>'
            '<img srcset="img/x.png 1x, img/gone.png 2x" alt=""> <a href="#here">h</a> <span id="here"></span>'
        ),
        "about/index.html": page("<p>about</p>"),
        "img/x.png": b"\x89PNG",
    }
    assert problems_in(tmp_path, files) == [
        "index.html: broken link: missing/",
        "index.html: broken link: img/none.png",
        "index.html: missing fragment: about/#nowhere",
        "index.html: broken link: img/gone.png",
    ]


def test_links_outside_the_base_path_escape_it(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "index.html": page(
            '<a href="/about/">root</a> <a href="../">up</a> <a href="/portfolio/about/">ok</a>'
            '<link rel="canonical" href="https://example.github.io/about/">'
            '<meta property="og:url" content="https://example.github.io/portfolio/">'
        ),
        "about/index.html": page("<p>about</p>"),
    }
    assert problems_in(tmp_path, files, "/portfolio/", "https://example.github.io") == [
        "index.html: escapes the base path: /about/",
        "index.html: escapes the base path: ../",
        "index.html: escapes the base path: https://example.github.io/about/",
    ]


def test_pages_need_a_title_a_language_and_a_description(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "index.html": "<!DOCTYPE html>\n<html><head><title> </title></head><body></body></html>\n",
        "ok.html": page("<p>fine</p>"),
        "empty.html": page("", head='<html lang=""><head><title>x</title><meta name="description" content=""></head>'),
    }
    assert problems_in(tmp_path, files) == [
        "empty.html: missing <html lang>",
        "empty.html: missing meta description",
        "index.html: missing <title>",
        "index.html: missing <html lang>",
        "index.html: missing meta description",
    ]


def test_relative_links_in_the_404_page_are_problems(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "404.html": page('<a href="./">home</a> <a href="/">root</a> <link href="css/site.css" rel="stylesheet">'),
        "index.html": page(""),
        "css/site.css": "",
    }
    assert problems_in(tmp_path, files) == [
        "404.html: relative link in 404 page: ./",
        "404.html: relative link in 404 page: css/site.css",
    ]


def test_feeds_and_sitemaps_must_parse_and_name_pages_under_the_base_url(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "index.html": page(""),
        "feed.xml": "<feed><entry>",
        "sitemap.xml": (
            '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://example.github.io/portfolio/</loc></url>"
            "<url><loc>https://example.github.io/portfolio/gone/</loc></url>"
            "<url><loc>https://elsewhere.example/portfolio/</loc></url>"
            "<url><loc>/portfolio/</loc></url></urlset>\n"
        ),
    }
    assert problems_in(tmp_path, files, "/portfolio/", "https://example.github.io") == [
        "feed.xml: invalid XML: no element found: line 1, column 13",
        "sitemap.xml: broken link: https://example.github.io/portfolio/gone/",
        "sitemap.xml: outside the base URL: https://elsewhere.example/portfolio/",
        "sitemap.xml: not an absolute URL: /portfolio/",
    ]


def test_percent_encoded_links_and_ids_match(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "index.html": page('<a href="blog/tags/%E6%B7%B1%E5%BA%A6/#%E4%B8%80">tag</a> <a href="x%20y.txt">f</a>'),
        "blog/tags/深度/index.html": page('<h2 id="一">one</h2>'),
        "x y.txt": "text",
    }
    assert problems_in(tmp_path, files) == []


def test_scan_reads_entities_and_names(tmp_path: Path) -> None:
    scan = scan_page('<html lang="fr"><title>A &amp; B</title><a name="old"></a><p id="new">'
                     '<a href="a?x=1&amp;y=2">q</a></html>')
    assert (scan.lang, scan.title, scan.ids, scan.links) == ("fr", "A & B", {"old", "new"}, ["a?x=1&y=2"])


def test_problem_lines_name_the_page_the_problem_and_the_link() -> None:
    assert CheckProblem("about/index.html", "broken link", "/x/").format() == "about/index.html: broken link: /x/"
    assert CheckProblem("index.html", "missing <title>").format() == "index.html: missing <title>"


SETTINGS = """\
[tool.sitegen]
title = "Check Site"
author = "Ada"
description = "Checked."
base_url = "https://example.github.io/portfolio/"
menu = ["about"]
"""


def test_command_prints_ok_summary_after_a_clean_build(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/about.md": "# About\n\nHi, [home](/).\n"}, settings=SETTINGS)
    assert main(["build", "--root", str(root)]) == 0
    capsys.readouterr()
    assert main(["check", "--root", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("checked ") and lines[0].endswith(" links: no problems")


def test_command_prints_each_problem_and_exits_1(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/about.md": "# About\n\nHi.\n"}, settings=SETTINGS)
    out = root / "built"
    assert main(["build", "--root", str(root), "--output", str(out)]) == 0
    (out / "about" / "index.html").write_text(page('<a href="/portfolio/nope/">x</a>'), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--root", str(root), "--output", str(out)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "about/index.html: broken link: /portfolio/nope/"
    assert lines[-1].endswith(": 1 problems")


def test_command_checks_the_base_url_it_is_given(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/about.md": "# About\n"}, settings=SETTINGS)
    assert main(["build", "--root", str(root), "--base-url", "https://pat.example.org/"]) == 0
    capsys.readouterr()
    assert main(["check", "--root", str(root), "--base-url", "https://pat.example.org/"]) == 0
    assert main(["check", "--root", str(root)]) == 1
    assert "index.html: escapes the base path: /about/" in capsys.readouterr().out.splitlines()


def test_command_needs_a_built_site(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/about.md": "# About\n"}, settings=SETTINGS)
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().err == "error: no built site in _site/ (no index.html)\n  hint: run 'sitegen build' first\n"
