"""End-to-end builds of small fixture sites: pages, links, escaping, determinism, atomicity, errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from tests.conftest import MakeSite, build_root, parse_page, tree_bytes

POSTS = {
    "content/about.md": """
        ---
        titles:
          en: &EN About me
          en-GB: *EN
        layout: about
        photo: images/me.svg
        ---
        I write about [attention](blog/2024-03-05-attention.md) and ![a figure](images/me.svg).
        """,
    "content/images/me.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    "content/index.html": """
        ---
        title: Home
        ---
        <p>Read <a href="{{ url('about') }}">about me</a>, see <img src="{{ link('images/me.svg') }}" alt="me" width="10" height="10">.</p>
        """,
    "content/blog/2024-03-05-attention.md": """
        ---
        title: "<script>alert(1)</script>"
        tags: [attention, numpy]
        ---
        Opening with $x_i$.

        <!--more-->

        ## Details
        Back [home](/about/).
        """,
    "content/blog/2024-04-01-second.md": """
        ---
        title: Second
        tags: numpy optimisation
        date: 2024-04-01 09:30:00 +01:00
        ---
        Second post.
        """,
    "content/blog/2024-05-01-third.md": "---\ntitle: Third\n---\nThird post.\n",
    "content/blog/2024-06-01-draft.md": "---\ntitle: Draft\ndraft: true\n---\nNot yet.\n",
    "content/blog/2030-01-01-future.md": "---\ntitle: Future\n---\nLater.\n",
}


def built_files(root: Path) -> set[str]:
    return {p.relative_to(root / "_site").as_posix() for p in (root / "_site").rglob("*") if p.is_file()}


def test_builds_every_kind_of_page(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    report = build_root(root)
    files = built_files(root)
    for dest in (
        "index.html",
        "about/index.html",
        "blog/index.html",
        "blog/page/2/index.html",
        "blog/attention/index.html",
        "blog/second/index.html",
        "blog/third/index.html",
        "blog/tags/index.html",
        "blog/tags/numpy/index.html",
        "blog/tags/optimisation/index.html",
        "404.html",
        "images/me.svg",
        "css/site.css",
        "css/pygments.css",
    ):
        assert dest in files, dest
    assert "blog/draft/index.html" not in files
    assert "blog/future/index.html" not in files
    assert report.posts == 3
    assert parse_page(root / "_site/about/index.html").title == "About me · Test Site"


def test_drafts_and_future_posts_with_drafts_flag(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    build_root(root, drafts=True)
    assert {"blog/draft/index.html", "blog/future/index.html"} <= built_files(root)


def test_blog_index_is_newest_first_and_paginated(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    build_root(root)
    first = parse_page(root / "_site/blog/index.html")
    posts = [a["href"] for a in first.find_all("a") if a.get("href", "").count("/") == 3 and "/blog/" in a["href"] and "/tags/" not in a["href"]]
    assert list(dict.fromkeys(posts)) == ["/blog/third/", "/blog/second/"]
    assert ("href", "/blog/page/2/") in first.links
    second = parse_page(root / "_site/blog/page/2/index.html")
    assert ("href", "/blog/attention/") in second.links
    assert ("href", "/blog/") in second.links


def test_every_internal_link_and_asset_resolves(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    build_root(root)
    assert broken_links(root / "_site", "/") == []


def broken_links(out: Path, base: str) -> list[str]:
    """Return every href/src in the output that points at no file (feed links excepted until feeds exist)."""
    problems = []
    for page in sorted(out.rglob("*.html")):
        for _, link in parse_page(page).links:
            if not link.startswith("/") or link.startswith("//"):
                continue
            path = link.split("#")[0].split("?")[0]
            from urllib.parse import unquote

            target = out / unquote(path).removeprefix(base)
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page.relative_to(out)} -> {link}")
    return problems


def test_titles_are_escaped_everywhere(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    build_root(root)
    for page in (root / "_site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html, page
    post = (root / "_site/blog/attention/index.html").read_text(encoding="utf-8")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in post
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · Test Site</title>" in post
    index = (root / "_site/blog/tags/numpy/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_relative_links_point_at_published_urls(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    build_root(root)
    about = parse_page(root / "_site/about/index.html")
    assert ("href", "/blog/attention/") in about.links
    assert ("src", "/images/me.svg") in about.links
    home = parse_page(root / "_site/index.html")
    assert ("href", "/about/") in home.links


def test_same_input_gives_the_same_bytes(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(POSTS)
    build_root(root, output=tmp_path / "one")
    build_root(root, output=tmp_path / "two")
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_a_base_path_prefixes_every_url(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    build_root(root, base_url="https://user.github.io/portfolio/")
    about = parse_page(root / "_site/about/index.html")
    internal = [link for _, link in about.links if link.startswith("/")]
    assert internal and all(link.startswith("/portfolio/") for link in internal)
    post = parse_page(root / "_site/blog/attention/index.html")
    assert ("href", "/portfolio/about/") in post.links


def test_a_rebuild_with_nothing_changed_writes_nothing(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    assert build_root(root).written > 0
    assert build_root(root).written == 0


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"content/blog/2024-01-01-bad.md": "---\ntitle: ok\ntags: [a, b\ndate: 2024-01-01\n---\nbody\n"},
            "content/blog/2024-01-01-bad.md:3:7: error: invalid YAML: a flow sequence is not closed: did not find expected ',' or ']' (noticed at line 4)",
        ),
        (
            {"content/x.md": "---\nlayout: nope\n---\nbody\n"},
            (
                "content/x.md:2: error: unknown layout 'nope' (templates/nope.html does not exist)\n"
                "  hint: known layouts: 404, about, archive, base, blog, cv, deep-learning, home, page, post, project, publications, tag, tags"
            ),
        ),
        (
            {"content/x.md": "---\ntitles:\n  fr: Seulement\n---\nbody\n"},
            "content/x.md:2: error: field 'title' has no value for locale 'en' (tried en)",
        ),
        (
            {"content/x.html": "---\ntitle: X\n---\n<p>\n{{ link('images/missing.png') }}</p>\n"},
            "content/x.html:5: error: link('images/missing.png'): no such file in content/ or static/",
        ),
        (
            {"content/x.html": "---\ntitle: X\n---\n<p>{{ url('nowhere') }}</p>\n"},
            "content/x.html:4: error: url('nowhere'): no page with that id",
        ),
        (
            {"content/x.html": "---\ntitle: X\n---\n<p>\n{% if %}</p>\n"},
            "content/x.html:5: error: Expected an expression, got 'end of statement block'",
        ),
        (
            {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n{{ nothing_here }}\n{% endblock %}\n", "content/x.md": "x\n"},
            "templates/page.html:3: error: undefined template variable: 'nothing_here' is undefined (rendering content/x.md)",
        ),
        (
            {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n{% for %}\n{% endblock %}\n", "content/x.md": "x\n"},
            "templates/page.html:3: error: Expected an expression, got 'end of statement block'",
        ),
        (
            {"content/blog/untitled.md": "---\ntitle: No date\n---\nbody\n"},
            "content/blog/untitled.md:1: error: a post needs a date: name it YYYY-MM-DD-slug.md or add 'date:'",
        ),
        (
            {"content/blog/2024-01-01-x.md": "---\ndate: March 5\n---\nbody\n"},
            "content/blog/2024-01-01-x.md:2: error: 'date' must be a date like 2024-03-05 or 2024-03-05 14:30:00 +01:00, got 'March 5'",
        ),
        (
            {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n{{ t('nope') }}\n{% endblock %}\n", "content/x.md": "x\n"},
            "templates/page.html:3: error: t('nope'): no UI string with that key in locales.yaml (rendering content/x.md)",
        ),
    ],
    ids=["yaml", "layout", "locale", "link", "url", "body-syntax", "undefined", "template-syntax", "no-date", "bad-date", "ui-string"],
)
def test_errors_name_file_and_line_and_leave_the_site_intact(make_site: MakeSite, files: dict[str, str], expected: str) -> None:
    root = make_site(POSTS)
    build_root(root)
    before = tree_bytes(root / "_site")
    make_site(files)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == expected
    assert tree_bytes(root / "_site") == before
    assert not [name for name in os.listdir(root) if name.startswith("._site")]


def test_problems_in_several_files_are_reported_together(make_site: MakeSite) -> None:
    root = make_site({
        "content/a.md": "---\ntitle: [\n---\n",
        "content/b.md": "---\n- x\n---\n",
    })
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    lines = caught.value.format().splitlines()
    assert [line.split(":")[0] for line in lines] == ["content/a.md", "content/b.md"]


def test_output_collisions_are_reported(make_site: MakeSite) -> None:
    root = make_site({"content/about.md": "A\n", "content/about/index.md": "B\n"})
    with pytest.raises(SitegenError, match="'about/index.html' would be written by content/about.md and content/about/index.md"):
        build_root(root)


def test_refuses_to_replace_a_folder_it_did_not_write(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(POSTS)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SitegenError, match="not a folder sitegen wrote"):
        build_root(root, output=foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(SitegenError, match="refusing to write the site into"):
        build_root(root, output=Path.home())
    with pytest.raises(SitegenError, match="refusing to write the site into"):
        build_root(root, output=root)


def test_math_failure_is_a_warning_with_its_line(make_site: MakeSite) -> None:
    root = make_site({"content/about.md": "About\n", "content/x.md": "---\ntitle: X\n---\n\nOne\n\nBad $\\frac{a}{$ math\n"})
    report = build_root(root)
    assert [w.format() for w in report.warnings] == [
        "content/x.md:7: warning: math could not be converted (NoAvailableTokensError): $\\frac{a}{$"
    ]
    with pytest.raises(SitegenError, match=r"content/x.md:7: error: math could not be converted"):
        build_root(root, strict=True)
