"""Write the built site as a transaction: the output folder is the old site or the new one, never a mix.

A build that changes anything makes the new tree in a staging folder beside
the output (`._site.new-PID`): a copy of the old tree made of hard links, so
it costs no data, with the changed files written (a changed file is a new
file, never the old one rewritten through its link) and the search index
made in it. The staging folder then takes the output's place in one atomic
step (renameat2 with RENAME_EXCHANGE on Linux; elsewhere two renames, and
`recover` puts the old tree back if a build dies between them). The marker
file names the build that made the tree; the record of that build is saved
only after the swap, and a record whose build is not the one on disk is not
trusted (stale.py).

The replaced tree is kept as `._site.spare`: the next build brings it up to
date by linking only the files the last build changed, instead of linking
every file again, so a one-post edit costs a few file operations, not one per page.

A killed build leaves at most a staging folder, which the next build removes
before it starts; a failing one removes its own. Builds into one folder take
a lock, so two never stage at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from sitegen.errors import OutputError
from sitegen.model import Output
from sitegen.publish.search import SEARCH_DIR  # its own staging folders start with '.' + this
from sitegen.settings.config import Config

log = logging.getLogger(__name__)

MARKER = ".sitegen-output"
_MARKER_TEXT = "This folder is written by sitegen; it is replaced by every build.\n"
_BUILD_LINE = "build "


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


@contextlib.contextmanager
def output_lock(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock for builds into one output folder (released by the system if the build is killed)."""
    try:
        import fcntl
    except ImportError:  # no flock on this system: builds into one folder must not overlap
        yield
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    # A POSIX record lock (lockf), not flock: worker processes forked during the build must not
    # inherit it, or one outliving a killed build would hold the folder forever.
    with open(lock, "a+b") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def recover(out: Path) -> None:
    """Remove what a killed build left: staging and retired trees beside `out`, search staging inside it.

    If a build died between the two renames of a swap (where the system has no
    atomic exchange), the output is missing and the retired old tree is put back.
    """
    if not out.exists():
        retired = sorted(out.parent.glob(f".{out.name}.old-*"))
        if retired and (retired[0] / MARKER).is_file():
            os.replace(retired[0], out)
    for leftover in (*out.parent.glob(f".{out.name}.new-*"), *out.parent.glob(f".{out.name}.old-*")):
        log.debug("removing %s, left by a build that did not finish", leftover.name)
        _remove(leftover)
    if out.is_dir():
        for leftover in (*out.glob(f".{SEARCH_DIR}*.new-*"), *out.glob(f".{SEARCH_DIR}*.old-*")):
            _remove(leftover)


def leftovers(out: Path) -> list[Path]:
    """List the staging folders of unfinished builds into `out` (for tests and messages)."""
    found = [*out.parent.glob(f".{out.name}.new-*"), *out.parent.glob(f".{out.name}.old-*")]
    if out.is_dir():
        found += [*out.glob(f".{SEARCH_DIR}*.new-*"), *out.glob(f".{SEARCH_DIR}*.old-*")]
    return sorted(found)


