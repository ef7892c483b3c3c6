"""A fixed sample of the fuzz harness (`make fuzz` runs 10,000): no input ends in a traceback or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, tree_bytes
from tests.fuzzing import Case, check_case, generate, make_site, run_cases

SAMPLE = 240
CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_a_fixed_sample_of_generated_inputs_keeps_the_contract(chunk: int) -> None:
    numbers = list(range(chunk, SAMPLE, CHUNKS))
    outcomes, peak_mb = run_cases(numbers, seed=0, full_every=12)  # every 12th is a whole build into the output
    failures = [f"#{o.number} {o.kind} {o.result}: {o.detail}" for o in outcomes if o.result not in ("built", "error")]
    assert failures == []
    assert {o.result for o in outcomes} == {"built", "error"}  # the sample reaches both ends
    assert peak_mb < 500


def test_the_generator_is_deterministic_and_covers_every_kind() -> None:
    assert generate(7, seed=3) == generate(7, seed=3)
    assert generate(7, seed=3) != generate(8, seed=3)
    assert {generate(n).kind for n in range(SAMPLE)} == {"markdown", "html", "notebook", "pair", "gentle"}


def test_a_failed_build_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    good = Case(0, "gentle", {"blog/2024-01-05-a.md": b"---\ntitle: \"A\\x01B\"\ntags: [x]\n---\nBody.\n"})
    assert check_case(root, good, full=True).result == "built"
    before = tree_bytes(root / "_site")
    bad = Case(1, "markdown", {"blog/2024-02-30-a.md": b"---\ntitle: A\n---\nBody.\n"})
    outcome = check_case(root, bad, full=True)
    assert (outcome.result, outcome.detail) == ("error", "content/blog/2024-02-30-a.md: error: the date 2024-02-30 in the file name is not a real day")
    assert tree_bytes(root / "_site") == before


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"content/a.md": "".join("  " * i + "- x\n" for i in range(1000))}, "content/a.md:200: error: lists or block quotes nested more than 100 levels deep"),
        ({"content/n.ipynb": "[" * 100_000}, "content/n.ipynb:1: error: invalid notebook JSON: nested too deeply"),
        ({"content/a.html": "---\ntitle: x\n---\n{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\n"}, "content/a.html:4: error: a template calls itself without end (RecursionError)"),
    ],
)
def test_the_command_prints_one_line_and_keeps_the_output(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    root = make_site(tmp_path)
    (root / "content" / "about.md").write_text("---\ntitle: About\n---\nHi.\n", encoding="utf-8")
    command = [sys.executable, "-m", "sitegen", "build", "--root", str(root)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1793534400"}
    assert subprocess.run(command, capture_output=True, env=env, cwd=REPO, check=False).returncode == 0
    before = tree_bytes(root / "_site")
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert (result.returncode, result.stderr, result.stdout) == (1, expected + "\n", "")
    assert tree_bytes(root / "_site") == before
