"""The staleness rule: whatever a template reads is an input, so an incremental build equals a clean one."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli import main
from tests.conftest import MakeSite, build_root, parse_page, tree_bytes


def post(title: str, description: str, tags: str = "ml") -> str:
    return f"---\ntitle: {title}\ndescription: {description}\ntags: {tags}\n---\nBody of {title}.\n"


POSTS = {
    "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
    **{f"content/blog/2024-01-{day:02d}-post-{day}.md": post(f"Post {day}", f"First words {day}.") for day in range(1, 4)},
}


def clean_build(root: Path, folder: Path) -> dict[str, bytes]:
    build_root(root, output=folder)
    return tree_bytes(folder)


def test_a_listing_that_shows_another_field_follows_its_edits(make_site: MakeSite, tmp_path: Path) -> None:
    # Issue 10's reproduction: the fields a listing showed were listed by hand, and `description` was not one.
    root = make_site(POSTS)
    partial = root / "templates/partials/post-list.html"
    text = partial.read_text(encoding="utf-8")
    partial.write_text(text.replace("<article>", '<article><p class="described">{{ post.description }}</p>'), encoding="utf-8")
    build_root(root)
    (root / "content/blog/2024-01-02-post-2.md").write_text(post("Post 2", "Second thoughts."), encoding="utf-8")
    build_root(root)
    shown = [attrs for attrs in parse_page(root / "_site/blog/index.html").find_all("p") if attrs.get("class") == "described"]
    assert len(shown) == 2  # two posts per page
    assert "Second thoughts." in (root / "_site/blog/index.html").read_text(encoding="utf-8")
    assert tree_bytes(root / "_site") == clean_build(root, tmp_path / "clean")


def test_the_year_from_source_date_epoch_is_an_input(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(POSTS)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    assert main(["build", "--root", str(root)]) == 0
    assert "© 2027 " in (root / "_site/about/index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 0
    assert not capsys.readouterr().out.startswith("Nothing changed")
    assert "© 2026 " in (root / "_site/about/index.html").read_text(encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("Nothing changed")


# --- Generated templates: any field a listing reads, any edit ------------------------------------

# What a listing template may show of each post; each is a Jinja expression on `post`.
FIELDS = {
    "title": "post.title",
    "description": "post.description",
    "summary": "post.summary",
    "date": "post.date.isoformat()",
    "updated": "post.updated.isoformat() if post.updated else ''",
    "tags": "post.tags | map(attribute='name') | join(',')",
    "minutes": "post.reading_minutes",
    "mood": "post.fields.get('mood', '')",
    "body": "post.document.body | length",
    "text": "post.document.text[:20]",
    "url": "post.url",
}
MINIMAL_THEME = {
    "templates/base.html": "<!doctype html><title>{{ site.title }}</title>{% block main %}{% endblock %}\n",
    "templates/page.html": '{% extends "base.html" %}{% block main %}{{ content }}{% endblock %}',
    "templates/post.html": '{% extends "base.html" %}{% block main %}{{ content }}{% endblock %}',
    "templates/blog.html": '{% extends "base.html" %}{% block main %}{% with posts = listing.posts %}{% include "partials/list.html" %}{% endwith %}{% endblock %}',
    "templates/tag.html": '{% extends "base.html" %}{% block main %}{{ tag.name }}{% with posts = listing.posts %}{% include "partials/list.html" %}{% endwith %}{% endblock %}',
    "templates/tags.html": '{% extends "base.html" %}{% block main %}{% for tag in tags %}{{ tag.name }}{% endfor %}{% endblock %}',
    "templates/home.html": '{% extends "base.html" %}{% block main %}{% for post in posts[:1] %}{% include "partials/item.html" %}{% endfor %}{% endblock %}',
    "templates/404.html": '{% extends "base.html" %}{% block main %}Not found{% endblock %}',
}
MINIMAL_SETTINGS = """\
[tool.sitegen]
title = "Generated"
author = "Ada Tester"
base_url = "https://example.org/"
posts_per_page = 2
menu = []
"""


def item_template(names: list[str]) -> str:
    return "<li>" + "|".join("{{ " + FIELDS[name] + " }}" for name in names) + "</li>\n"


def list_template(names: list[str]) -> str:
    return "<ul>{% for post in posts %}" + item_template(names).strip() + "{% endfor %}</ul>\n"


def write_post(root: Path, number: int, values: dict[str, str]) -> None:
    front = "".join(f"{key}: {value}\n" for key, value in values.items() if key != "body")
    path = root / f"content/blog/2024-02-{number:02d}-p{number}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n{values['body']}\n", encoding="utf-8")


FIELD_NAMES = st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=4, unique=True)
EDIT = st.one_of(
    st.tuples(st.just("post"), st.integers(1, 5), st.sampled_from(["title", "description", "updated", "tags", "mood", "body"]), st.integers(0, 3)),
    st.tuples(st.just("template"), st.just(0), FIELD_NAMES, st.just(0)),
)
VALUES = {
    "title": ["Alpha", "Beta", "Gamma", "Delta"],
    "description": ["Short.", "A longer description.", "Other words.", "Plain."],
    "updated": ["2024-03-01", "2024-04-02", "2024-05-03", "2024-06-04"],
    "tags": ["ml", "ml numpy", "numpy", "other"],
    "mood": ["calm", "bright", "tired", "curious"],
    "body": ["One line.", "Two words here.\n\nAnd a second paragraph.", "Quite different text now.", "Body."],
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=FIELD_NAMES, item_names=FIELD_NAMES, edits=st.lists(EDIT, min_size=1, max_size=4))
def test_generated_listing_templates_after_any_edits_equal_a_clean_build(
    make_site: MakeSite, names: list[str], item_names: list[str], edits: list[tuple[str, int, object, int]]
) -> None:
    theme = {**MINIMAL_THEME, "templates/partials/list.html": list_template(names), "templates/partials/item.html": item_template(item_names)}
    root = make_site(theme, settings=MINIMAL_SETTINGS, theme=False)
    for path in (root / "content").rglob("*.md"):
        path.unlink()  # hypothesis reuses the folder: the last example's site is the first build's old output
    posts = {number: {key: values[0] for key, values in VALUES.items() if key != "updated"} for number in range(1, 6)}
    for number, values in posts.items():
        write_post(root, number, values)
    build_root(root)
    for kind, number, what, choice in edits:
        if kind == "template":
            (root / "templates/partials/list.html").write_text(list_template(list(what)), encoding="utf-8")  # type: ignore[call-overload]
        else:
            posts[number][str(what)] = VALUES[str(what)][choice]
            write_post(root, number, posts[number])
        build_root(root)
    with tempfile.TemporaryDirectory() as folder:
        assert tree_bytes(root / "_site") == clean_build(root, Path(folder) / "clean")
