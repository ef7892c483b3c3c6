"""Incremental builds: only what changed is rendered, and the result equals a clean build byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import BuildReport
from tests.conftest import MakeSite, build_root, tree_bytes


def post(title: str, tags: str = "ml", body: str = "Body text.") -> str:
    return f"---\ntitle: {title}\ntags: {tags}\n---\nIntro of {title}.\n\n<!--more-->\n\n{body}\n"


FILES = {
    "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
    **{f"content/blog/2024-01-{day:02d}-post-{day}.md": post(f"Post {day}", "ml numpy" if day % 2 else "ml") for day in range(1, 8)},
    "static/extra.css": "body { color: black; }\n",
}


def rendered_dests(report: BuildReport) -> set[str]:
    return {output.dest for output in report.outputs if output.dest.endswith(".html")}


def clean_build_equals(root: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    build_root(root, output=clean)
    assert tree_bytes(root / "_site") == tree_bytes(clean)


def test_nothing_changed_writes_and_renders_nothing(make_site: MakeSite) -> None:
    root = make_site(FILES)
    build_root(root)
    report = build_root(root)
    assert (report.written, report.rendered) == (0, 0)
    assert report.summary().startswith("Nothing changed: ")


def test_an_edited_post_rebuilds_its_page_and_its_listings_only(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    build_root(root)
    (root / "content/blog/2024-01-03-post-3.md").write_text(post("Post 3", "ml numpy", "New body."), encoding="utf-8")
    report = build_root(root)
    # A template can read any field of a listed post (its body too): what shows post 3 is made again, nothing else.
    assert rendered_dests(report) == {
        "blog/post-3/index.html",
        "blog/post-2/index.html",  # its neighbours
        "blog/post-4/index.html",
        "blog/page/3/index.html",  # the blog page listing it
        "blog/tags/index.html",  # every tag with its posts
        "blog/tags/ml/page/3/index.html",  # its tags' pages that list it (tag.html does not read tag.posts)
        "blog/tags/numpy/page/2/index.html",
        "index.html",  # the home page reads `posts`
        "blog/post-1/index.html",  # posts that list it among related posts (most shared tags)
        "blog/post-5/index.html",
        "blog/post-7/index.html",
        "blog/archive/index.html",  # the archive lists every post
    }
    assert report.written == 4  # its page, the blog feed and its tags' feeds: the others' bytes are the same
    (root / "content/blog/2024-01-03-post-3.md").write_text(post("Post three", "ml numpy"), encoding="utf-8")
    report = build_root(root)
    dests = rendered_dests(report)
    assert "blog/post-3/index.html" in dests
    assert {"blog/page/3/index.html", "blog/tags/ml/page/3/index.html", "blog/tags/numpy/page/2/index.html"} <= dests
    assert "blog/post-6/index.html" not in dests  # lists neither post 3 nor a neighbour of it
    assert {"blog/post-1/index.html", "blog/post-5/index.html"} <= dests  # they list it under related posts
    assert "blog/archive/index.html" in dests  # the archive lists every title
    assert {"blog/post-2/index.html", "blog/post-4/index.html"} <= dests  # its neighbours show its title
    clean_build_equals(root, tmp_path)


def test_a_tag_page_that_reads_all_its_tags_posts_follows_each_of_them(make_site: MakeSite, tmp_path: Path) -> None:
    tag_page = (
        '{% extends "base.html" %}{% block main %}<h1>{{ tag.name }}: {{ tag.posts | length }}</h1>'
        "<p>{% for post in tag.posts %}{{ post.title }};{% endfor %}</p>"
        '{% with posts = listing.posts %}{% include "partials/post-list.html" %}{% endwith %}{% endblock %}'
    )
    root = make_site({**FILES, "templates/tag.html": tag_page})
    build_root(root)
    (root / "content/blog/2024-01-07-post-7.md").write_text(post("Post seven", "ml numpy"), encoding="utf-8")
    dests = rendered_dests(build_root(root))
    # Post 7 is listed on the first page of each tag, yet every page of its tags names it now.
    assert {"blog/tags/ml/page/4/index.html", "blog/tags/numpy/page/2/index.html"} <= dests
    assert "Post seven;" in (root / "_site/blog/tags/ml/page/4/index.html").read_text(encoding="utf-8")
    clean_build_equals(root, tmp_path)


def test_an_edited_template_rebuilds_the_pages_that_use_it(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    build_root(root)
    tags = root / "templates/tags.html"
    tags.write_text(tags.read_text(encoding="utf-8").replace("<h1>", "<h1 class='x'>"), encoding="utf-8")
    assert rendered_dests(build_root(root)) == {"blog/tags/index.html"}
    partial = root / "templates/partials/tags.html"
    partial.write_text(partial.read_text(encoding="utf-8").replace('class="tag-list"', 'class="tag-list tags"'), encoding="utf-8")
    dests = rendered_dests(build_root(root))
    assert "blog/post-1/index.html" in dests and "blog/index.html" in dests and "about/index.html" not in dests
    clean_build_equals(root, tmp_path)


def test_a_static_file_is_copied_alone(make_site: MakeSite) -> None:
    root = make_site(FILES)
    build_root(root)
    (root / "static/extra.css").write_text("body { color: navy; }\n", encoding="utf-8")
    report = build_root(root)
    assert report.rendered == 0
    assert report.written == 1
    assert (root / "_site/extra.css").read_text(encoding="utf-8") == "body { color: navy; }\n"


def test_settings_change_rebuilds_everything(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    first = build_root(root)
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Test Site", "Renamed Site"), encoding="utf-8")
    assert rendered_dests(build_root(root)) == {o.dest for o in first.outputs if o.dest.endswith(".html")}
    clean_build_equals(root, tmp_path)


def test_removed_posts_disappear_and_new_ones_appear(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    build_root(root)
    (root / "content/blog/2024-01-07-post-7.md").unlink()
    (root / "content/blog/2024-02-01-fresh.md").write_text(post("Fresh", "new-tag"), encoding="utf-8")
    build_root(root)
    assert not (root / "_site/blog/post-7").exists()
    assert (root / "_site/blog/fresh/index.html").is_file()
    assert (root / "_site/blog/tags/new-tag/index.html").is_file()
    clean_build_equals(root, tmp_path)


def test_parallel_reading_equals_serial(make_site: MakeSite, tmp_path: Path) -> None:
    many = {f"content/blog/2023-{m:02d}-{d:02d}-n{m}-{d}.md": post(f"N {m} {d}", body="$x_i$ and `code`") for m in range(1, 5) for d in range(1, 9)}
    root = make_site({**FILES, **many})
    serial = build_root(root, output=tmp_path / "serial", jobs=1)
    parallel = build_root(root, output=tmp_path / "parallel", jobs=2)
    assert serial.pages == parallel.pages > 40
    assert tree_bytes(tmp_path / "serial") == tree_bytes(tmp_path / "parallel")


EDITS = st.lists(
    st.tuples(st.integers(min_value=1, max_value=7), st.sampled_from(["title", "body", "tags", "delete", "template"])),
    min_size=1,
    max_size=4,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_any_sequence_of_edits_equals_a_clean_build(make_site: MakeSite, tmp_path_factory: object, edits: list[tuple[int, str]]) -> None:
    import tempfile

    root = make_site(FILES)
    build_root(root)
    for day, kind in edits:
        path = root / f"content/blog/2024-01-{day:02d}-post-{day}.md"
        if kind == "delete":
            path.unlink(missing_ok=True)
        elif kind == "template":
            base = root / "templates/post.html"
            base.write_text(base.read_text(encoding="utf-8") + f"\n{{# edit {day} #}}\n", encoding="utf-8")
        else:
            changes = {"title": post(f"Retitled {day}"), "body": post(f"Post {day}", body="Changed."), "tags": post(f"Post {day}", "other")}
            path.write_text(changes[kind], encoding="utf-8")
        build_root(root)
    with tempfile.TemporaryDirectory() as folder:
        clean_build_equals(root, Path(folder))


def test_a_record_that_does_not_name_the_tree_on_disk_is_not_trusted(make_site: MakeSite, tmp_path: Path) -> None:
    import json

    root = make_site(FILES)
    build_root(root)
    (record,) = (root / ".sitegen-cache").glob("build-*.json")
    data = json.loads(record.read_text(encoding="utf-8"))
    data["fingerprints"]["blog/post-3/index.html"] = "0" * 32  # a record of another build than the one on disk
    record.write_text(json.dumps(data), encoding="utf-8")
    (root / "_site/blog/post-1/index.html").write_text("damaged", encoding="utf-8")
    report = build_root(root)
    assert report.summary() != "Nothing changed"
    assert report.rendered == report.pages  # every page made again
    clean_build_equals(root, tmp_path)


def test_files_a_build_no_longer_makes_are_removed_with_their_folders(make_site: MakeSite) -> None:
    root = make_site(FILES)
    build_root(root)
    (root / "content/about.md").unlink()
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('menu = ["about", "blog"]', 'menu = ["blog"]'), encoding="utf-8")
    build_root(root)
    assert not (root / "_site/about").exists()


def test_a_future_post_appears_once_it_is_due_though_no_file_changed(make_site: MakeSite) -> None:
    from datetime import UTC, datetime

    root = make_site({**FILES, "content/blog/2026-12-01-later.md": post("Later")})
    build_root(root)  # the clock is pinned to 2026-11-01
    assert not (root / "_site/blog/later").exists()
    assert build_root(root).written == 0
    build_root(root, now=datetime(2026, 12, 2, tzinfo=UTC))
    assert (root / "_site/blog/later/index.html").is_file()


def test_a_memo_kept_between_builds_hashes_and_parses_only_what_changed(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitegen.build import build
    from sitegen.engine import deps
    from sitegen.engine.memo import BuildMemo
    from tests.conftest import site_config

    root = make_site(FILES)
    memo = BuildMemo()
    build(site_config(root), memo=memo)
    hashed: list[str] = []
    parsed: list[str] = []
    real_digest, real_parse = deps.document_digest, deps.jinja2.Environment.parse
    monkeypatch.setattr(deps, "document_digest", lambda document: hashed.append(document.source.rel) or real_digest(document))
    monkeypatch.setattr(deps.jinja2.Environment, "parse", lambda env, *args: parsed.append(args[1] if len(args) > 1 else "") or real_parse(env, *args))
    (root / "content/blog/2024-01-03-post-3.md").write_text(post("Post 3", "ml numpy", "New body."), encoding="utf-8")
    (root / "templates/tag.html").write_text((root / "templates/tag.html").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(site_config(root), memo=memo)
    assert set(hashed) == {"content/blog/2024-01-03-post-3.md"}
    assert parsed == ["tag.html"]
    clean_build_equals(root, tmp_path)
