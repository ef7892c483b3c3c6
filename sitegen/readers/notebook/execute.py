"""Run a notebook at build time (front matter `execute: true`) with nbclient and its kernel.

The notebook runs in its own folder, each cell limited by `notebook_timeout`.
A failing cell fails the build, naming the notebook and the cell, unless the
front matter says `allow_errors: true`; then the error is shown in the page.
The result is cached with the rest of the conversion, so an unchanged notebook
runs once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sitegen.errors import ContentError
from sitegen.readers.notebook.load import LoadedNotebook

log = logging.getLogger(__name__)

_INSTALL_HINT = "install it (for Python: pip install ipykernel), or remove 'execute: true'"


def execute_notebook(
    notebook: LoadedNotebook,
    folder: Path,
    rel: str,
    *,
    timeout: int,
    allow_errors: bool,
    line: int | None = None,
) -> None:
    """Run every code cell of the notebook in place, filling in fresh outputs."""
    try:
        from jupyter_client.kernelspec import NoSuchKernel
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError as exc:
        raise ContentError(
            f"'execute: true' needs nbclient and ipykernel, which are not installed ({exc.name})", rel, line,
            hint="pip install nbclient ipykernel",
        ) from exc
    node = notebook.node
    kernel = _kernel_name(node.metadata)
    try:  # look first: starting a kernel that is not there logs a traceback before it raises
        from jupyter_client.kernelspec import KernelSpecManager

        KernelSpecManager().get_kernel_spec(kernel)
    except NoSuchKernel as exc:
        raise ContentError(f"cannot execute: no Jupyter kernel named '{kernel}' is installed", rel, line, hint=_INSTALL_HINT) from exc
    client = NotebookClient(
        node, timeout=timeout, kernel_name=kernel, allow_errors=allow_errors,
        resources={"metadata": {"path": str(folder)}},
    )
    code_cells = sum(1 for cell in node.cells if cell.cell_type == "code")
    log.info("executing %s (%d code cells, kernel %s)", rel, code_cells, kernel)
    index = -1
    try:
        with client.setup_kernel():
            for index, cell in enumerate(node.cells):
                client.execute_cell(cell, index)
    except NoSuchKernel as exc:
        raise ContentError(f"cannot execute: no Jupyter kernel named '{kernel}' is installed", rel, line, hint=_INSTALL_HINT) from exc
    except CellTimeoutError as exc:
        raise ContentError(
            f"cell {index + 1} did not finish within {timeout} s while executing", rel, notebook.cell_line(index),
            hint="raise 'notebook_timeout' in [tool.sitegen]",
        ) from exc
    except CellExecutionError as exc:
        raise ContentError(
            f"cell {index + 1} failed while executing: {exc.ename}: {exc.evalue}", rel, notebook.cell_line(index),
            hint="fix the cell, or set 'allow_errors: true' to show the error in the page",
        ) from exc
    except DeadKernelError as exc:
        raise ContentError(f"the kernel died while executing cell {index + 1}", rel, notebook.cell_line(index)) from exc


def _kernel_name(metadata: Any) -> str:
    spec = metadata.get("kernelspec") or {}
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else "python3"
