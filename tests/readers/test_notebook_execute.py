"""`execute: true`: a notebook runs at build time, in its folder, once; failures name the cell.

Starting a kernel takes seconds, so only two tests start one, with tiny notebooks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.errors import ContentError
from sitegen.readers.notebook import reader as notebook
from tests.conftest import FIXTURES, REPO, MakeSite
from tests.readers.test_notebook import Fragment, read


def test_a_missing_kernel_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("nbclient")
    with pytest.raises(ContentError) as caught:
        read("execute_missing_kernel.ipynb", tmp_path)
    assert caught.value.format() == (
        "content/blog/execute_missing_kernel.ipynb:10: error: cannot execute: no Jupyter kernel named "
        "'no-such-kernel-here' is installed\n"
        "  hint: install it (for Python: pip install ipykernel), or remove 'execute: true'"
    )


def test_a_missing_kernel_prints_no_traceback_first(make_site: MakeSite) -> None:
    pytest.importorskip("nbclient")
    fixture = next(FIXTURES.rglob("execute_missing_kernel.ipynb"))
    root = make_site({"content/blog/execute_missing_kernel.ipynb": fixture.read_text(encoding="utf-8")})
    command = [sys.executable, "-m", "sitegen", "build", "--root", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/blog/execute_missing_kernel.ipynb:10: error: cannot execute: no Jupyter kernel named 'no-such-kernel-here' is installed",
        "  hint: install it (for Python: pip install ipykernel), or remove 'execute: true'",
    ]


def test_execution_runs_in_the_notebook_folder_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    document = read("execute_tiny.ipynb", tmp_path, notebook_timeout=60)
    page = Fragment(document.body)
    assert page.state("42\nnotebook\n") == "shown"  # 6 * 7, then the folder it ran in
    assert page.state("shown in the page") == "shown"  # allow_errors: the traceback is in the page
    assert any(attrs.get("class") == "nb-output nb-error" for attrs in page.find("div"))
    assert page.state("after the error\n") == "shown"
    assert document.from_cache is False

    def no_kernel(*args: object, **kwargs: object) -> None:
        raise AssertionError("executed again")

    monkeypatch.setattr(notebook, "execute_notebook", no_kernel)
    again = read("execute_tiny.ipynb", tmp_path, notebook_timeout=60)
    assert again.from_cache is True and again.body == document.body


def test_a_failing_cell_fails_the_read_naming_the_cell(tmp_path: Path) -> None:
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    with pytest.raises(ContentError) as caught:
        read("execute_failing.ipynb", tmp_path, notebook_timeout=60)
    assert caught.value.format() == (
        "content/blog/execute_failing.ipynb:33: error: cell 4 failed while executing: ValueError: bad value\n"
        "  hint: fix the cell, or set 'allow_errors: true' to show the error in the page"
    )
    assert not (tmp_path / ".sitegen-cache" / notebook.CACHE_FOLDER).exists()  # nothing cached for a failure
