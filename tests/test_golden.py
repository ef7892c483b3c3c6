"""Golden sites: each site under tests/sites/ with an `expected/` tree is built and compared with it.

`expected/FILES` lists every output file. The pages, feeds, sitemaps and other text sitegen generates
are kept whole beside it; files copied as they are (the theme's and the site's static files) and binary
outputs (social cards, resized images) are only listed, so a new Pillow or a theme stylesheet edit
does not churn them. A failing comparison prints a unified diff.

Sites named `invalid-*` hold a site that must not build: `expected-error.txt` is what
`sitegen build` prints on stderr, and the exit status must be 1, and no output folder may appear.

`make golden` regenerates every expected tree; review the diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.theme import STATIC_PATH
from tests.conftest import FIXTURE_SITES, REPO, build_root, tree_bytes

REGENERATE = os.environ.get("SITEGEN_REGENERATE_GOLDEN") == "1"
TEXT_SUFFIXES = {".html", ".xml", ".txt", ".json", ".webmanifest"}
GOLDEN = sorted(path.name for path in FIXTURE_SITES.glob("golden-*") if (path / "pyproject.toml").is_file())
INVALID = sorted(path.name for path in FIXTURE_SITES.glob("invalid-*") if (path / "pyproject.toml").is_file())


def copy_site(name: str, tmp_path: Path) -> Path:
    """Copy a fixture site, without its expected results, to a scratch folder."""
    root = tmp_path / name
    ignore = shutil.ignore_patterns("expected", "expected-error.txt", "_site", ".sitegen-cache")
    shutil.copytree(FIXTURE_SITES / name, root, ignore=ignore)
    return root


def is_kept_whole(dest: str, data: bytes, root: Path) -> bool:
    """Keep generated text; copies of static files and binary outputs are only listed."""
    if Path(dest).suffix not in TEXT_SUFFIXES:
        return False
    return not ((root / "static" / dest).is_file() or (STATIC_PATH / dest).is_file())


def expected_tree(site: Path) -> dict[str, bytes]:
    """Read a site's expected tree: the file list, and the files kept whole."""
    expected = site / "expected"
    tree = {"FILES": (expected / "FILES").read_bytes()}
    for path in sorted(expected.rglob("*")):
        if path.is_file() and path.name != "FILES":
            tree[path.relative_to(expected).as_posix()] = path.read_bytes()
    return tree


def actual_tree(output: Path, root: Path) -> dict[str, bytes]:
    """Turn a built output folder into the same shape as the expected tree."""
    files = tree_bytes(output)
    tree = {"FILES": "".join(f"{dest}\n" for dest in sorted(files)).encode()}
    for dest, data in files.items():
        if is_kept_whole(dest, data, root):
            tree[dest] = data
    return tree


def write_expected(site: Path, tree: dict[str, bytes]) -> None:
    """Replace a site's expected tree."""
    shutil.rmtree(site / "expected", ignore_errors=True)
    for dest, data in tree.items():
        path = site / "expected" / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """Return a unified diff over every file that differs, or an empty string."""
    report = []
    for dest in sorted(expected.keys() | actual.keys()):
        before = expected.get(dest, b"").decode("utf-8", "replace").splitlines(keepends=True)
        after = actual.get(dest, b"").decode("utf-8", "replace").splitlines(keepends=True)
        if before != after:
            report.extend(difflib.unified_diff(before, after, f"expected/{dest}", f"built/{dest}"))
    return "".join(report)


@pytest.mark.parametrize("name", GOLDEN)
def test_a_golden_site_builds_to_its_expected_tree(name: str, tmp_path: Path) -> None:
    root = copy_site(name, tmp_path)
    build_root(root)
    actual = actual_tree(root / "_site", root)
    if REGENERATE:
        write_expected(FIXTURE_SITES / name, actual)
    diff = differences(expected_tree(FIXTURE_SITES / name), actual)
    assert not diff, f"{name} differs from its expected tree (make golden regenerates it):\n{diff}"


@pytest.mark.parametrize("name", INVALID)
def test_an_invalid_site_stops_with_its_expected_error(name: str, tmp_path: Path) -> None:
    root = copy_site(name, tmp_path)
    command = [sys.executable, "-m", "sitegen", "build", "--root", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    if REGENERATE:
        (FIXTURE_SITES / name / "expected-error.txt").write_text(result.stderr, encoding="utf-8")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr == (FIXTURE_SITES / name / "expected-error.txt").read_text(encoding="utf-8")
    assert not (root / "_site").exists()


def test_every_fixture_site_has_its_expected_result() -> None:
    assert len(GOLDEN) >= 2 and len(INVALID) >= 5
    for name in GOLDEN:
        assert (FIXTURE_SITES / name / "expected" / "FILES").is_file(), name
    for name in INVALID:
        assert (FIXTURE_SITES / name / "expected-error.txt").is_file(), name
