"""Rendering in worker processes: the same bytes as rendering in one process, and the same errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.engine import workers
from sitegen.engine.write import leftovers
from sitegen.errors import SitegenError
from tests.conftest import MakeSite, build_root, tree_bytes


def post(number: int, tags: str) -> str:
    return f"---\ntitle: Post {number}\ntags: {tags}\n---\nIntro {number}.\n\n<!--more-->\n\nBody with `code` and $x_{number}$.\n"


FILES = {
    "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
    **{f"content/blog/2024-02-{day:02d}-post-{day}.md": post(day, "ml numpy" if day % 3 else "ml") for day in range(1, 21)},
}


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork workers even for a small site (the threshold exists for speed only)."""
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(workers, "CHUNK", 3)


@pytest.mark.usefixtures("always_parallel")
def test_a_parallel_build_equals_a_serial_one_byte_for_byte(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    parallel = build_root(root, output=tmp_path / "parallel", jobs=2)
    serial = build_root(root, output=tmp_path / "serial", jobs=1)
    assert parallel.rendered == serial.rendered > 40
    # In plan order, whatever order the workers finished in.
    assert [output.dest for output in parallel.outputs] == [output.dest for output in serial.outputs]
    assert tree_bytes(tmp_path / "parallel") == tree_bytes(tmp_path / "serial")


@pytest.mark.usefixtures("always_parallel")
def test_a_parallel_incremental_build_equals_a_clean_one(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    build_root(root, jobs=2)
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Test Site", "Renamed Site"), encoding="utf-8")
    report = build_root(root, jobs=2)
    assert report.rendered > 40
    build_root(root, output=tmp_path / "clean", jobs=1)
    assert tree_bytes(root / "_site") == tree_bytes(tmp_path / "clean")
    assert leftovers(root / "_site") == []


@pytest.mark.usefixtures("always_parallel")
def test_a_template_error_in_a_worker_is_reported_and_leaves_the_output(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    build_root(root, jobs=2)
    before = tree_bytes(root / "_site")
    tag = root / "templates/tag.html"
    tag.write_text(tag.read_text(encoding="utf-8").replace("{{ t('all_tags') }}", "{{ no_such_name }}"), encoding="utf-8")
    with pytest.raises(SitegenError) as caught:
        build_root(root, jobs=2)
    assert caught.value.format() == (
        "templates/tag.html:6: error: undefined template variable: 'no_such_name' is undefined"
    )
    assert tree_bytes(root / "_site") == before
    assert leftovers(root / "_site") == []
