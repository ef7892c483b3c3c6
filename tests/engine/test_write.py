"""The build as a transaction: a failed build changes nothing, and a killed one's leftovers go at the next start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.engine.write import Staging, leftovers, read_build_id
from sitegen.settings import limits
from tests.conftest import MakeSite, build_root, tree_bytes

POSTS = {
    "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
    **{f"content/blog/2024-01-{day:02d}-post-{day}.md": f"---\ntitle: Post {day}\ntags: ml\n---\nBody {day}.\n" for day in range(1, 4)},
}
LONG_TAG = "a" * 300  # a folder name longer than any file system takes


def record_bytes(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / ".sitegen-cache").glob("build-*.json"))}


def test_a_build_that_cannot_write_an_output_changes_neither_output_nor_record(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The path limit refuses such a tag before anything is written; lift it so the writer meets the file system.
    monkeypatch.setattr(limits, "MAX_SEGMENT_BYTES", 1000)
    root = make_site(POSTS)
    assert main(["build", "--root", str(root)]) == 0
    before, record = tree_bytes(root / "_site"), record_bytes(root)
    bad = root / "content/blog/2024-02-01-long.md"
    bad.write_text(f"---\ntitle: Long\ntags: [ml, {LONG_TAG}]\n---\nA new post.\n", encoding="utf-8")
    (root / "content/blog/2024-01-02-post-2.md").write_text("---\ntitle: Renamed\ntags: ml\n---\nBody 2.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 1
    error = capsys.readouterr().err
    assert error == (
        f"content/blog/2024-02-01-long.md: error: cannot write 'blog/tags/{LONG_TAG}/index.html' in _site/: File name too long\n"
        "  hint: _site/ was left as it was\n"
    )
    assert tree_bytes(root / "_site") == before
    assert record_bytes(root) == record
    assert leftovers(root / "_site") == []
    # Without the post the next build is a real one, and it equals a clean build.
    bad.unlink()
    assert main(["build", "--root", str(root)]) == 0
    assert not capsys.readouterr().out.startswith("Nothing changed")
    build_root(root, output=tmp_path / "clean")
    assert tree_bytes(root / "_site") == tree_bytes(tmp_path / "clean")


def test_leftovers_of_a_killed_build_are_removed_at_the_next_start(make_site: MakeSite) -> None:
    root = make_site(POSTS)
    build_root(root)
    out = root / "_site"
    before = tree_bytes(out)
    stale = [root / "._site.new-999999", root / "._site.old-999998", out / ".pagefind.new-999997"]
    for folder in stale:
        (folder / "blog").mkdir(parents=True)
        (folder / "blog/index.html").write_text("half written", encoding="utf-8")
    assert leftovers(out) == sorted(stale)
    report = build_root(root)
    assert report.summary().startswith("Nothing changed")
    assert leftovers(out) == []
    assert tree_bytes(out) == before


def test_a_swap_interrupted_between_its_two_renames_puts_the_old_site_back(make_site: MakeSite) -> None:
    # Where the system has no atomic exchange, the old tree is renamed aside before the new one moves in.
    root = make_site(POSTS)
    build_root(root)
    out = root / "_site"
    before = tree_bytes(out)
    os.replace(out, root / "._site.old-999999")
    (root / "._site.new-999999").mkdir()
    assert build_root(root).summary().startswith("Nothing changed")
    assert tree_bytes(out) == before
    assert leftovers(out) == []


def test_staging_shares_unchanged_files_and_never_writes_through_them(make_site: MakeSite) -> None:
    from sitegen.model import Output

    root = make_site(POSTS)
    build_root(root)
    out = root / "_site"
    before = tree_bytes(out)
    build_id = read_build_id(out)
    with Staging(out) as staging:
        assert (staging.path / "about/index.html").stat().st_ino == (out / "about/index.html").stat().st_ino
        staging.write([Output("about/index.html", b"new")], {})
        staging.remove(["blog/post-1/index.html"])
        assert tree_bytes(out) == before  # nothing reaches the live tree before the commit
    assert not staging.path.exists()
    assert read_build_id(out) == build_id


def test_the_marker_names_the_build_and_the_record_is_saved_after_it(make_site: MakeSite) -> None:
    import json

    root = make_site(POSTS)
    build_root(root)
    out = root / "_site"
    (record,) = (root / ".sitegen-cache").glob("build-*.json")
    from sitegen.engine.record import load_record

    loaded = load_record(root / ".sitegen-cache", out)
    assert loaded is not None and read_build_id(out) == loaded.build_id
    assert json.loads(record.read_text(encoding="utf-8"))["inputs"] == loaded.inputs


def test_the_replaced_tree_is_kept_and_caught_up_with_the_files_the_last_build_changed(make_site: MakeSite, tmp_path: Path) -> None:
    from sitegen.engine.write import spare_path

    root = make_site(POSTS)
    out = root / "_site"
    build_root(root)
    first = tree_bytes(out)
    (root / "content/blog/2024-01-02-post-2.md").write_text("---\ntitle: Second\ntags: ml\n---\nBody 2.\n", encoding="utf-8")
    build_root(root)
    assert tree_bytes(spare_path(out)) == first  # the tree the build replaced, as it was
    second = tree_bytes(out)
    (root / "content/blog/2024-01-03-post-3.md").unlink()
    (root / "content/blog/2024-02-01-new.md").write_text("---\ntitle: New\ntags: numpy\n---\nNew.\n", encoding="utf-8")
    build_root(root)  # starts from the spare, caught up with the second build's changes
    assert tree_bytes(spare_path(out)) == second
    assert leftovers(out) == []
    build_root(root, output=tmp_path / "clean")
    assert tree_bytes(out) == tree_bytes(tmp_path / "clean")
    unchanged = "about/index.html"
    assert (out / unchanged).stat().st_ino == (spare_path(out) / unchanged).stat().st_ino  # shared, not copied
