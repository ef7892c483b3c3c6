"""The command line: exit codes, one-line errors, --debug tracebacks, `new post`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import MakeSite, tree_bytes

GOOD = {"content/about.md": "---\ntitle: About\n---\nHi.\n", "content/blog/2024-01-02-hello.md": "---\ntitle: Hello\n---\nText.\n"}


def sitegen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1793534400"}  # 2026-11-01
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args, "--root", str(root)],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )


def test_build_prints_one_summary_line(make_site: MakeSite) -> None:
    root = make_site(GOOD)
    result = sitegen(root, "build")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Built ") and "(1 posts)" in lines[0] and "files written in _site/" in lines[0]


def test_a_yaml_error_exits_1_with_one_line_and_no_traceback(make_site: MakeSite) -> None:
    root = make_site(GOOD)
    assert sitegen(root, "build").returncode == 0
    before = tree_bytes(root / "_site")
    (root / "content/blog/2024-01-03-broken.md").write_text("---\ntitle: [unclosed\n---\nx\n", encoding="utf-8")
    result = sitegen(root, "build")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/blog/2024-01-03-broken.md:2:8: error: invalid YAML: a flow sequence is not closed: did not find expected ',' or ']' (noticed at line 3)"
    ]
    assert "Traceback" not in result.stderr
    assert tree_bytes(root / "_site") == before


def test_a_broken_bib_exits_1_with_its_line_and_leaves_the_site(make_site: MakeSite) -> None:
    root = make_site(GOOD)
    assert sitegen(root, "build").returncode == 0
    before = tree_bytes(root / "_site")
    (root / "data").mkdir()
    (root / "data/papers.bib").write_text("@misc{ok, title={T}, author={A, B}}\n@article{a,\n  title = {T {x},\n}\n", encoding="utf-8")
    result = sitegen(root, "build")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "data/papers.bib:2: error: invalid BibTeX: entry 'a' is never closed",
        "  hint: a '{' in one of its fields has no matching '}'",
    ]
    assert tree_bytes(root / "_site") == before


def test_debug_shows_the_traceback(make_site: MakeSite) -> None:
    root = make_site({**GOOD, "content/x.md": "---\nlayout: missing\n---\n"})
    result = sitegen(root, "build", "--debug")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "unknown layout 'missing'" in result.stderr


def test_new_post_creates_a_dated_draft(make_site: MakeSite) -> None:
    root = make_site(GOOD)
    result = sitegen(root, "new", "post", "Attention: from Scratch!")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Created content/blog/2026-11-01-attention-from-scratch.md"
    text = (root / "content/blog/2026-11-01-attention-from-scratch.md").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Attention: from Scratch!"\ndate: 2026-11-01 ')
    again = sitegen(root, "new", "post", "Attention: from Scratch!")
    assert again.returncode == 1
    assert "a post with this name exists already" in again.stderr
    assert sitegen(root, "build", "--drafts").returncode == 0
    assert (root / "_site/blog/attention-from-scratch/index.html").is_file()


def test_output_and_base_url_options(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(GOOD)
    out = tmp_path / "elsewhere"
    result = sitegen(root, "build", "--output", str(out), "--base-url", "https://u.github.io/p/")
    assert result.returncode == 0, result.stderr
    assert 'href="/p/about/"' in (out / "index.html").read_text(encoding="utf-8")


def test_refusing_a_home_folder_output(make_site: MakeSite) -> None:
    root = make_site(GOOD)
    result = sitegen(root, "build", "--output", str(Path.home()))
    assert result.returncode == 1
    assert "refusing to write the site into" in result.stderr
