"""The Pagefind search index: made from the built pages, per language, swapped in whole, errors located."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.publish.search import SEARCH_DIR, index_site
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, tree_bytes

LOCALES = """\
default: en
build: [en, fr]
locales:
  en:
    name: English
    strings:
      skip_to_content: Skip to content
      menu: Menu
      home: Home
      posts: Blog
      tags: Tags
      all_tags: All tags
      read_more: Read more
      table_of_contents: Table of contents
      min_read: "{minutes} min read"
      published: Published
      updated: Updated
      previous_post: Previous post
      next_post: Next post
      newer_posts: Newer posts
      older_posts: Older posts
      page_n_of_m: "Page {number} of {count}"
      posts_tagged: "Posts tagged “{tag}”"
      not_found_title: Page not found
      not_found_text: Not here.
      feed: Atom feed
      language: Language
      not_translated: Not yet translated
      download_notebook: Download the notebook
      open_in_colab: Open in Colab
      launch_binder: Launch Binder
      view_on_github: View on GitHub
      toggle_theme: Toggle dark mode
      search: Search
      pagination: Pagination
  fr:
    name: Français
    strings:
      search: Rechercher
"""

SITE = {
    "locales.yaml": LOCALES,
    "content/about.md": "---\ntitle: About\n---\nI study marmalade kinetics.\n",
    "content/about.fr.md": "---\ntitle: À propos\n---\nJ'étudie la cinétique des confitures.\n",
    "content/blog/2024-03-05-attention.md": "---\ntitle: Attention\ntags: [nlp]\n---\nSoftmax over scores.\n",
}


def pagefind_or_skip() -> None:
    try:
        from pagefind.service import get_executable
    except ImportError:
        pytest.skip("the 'pagefind' package is not installed (pip install 'pagefind[extended]')")
    if get_executable() is None:
        pytest.skip("the 'pagefind' package has no binary here (pip install 'pagefind[extended]')")


@pytest.fixture
def built(make_site: MakeSite) -> Path:
    root = make_site(SITE)
    build_root(root)
    return root / "_site"


def entry(out: Path) -> dict[str, dict[str, int]]:
    """Return the languages of the index with their page counts."""
    data = json.loads((out / SEARCH_DIR / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {code: {"pages": value["page_count"]} for code, value in data["languages"].items()}


def test_index_holds_each_language_and_only_the_marked_pages(built: Path) -> None:
    pagefind_or_skip()
    index_site(built)
    for name in ("pagefind.js", "pagefind-worker.js"):
        assert (built / SEARCH_DIR / name).is_file()
    # Posts and pages carry data-pagefind-body; listings, tag pages and the 404 page do not.
    assert entry(built) == {"en": {"pages": 2}, "fr": {"pages": 1}}
    assert not [path.name for path in built.iterdir() if path.name.startswith(f".{SEARCH_DIR}.")]


def test_a_second_run_replaces_the_index_whole(built: Path) -> None:
    pagefind_or_skip()
    index_site(built)
    stale = built / SEARCH_DIR / "stale-file.txt"
    stale.write_text("left from an older index", encoding="utf-8")
    index_site(built)
    assert not stale.exists()
    assert entry(built)["en"] == {"pages": 2}


def test_a_site_with_no_pages_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "_site").mkdir()
    with pytest.raises(SitegenError) as caught:
        index_site(tmp_path / "_site")
    assert caught.value.format() == "error: nothing to index for search: no HTML pages in _site/\n  hint: build the site first"


def test_a_missing_binary_says_how_to_install_it(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pagefind")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(built.parent / "no-such-pagefind"))
    with pytest.raises(SitegenError) as caught:
        index_site(built)
    assert caught.value.format() == (
        "error: search needs the Pagefind binary, which was not found\n"
        "  hint: install it with: pip install 'pagefind[extended]' (the extended binary segments Chinese text)"
    )


def test_a_failed_run_keeps_the_previous_index(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pagefind_or_skip()
    index_site(built)
    before = (built / SEARCH_DIR / "pagefind-entry.json").read_bytes()
    failing = built.parent / "failing-pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: could not parse page.html' >&2\nexit 1\n", encoding="utf-8")
    failing.chmod(failing.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    with pytest.raises(SitegenError) as caught:
        index_site(built)
    assert caught.value.format() == "error: search index failed: Error: could not parse page.html"
    assert (built / SEARCH_DIR / "pagefind-entry.json").read_bytes() == before
    assert not [path.name for path in built.iterdir() if path.name.startswith(f".{SEARCH_DIR}.")]


SEARCH_SETTINGS = DEFAULT_SETTINGS + "search = true\n"


def test_an_incremental_index_equals_a_clean_builds(make_site: MakeSite, tmp_path: Path) -> None:
    pagefind_or_skip()
    root = make_site(SITE, settings=SEARCH_SETTINGS)
    build_root(root)
    post = root / "content/blog/2024-03-05-attention.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nScaled by the square root of the key size.\n", encoding="utf-8")
    build_root(root)
    build_root(root, output=tmp_path / "clean")
    assert tree_bytes(root / "_site" / SEARCH_DIR) == tree_bytes(tmp_path / "clean" / SEARCH_DIR)
    words = {path.name for path in (root / "_site" / SEARCH_DIR / "fragment").iterdir()}
    assert len(words) == 3  # about, its translation and the post: listings are not indexed



def test_pagefind_runs_only_when_an_indexed_page_changed(make_site: MakeSite) -> None:
    pagefind_or_skip()
    root = make_site(SITE, settings=SEARCH_SETTINGS)
    build_root(root)
    index = root / "_site" / SEARCH_DIR / "pagefind-entry.json"
    first = index.stat().st_ino  # a build keeps unchanged files (hard links); each run of Pagefind makes new ones
    # A new static file changes no indexed page: Pagefind is not run.
    (root / "static/extra.txt").write_text("not a page\n", encoding="utf-8")
    assert build_root(root).written == 1
    assert index.stat().st_ino == first
    post = root / "content/blog/2024-03-05-attention.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    build_root(root)
    assert index.stat().st_ino != first


SHARDED = {
    **SITE,
    **{
        f"content/blog/2024-04-{day:02d}-note-{day}.md": f"---\ntitle: Note {day}\ntags: [notes]\n---\nObservation number {day} on jam.\n"
        for day in range(1, 11)
    },
}


def shard_files(out: Path) -> dict[str, int]:
    """Return every file of every search folder with its inode (a rewritten file has a new one)."""
    return {
        path.relative_to(out).as_posix(): path.stat().st_ino
        for folder in out.glob(f"{SEARCH_DIR}*")
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_editing_one_page_reindexes_only_its_shard(make_site: MakeSite, tmp_path: Path) -> None:
    pagefind_or_skip()
    from sitegen.publish.search import MANIFEST, indexed_pages, shard_path, split_shards

    root = make_site(SHARDED)
    build_root(root)
    out, stamp = root / "_site", tmp_path / "stamp.txt"
    shards = split_shards(indexed_pages(out), {}, 3)
    assert len(shards) > 2
    assert len(index_site(out, stamp, shard_size=3)) == len(shards)
    manifest = json.loads((out / SEARCH_DIR / MANIFEST).read_text(encoding="utf-8"))
    assert [shard["path"] for shard in manifest["shards"]] == [shard_path(number) for number in sorted(shards)]
    before = shard_files(out)
    assert index_site(out, stamp, shard_size=3) == ()  # nothing changed: Pagefind does not run
    assert shard_files(out) == before
    number, dest = max((n, dest) for n, pages in shards.items() if n for dest in pages if "/note-" in dest)
    page = out / dest
    page.write_text(page.read_text(encoding="utf-8").replace("Observation", "Remark"), encoding="utf-8")
    assert index_site(out, stamp, shard_size=3) == (shard_path(number),)
    after = shard_files(out)
    rewritten = {rel.split("/")[0] + "/" for rel in after if before.get(rel) != after[rel]}
    assert rewritten == {shard_path(number)}
    # The same pages indexed from nothing give the same bytes.
    clean = tmp_path / "clean"
    shutil.copytree(out, clean, ignore=shutil.ignore_patterns(f"{SEARCH_DIR}*"))
    index_site(clean, shard_size=3)
    assert {rel: data for rel, data in tree_bytes(out).items() if rel.startswith(SEARCH_DIR)} == {
        rel: data for rel, data in tree_bytes(clean).items() if rel.startswith(SEARCH_DIR)
    }


def test_fewer_shards_remove_the_folders_of_the_others(make_site: MakeSite) -> None:
    pagefind_or_skip()
    root = make_site(SHARDED)
    build_root(root)
    out = root / "_site"
    index_site(out, shard_size=2)
    assert list(out.glob(f"{SEARCH_DIR}-*"))
    changed = index_site(out)
    assert not list(out.glob(f"{SEARCH_DIR}-*"))
    assert f"{SEARCH_DIR}/" in changed and all(dest.startswith(SEARCH_DIR) for dest in changed)
    assert sum(language["pages"] for language in entry(out).values()) == len(SHARDED) - 1  # every page but locales.yaml's
