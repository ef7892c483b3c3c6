"""Opt-in giscus comments: a button on posts when the settings name a repository, and a post can opt out."""

from __future__ import annotations

from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, parse_page

GISCUS = (
    'giscus_repo = "example/site"\ngiscus_repo_id = "R_1"\ngiscus_category = "Comments"\n'
    'giscus_category_id = "C_1"\n'
)
FILES = {
    "content/blog/2024-01-01-open.md": "---\ntitle: Open\n---\nHello.\n",
    "content/blog/2024-01-02-closed.md": "---\ntitle: Closed\ncomments: false\n---\nHello.\n",
    "content/blog/2024-01-03-closed-yaml-no.md": "---\ntitle: Also closed\ncomments: no\n---\nHello.\n",
    "content/about.md": "---\ntitle: About\n---\nA.\n",
}


def comment_parts(page: object) -> tuple[int, int, list[str]]:
    """Return how many comment sections and buttons a page has, and every script it loads."""
    tags = page.tags  # type: ignore[attr-defined]
    sections = [attrs for name, attrs in tags if name == "section" and "comments" in attrs.get("class", "").split()]
    buttons = [attrs for name, attrs in tags if name == "button" and "comments-button" in attrs.get("class", "").split()]
    scripts = [attrs["src"] for name, attrs in tags if name == "script" and "src" in attrs]
    return len(sections), len(buttons), scripts


def test_a_post_with_comments_false_has_no_comments_button(make_site: MakeSite) -> None:
    root = make_site(FILES, settings=DEFAULT_SETTINGS + GISCUS)
    build_root(root)
    out = root / "_site"
    sections, buttons, scripts = comment_parts(parse_page(out / "blog/open/index.html"))
    assert (sections, buttons) == (1, 1)
    assert not any("giscus" in src for src in scripts)  # loaded by site.js only after the click
    for closed in ("blog/closed/index.html", "blog/closed-yaml-no/index.html"):
        assert comment_parts(parse_page(out / closed))[:2] == (0, 0), closed


def test_comments_are_off_without_a_repository(make_site: MakeSite) -> None:
    root = make_site(FILES)
    build_root(root)
    assert comment_parts(parse_page(root / "_site/blog/open/index.html"))[:2] == (0, 0)
