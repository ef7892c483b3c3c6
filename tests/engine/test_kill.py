"""Kill -9 at any moment: the output is the old site or the new one, and the next build equals a clean build.

A few-hundred-post site with search on is built by `sitegen build` (full and
incremental) and by `sitegen serve` (a rebuild after a save), each killed at
moments spread over the build. After each kill the output folder must hold
exactly the old tree or exactly the new one; the next build must give the
clean build's bytes and leave no staging folder.

`make test` kills each kind of build KILL_MOMENTS times (4, so 12 moments);
`make soak` sets SITEGEN_KILL_MOMENTS=34 (over 100) and picks the moments at random.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.generate import generate_site
from sitegen.build import build
from sitegen.engine.write import leftovers
from tests.conftest import REPO, site_config, tree_bytes

MOMENTS = int(os.environ.get("SITEGEN_KILL_MOMENTS", "4"))
RANDOM = "SITEGEN_KILL_MOMENTS" in os.environ  # soak: random moments; make test: evenly spread, reproducible
EPOCH = "1793534400"  # 2026-11-01 12:00 UTC, the tests' pinned clock
NOW = datetime.fromtimestamp(int(EPOCH), UTC)
POSTS = 200
EXTRA_SETTINGS = "search = true\n"

def _pagefind_available() -> bool:
    from sitegen.errors import SitegenError
    from sitegen.publish.search import find_pagefind

    try:
        find_pagefind()
    except SitegenError:
        return False
    return True


@dataclass
class Versions:
    """A generated site and the clean output of its two versions."""

    root: Path
    old: dict[str, bytes]  # the site as generated
    new: dict[str, bytes]  # after `edit`
    posts: list[Path]


def edit(versions: Versions) -> None:
    """Make the new version: one post retitled (listings change), one removed, one added."""
    first, second = versions.posts[5], versions.posts[9]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("title: ", "title: Retitled ", 1), encoding="utf-8")
    second.rename(second.with_suffix(".md.off"))
    (versions.root / "content/blog/2026-10-01-added.md").write_text("---\ntitle: Added\ntags: numpy\n---\nNew post.\n", encoding="utf-8")


def revert(versions: Versions) -> None:
    """Go back to the old version's sources."""
    first, second = versions.posts[5], versions.posts[9]
    first.write_text(first.read_text(encoding="utf-8").replace("title: Retitled ", "title: ", 1), encoding="utf-8")
    second.with_suffix(".md.off").rename(second)
    (versions.root / "content/blog/2026-10-01-added.md").unlink()


def build_into(root: Path, out: Path) -> None:
    build(site_config(root, now=NOW), output=out)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    if not _pagefind_available():
        pytest.skip("the pagefind package is not installed")
    root = tmp_path_factory.mktemp("kill") / "site"
    posts = generate_site(root, posts=POSTS, words=80)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as settings:
        settings.write(EXTRA_SETTINGS)
    references = root.parent / "references"
    build_into(root, references / "old")
    versions = Versions(root, tree_bytes(references / "old"), {}, posts)
    edit(versions)
    build_into(root, references / "new")
    versions.new = tree_bytes(references / "new")
    revert(versions)
    assert versions.old != versions.new
    return versions


def moments(duration: float) -> Iterator[float]:
    """Spread the kills over a build: evenly (make test) or at random (make soak)."""
    rng = random.Random()
    for index in range(MOMENTS):
        yield rng.uniform(0, duration) if RANDOM else duration * (index + 0.5) / MOMENTS


def start_build(root: Path, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "sitegen", "build", "--root", str(root), "--output", str(out)]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed_build(root: Path, out: Path) -> float:
    started = time.monotonic()
    assert start_build(root, out).wait(timeout=600) == 0
    return time.monotonic() - started


def kill_after(process: subprocess.Popen[bytes], seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    process.wait()


def assert_old_or_new(out: Path, versions: Versions, moment: float) -> None:
    found = tree_bytes(out) if out.is_dir() else {}
    assert found in (versions.old, versions.new), f"killed at {moment:.2f} s: {describe_mix(found, versions)}"


def describe_mix(found: dict[str, bytes], versions: Versions) -> str:
    as_old = sorted(rel for rel in found.keys() | versions.old.keys() if found.get(rel) != versions.old.get(rel))
    as_new = sorted(rel for rel in found.keys() | versions.new.keys() if found.get(rel) != versions.new.get(rel))
    return f"{len(as_old)} files differ from the old tree ({as_old[:3]}), {len(as_new)} from the new ({as_new[:3]})"


def assert_recovers(out: Path, versions: Versions, rebuild: Callable[[], None]) -> None:
    rebuild()
    assert tree_bytes(out) == versions.new
    assert leftovers(out) == []


def test_a_killed_full_build_leaves_the_old_site_or_the_new_one(versions: Versions) -> None:
    out = versions.root.parent / "full"
    duration = timed_build(versions.root, out)
    shutil.rmtree(versions.root / ".sitegen-cache")
    for moment in moments(duration):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(versions.root / ".sitegen-cache", ignore_errors=True)
        shutil.copytree(versions.root.parent / "references/old", out)  # a tree without its record: a full build
        edit(versions)
        try:
            kill_after(start_build(versions.root, out), moment)
            assert_old_or_new(out, versions, moment)
            assert_recovers(out, versions, lambda: build_into(versions.root, out))
        finally:
            revert(versions)


def test_a_killed_incremental_build_leaves_the_old_site_or_the_new_one(versions: Versions) -> None:
    out = versions.root.parent / "incremental"
    build_into(versions.root, out)
    edit(versions)
    duration = timed_build(versions.root, out)
    revert(versions)
    for moment in moments(duration):
        build_into(versions.root, out)  # the old version, with its record
        assert tree_bytes(out) == versions.old
        edit(versions)
        try:
            kill_after(start_build(versions.root, out), moment)
            assert_old_or_new(out, versions, moment)
            assert_recovers(out, versions, lambda: build_into(versions.root, out))
        finally:
            revert(versions)


def start_preview(root: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "sitegen", "serve", "--root", str(root), "--port", "0"]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    with log.open("wb") as stream:
        return subprocess.Popen(command, cwd=REPO, env=environment, stdout=stream, stderr=subprocess.STDOUT)


def wait_for_lines(log: Path, count: int, words: tuple[str, ...], timeout: float = 300) -> None:
    """Wait until the preview's log has `count` lines starting with one of `words` (a finished build)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        if sum(1 for line in lines if line.startswith(words)) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"the preview did not finish a build: {log.read_text(encoding='utf-8', errors='replace')}")


def test_a_killed_preview_rebuild_leaves_the_old_site_or_the_new_one(versions: Versions) -> None:
    from sitegen.serve.preview import preview_output

    out = preview_output(site_config(versions.root)).resolve()
    log = versions.root.parent / "preview.log"
    done = ("Built ", "Nothing changed")
    duration = 0.0
    for moment in [None, *moments(1.0)]:
        preview = start_preview(versions.root, log)
        try:
            wait_for_lines(log, 1, done)
            assert tree_bytes(out) == versions.old
            edit(versions)
            if moment is None:  # time one rebuild, from the save to its summary line
                started = time.monotonic()
                wait_for_lines(log, 2, done)
                duration = time.monotonic() - started
                continue
            kill_after(preview, moment * duration)
            assert_old_or_new(out, versions, moment * duration)
            assert_recovers(out, versions, lambda: build_into(versions.root, out))
        finally:
            if preview.poll() is None:
                preview.send_signal(signal.SIGKILL)
                preview.wait()
            revert(versions)
