"""Full-text search for a static host: a Pagefind index written into the built site.

Pagefind reads the built HTML, picks each page's language from `<html lang>` and writes
one index per language plus its browser module into `<out>/pagefind/`. Only elements marked
`data-pagefind-body` are indexed (the templates mark posts and pages, not listings).
The index is made in a folder beside the old one and swapped in when complete, so a failed
run leaves the previous index as it was.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from pathlib import Path

from sitegen.errors import SitegenError

log = logging.getLogger(__name__)

SEARCH_DIR = "pagefind"  # the folder under the output root; templates load pagefind.js from it
INSTALL_HINT = "install it with: pip install 'pagefind[extended]' (the extended binary segments Chinese text)"
TIMEOUT_SECONDS = 300
ENTRY_FILE = "pagefind-entry.json"


def index_site(out: Path) -> None:
    """Index the built site at `out` into `out/pagefind/`, replacing any index already there."""
    if not out.is_dir() or not any(out.rglob("*.html")):
        raise SitegenError(f"nothing to index for search: no HTML pages in {out.name}/", hint="build the site first")
    executable = find_pagefind()
    staging = out / f".{SEARCH_DIR}.new-{os.getpid()}"
    _remove(staging)
    try:
        _run_pagefind(executable, out, staging)
        _sort_entry(staging / ENTRY_FILE)
        _swap_in(staging, out / SEARCH_DIR)
    finally:
        _remove(staging)


def find_pagefind() -> Path:
    """Return the Pagefind binary that the `pagefind` Python package ships (or PAGEFIND_BINARY_PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SitegenError("search needs the 'pagefind' package, which is not installed", hint=INSTALL_HINT) from exc
    executable = get_executable()
    if executable is None or not Path(executable).is_file():
        raise SitegenError("search needs the Pagefind binary, which was not found", hint=INSTALL_HINT)
    return Path(executable)


def _run_pagefind(executable: Path, out: Path, staging: Path) -> None:
    # MathML flattens to run-together symbols ("ezi∑jezj") in result excerpts: leave formulas out.
    command = [str(executable), "--site", str(out), "--output-path", str(staging), "--exclude-selectors", "math", "--quiet"]
    log.debug("running %s", " ".join(command))
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SitegenError(f"search index failed: could not run Pagefind: {exc}", hint=INSTALL_HINT) from exc
    if result.returncode != 0 or not (staging / "pagefind.js").is_file():
        raise SitegenError(f"search index failed: {_last_line(result) or f'Pagefind exited with status {result.returncode}'}")
    for line in result.stdout.splitlines() + result.stderr.splitlines():
        if line.strip():
            log.debug("pagefind: %s", line.strip())


def _sort_entry(path: Path) -> None:
    """Write Pagefind's entry file with sorted keys: it lists languages in no fixed order,
    and the same site must give the same bytes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (result.stderr + "\n" + result.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [""])[-1]


def _swap_in(staging: Path, target: Path) -> None:
    retired = target.with_name(f".{target.name}.old-{os.getpid()}")
    _remove(retired)
    if target.exists():
        os.replace(target, retired)
    os.replace(staging, target)
    _remove(retired)


def _remove(folder: Path) -> None:
    if folder.is_dir():
        shutil.rmtree(folder)
    elif folder.exists():
        folder.unlink()