def read_build_id(out: Path) -> str:
    """Return the id of the build that made the tree in `out` ("" when unknown)."""
    try:
        text = (out / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = [line for line in text.splitlines() if line.startswith(_BUILD_LINE)]
    return lines[-1][len(_BUILD_LINE) :].strip() if lines else ""


def marker_text(build_id: str) -> bytes:
    """Return the marker file's bytes for a build."""
    return f"{_MARKER_TEXT}{_BUILD_LINE}{build_id}\n".encode()


def changed_outputs(outputs: Sequence[Output], out: Path) -> list[Output]:
    """Return the outputs whose bytes differ from the files in `out` (or that are missing there)."""
    return [output for output in outputs if not _same_bytes(out / output.dest, output.data)]


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def mark_build(out: Path, build_id: str) -> None:
    """Name the build that made the tree in `out`, when its files are already the new ones."""
    temporary = out / f".{MARKER}.tmp-{os.getpid()}"
    temporary.write_bytes(marker_text(build_id))
    os.replace(temporary, out / MARKER)


@dataclass(frozen=True, slots=True)
class Spare:
    """The tree the last build replaced, kept beside the output as hard links to start the next build from."""

    build_id: str  # the build that made it (its marker says so when it is intact)
    delta: tuple[str, ...]  # the dests where it differs from the output ("pagefind/" for the whole index)


def spare_path(out: Path) -> Path:
    """Return where the tree a build replaced is kept (`._site.spare`)."""
    return out.with_name(f".{out.name}.spare")


class Staging:
    """The new tree being made beside the output; `commit` swaps it in, leaving the block abandons it.

    The new tree starts as the output's files: the spare tree brought up to date
    (only the files the last build changed), or else a hard-link copy of the output.
    """

    def __init__(self, out: Path, spare: Spare | None = None) -> None:
        self.out = out
        self.path = out.with_name(f".{out.name}.new-{os.getpid()}")
        self._spare = spare
        self.replaced = ""  # after a commit: the id of the build whose tree was replaced

    def __enter__(self) -> Self:
        _remove(self.path)
        spare = spare_path(self.out)
        if self._spare and self.out.is_dir() and read_build_id(spare) == self._spare.build_id:
            os.replace(spare, self.path)  # claimed: a build killed from here on leaves only a staging folder
            self._catch_up(self._spare.delta)
        elif self.out.is_dir():
            _remove(spare)
            _link_tree(self.out, self.path)
        else:
            _remove(spare)
            self.path.mkdir(parents=True)
        return self

    def __exit__(self, *exc: object) -> None:
        _remove(self.path)  # the unfinished new tree (a failed build); after a commit it is the spare

    def _catch_up(self, delta: Sequence[str]) -> None:
        """Make the spare tree equal the output again: link the files the last build changed."""
        for dest in delta:
            target, source = self.path / dest.rstrip("/"), self.out / dest.rstrip("/")
            _remove(target)
            if source.is_dir():
                _link_tree(source, target)
            elif source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_file(source, target)
            else:
                _remove_empty_parents(target.parent, self.path)

    def write(self, outputs: Sequence[Output], sources: Mapping[str, str]) -> None:
        """Write files into the new tree (a new file each: the old tree shares the old ones).

        `sources` names the file each output comes from, for the message when one cannot be written.
        """
        for output in outputs:
            target = self.path / output.dest
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                target.write_bytes(output.data)
            except OSError as exc:
                message = f"cannot write '{output.dest}' in {self.out.name}/: {exc.strerror or exc}"
                raise OutputError(message, sources.get(output.dest) or None, hint=f"{self.out.name}/ was left as it was") from exc

    def remove(self, dests: Sequence[str]) -> None:
        """Remove files (or whole folders) the new build no longer makes, and folders left empty."""
        for dest in dests:
            path = self.path / dest.rstrip("/")
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
            _remove_empty_parents(path.parent, self.path)

    def files(self) -> list[str]:
        """List every file in the new tree (POSIX paths relative to it)."""
        return sorted(path.relative_to(self.path).as_posix() for path in self.path.rglob("*") if not path.is_dir())

    def commit(self, build_id: str) -> None:
        """Mark the new tree with its build and put it in the output's place in one step; keep the old tree as the spare."""
        (self.path / MARKER).unlink(missing_ok=True)
        (self.path / MARKER).write_bytes(marker_text(build_id))
        if not self.out.exists():
            os.replace(self.path, self.out)
            return
        self.replaced = read_build_id(self.out)
        _exchange(self.path, self.out)
        os.replace(self.path, spare_path(self.out))


def _link_tree(source: Path, target: Path) -> None:
    """Copy a tree as hard links (a real copy where the file system has none)."""
    target.mkdir(parents=True)
    for entry in os.scandir(source):
        child = target / entry.name
        if entry.is_dir(follow_symlinks=False):
            _link_tree(Path(entry.path), child)
        else:
            _link_file(Path(entry.path), child)


def _link_file(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _exchange(new: Path, out: Path) -> None:
    """Swap two folders atomically (Linux renameat2); elsewhere retire `out`, then move `new` in."""
    if _rename_exchange(new, out):
        return
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, retired)
    os.replace(new, out)
    os.replace(retired, new)  # the old tree where the exchange would have put it


def _rename_exchange(first: Path, second: Path) -> bool:
    """Exchange two paths with renameat2(RENAME_EXCHANGE); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_cwd, exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
