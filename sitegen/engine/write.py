"""Write the built site: stage the new tree beside the old one and swap it in only when complete."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from sitegen.errors import OutputError
from sitegen.model import Output
from sitegen.publish.search import SEARCH_DIR
from sitegen.settings.config import Config

MARKER = ".sitegen-output"
_MARKER_TEXT = b"This folder is written by sitegen; it is replaced by every build.\n"


def check_output_folder(out: Path, config: Config) -> None:
    """Refuse an output folder that sitegen must not replace (a home, the site, a foreign folder)."""
    root = config.root.resolve()
    forbidden = {Path.home().resolve(), Path("/"), root, config.content_path.resolve()}
    if out in forbidden or out in root.parents or root == out or out in Path.home().resolve().parents:
        raise OutputError(f"refusing to write the site into {out}: it holds other files", hint="choose an empty or new folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"refusing to replace {out}: it is not a folder sitegen wrote (no {MARKER} file)",
            hint="remove it yourself or choose another --output",
        )


def is_current(outputs: Sequence[Output], out: Path) -> bool:
    """Tell whether the output folder already holds exactly these files with these bytes."""
    if not (out / MARKER).is_file():
        return False
    existing = {rel for path in out.rglob("*") if path.is_file() and not _is_search_index(rel := path.relative_to(out).as_posix())}
    if existing != {output.dest for output in outputs} | {MARKER}:
        return False
    return all((out / output.dest).read_bytes() == output.data for output in outputs)


def write_tree(outputs: Sequence[Output], out: Path, config: Config) -> int:
    """Replace the output folder with these files; return how many were written (0 if unchanged)."""
    check_output_folder(out, config)
    if is_current(outputs, out):
        return 0
    staging = out.with_name(f".{out.name}.new-{os.getpid()}")
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    _remove_leftover(staging)
    try:
        _write_all(outputs, staging)
        if out.exists():
            os.replace(out, retired)
        os.replace(staging, out)
    except BaseException:
        _remove_leftover(staging)
        if retired.exists() and not out.exists():
            os.replace(retired, out)
        raise
    _remove_leftover(retired)
    return len(outputs)


def _write_all(outputs: Sequence[Output], staging: Path) -> None:
    staging.mkdir(parents=True)
    (staging / MARKER).write_bytes(_MARKER_TEXT)
    for output in outputs:
        target = staging / output.dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.data)


def _remove_leftover(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def update_tree(outputs: Sequence[Output], keep: set[str], out: Path, previous: Sequence[str]) -> int:
    """Update a live output folder in place: write changed files, remove the files no longer made.

    `previous` lists what the last build left there. Every output is already
    rendered when this runs, so a failing build never gets here; each file is
    replaced atomically (temp file + os.replace).
    """
    changed = sum(1 for output in outputs if write_file(output, out))
    for rel in sorted(set(previous) - keep):
        path = out / rel
        if path.is_file() and rel != MARKER and not _is_search_index(rel):
            path.unlink()
            changed += 1
            _remove_empty_parents(path.parent, out)
    return changed


def _remove_empty_parents(folder: Path, out: Path) -> None:
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _is_search_index(rel: str) -> bool:
    """Tell whether a file belongs to the search index, which is made after the pages are written."""
    return rel.startswith(SEARCH_DIR + "/")


def write_file(output: Output, out: Path) -> bool:
    """Write one file into a live output folder atomically; skip it when the bytes are the same."""
    target = out / output.dest
    if target.is_file() and target.read_bytes() == output.data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_bytes(output.data)
    os.replace(temporary, target)
    return True
