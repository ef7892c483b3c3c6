"""Related posts: the posts sharing most tags with a post, newest first among equals, at most three."""

from __future__ import annotations

import re

from tests.conftest import MakeSite, build_root

TAGS = {
    "2024-01-01-subject": "[a, b, c]",
    "2024-02-01-two-shared-old": "[a, b]",
    "2024-03-01-two-shared-new": "[b, c, z]",
    "2024-04-01-one-shared-old": "[a]",
    "2024-05-01-one-shared-new": "[c]",
    "2024-06-01-nothing-shared": "[z]",
}


def related_of(html: str) -> list[str]:
    aside = re.search(r'<aside class="related-posts".*?</aside>', html, re.DOTALL)
    return re.findall(r'<a href="/blog/([^/]+)/"', aside.group(0)) if aside else []


def test_related_posts_rank_by_shared_tags_then_date(make_site: MakeSite) -> None:
    files = {"content/about.md": "About\n"}
    for name, tags in TAGS.items():
        files[f"content/blog/{name}.md"] = f"---\ntitle: {name[11:]}\ntags: {tags}\n---\n\nBody.\n"
    root = make_site(files)
    build_root(root)
    read = lambda slug: (root / f"_site/blog/{slug}/index.html").read_text(encoding="utf-8")
    assert related_of(read("subject")) == ["two-shared-new", "two-shared-old", "one-shared-new"]
    assert related_of(read("nothing-shared")) == ["two-shared-new"]
    assert related_of(read("one-shared-old")) == ["two-shared-old", "subject"]
    assert "subject" not in related_of(read("subject"))
