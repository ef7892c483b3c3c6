"""Full-text search for a static host: a Pagefind index written into the built site.

Pagefind picks each page's language from `<html lang>` and writes one index per
language plus its browser module into `<out>/pagefind/`. Only elements marked
`data-pagefind-body` are indexed (the templates mark posts and pages, not
listings), so only pages carrying the mark are handed to Pagefind; a site whose
templates mark nothing has every page indexed whole.

Pagefind runs as a service (`pagefind --service`, the protocol behind its
Python and Node APIs) and is given each page's HTML in a fixed order, so the
same pages always give the same index. The pip package's asyncio client is not
used: it polls for each answer with a 0.1 s sleep, a minute and a half for a
thousand pages. When a fingerprint of the indexed pages matches the last
index's, Pagefind is not run at all: its index would be the same bytes.

The index is made in a folder beside the old one and swapped in when complete,
so a failed run leaves the previous index as it was.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from sitegen.errors import SitegenError

log = logging.getLogger(__name__)

SEARCH_DIR = "pagefind"  # the folder under the output root; templates load pagefind.js from it
INSTALL_HINT = "install it with: pip install 'pagefind[extended]' (the extended binary segments Chinese text)"
TIMEOUT_SECONDS = 300
ENTRY_FILE = "pagefind-entry.json"
# MathML flattens to run-together symbols ("ezi∑jezj") in result excerpts: leave formulas out.
INDEX_CONFIG: dict[str, Any] = {"exclude_selectors": ["math"]}
_BODY_MARK = re.compile(rb"<[a-zA-Z][^>]*\sdata-pagefind-body[\s>=/]")


def index_site(out: Path, stamp: Path | None = None) -> bool:
    """Index the built site at `out` into `out/pagefind/`, replacing any index already there.

    With `stamp` (a file in the build cache), Pagefind is skipped when the
    indexed pages are the ones the stamp records and the index in place is the
    one made from them.
    Return whether Pagefind ran.
    """
    pages = indexed_pages(out)
    if not pages:
        raise SitegenError(f"nothing to index for search: no HTML pages in {out.name}/", hint="build the site first")
    executable = find_pagefind()
    fingerprint = _fingerprint(executable, out, pages)
    if stamp is not None and _read(stamp) == _stamp_text(fingerprint, out / SEARCH_DIR):
        return False
    staging = out / f".{SEARCH_DIR}.new-{os.getpid()}"
    _remove(staging)
    try:
        _run_service(executable, out, pages, staging)
        _sort_entry(staging / ENTRY_FILE)
        _swap_in(staging, out / SEARCH_DIR)
    finally:
        _remove(staging)
    if stamp is not None:
        _write_stamp(stamp, _stamp_text(fingerprint, out / SEARCH_DIR))
    return True


def _stamp_text(fingerprint: str, index: Path) -> str:
    """Return what the stamp records: the indexed pages' fingerprint and the index made from them.

    Pagefind's entry file names each language's index by a hash of its
    contents, so it tells the index in place from another (an index left by a
    build that was stopped before its tree was swapped in has another entry).
    """
    try:
        entry = hashlib.sha256((index / ENTRY_FILE).read_bytes()).hexdigest()
    except OSError:
        return ""  # no index: nothing to match
    return f"{fingerprint} {entry}\n"


def indexed_pages(out: Path) -> tuple[str, ...]:
    """Return the dests of the pages Pagefind indexes, sorted: those marked `data-pagefind-body`, else all.

    Pages are read one at a time and not kept: the index is made from files, not from memory.
    """
    if not out.is_dir():
        return ()
    pages = sorted(
        rel
        for path in out.rglob("*.html")
        if path.is_file() and not (rel := path.relative_to(out).as_posix()).startswith((f"{SEARCH_DIR}/", f".{SEARCH_DIR}."))
    )
    marked = tuple(dest for dest in pages if _BODY_MARK.search((out / dest).read_bytes()))
    return marked or tuple(pages)


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


def _fingerprint(executable: Path, out: Path, pages: Iterable[str]) -> str:
    """Hash what the index is made from: the binary, the options and every indexed page."""
    hasher = hashlib.sha256()
    hasher.update(f"{executable.resolve()}\x00{executable.stat().st_size}\x00{INDEX_CONFIG!r}\x00".encode())
    for dest in pages:
        hasher.update(dest.encode("utf-8") + b"\x00" + hashlib.sha256((out / dest).read_bytes()).digest())
    return hasher.hexdigest()


def _run_service(executable: Path, out: Path, pages: Sequence[str], staging: Path) -> None:
    """Add every page to a new index in a Pagefind service and write the index into `staging`."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as exc:
            raise SitegenError(f"search index failed: could not run Pagefind: {exc}", hint=INSTALL_HINT) from exc
        service = _Service(process, errors)
        try:
            index = service.ask({"type": "NewIndex", "config": INDEX_CONFIG})["index_id"]
            # Answers are read on a thread while the pages go out, so neither pipe fills up and blocks.
            service.ask_all((_add_file(index, dest, (out / dest).read_bytes()) for dest in pages), len(pages), "IndexedFile")
            files = service.ask({"type": "GetFiles", "index_id": index})["files"]
        finally:
            service.close()
    _write_index(files, staging)


def _write_index(files: Sequence[dict[str, str]], staging: Path) -> None:
    """Write the index files Pagefind returned into `staging`.

    The files are asked for in memory and written here, not by Pagefind: its
    service can answer "written" and exit with a file still half-written (a
    truncated pagefind-highlight.js was seen under load), and a file sitegen
    writes itself is complete before the tree is swapped in.
    """
    for file in files:
        target = (staging / file["path"]).resolve()
        if not target.is_relative_to(staging.resolve()):
            raise SitegenError(f"search index failed: Pagefind returned a file outside its folder: {file['path']}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(file["content"]))
    if not (staging / "pagefind.js").is_file():
        raise SitegenError("search index failed: Pagefind wrote no pagefind.js")


def _add_file(index: int, dest: str, data: bytes) -> dict[str, Any]:
    # The URL Pagefind's CLI gives a file: the path from the site root, without a final index.html.
    url = "/" + dest.removesuffix("index.html")
    contents = data.decode("utf-8", errors="replace")
    return {"type": "AddFile", "index_id": index, "file_path": None, "url": url, "file_contents": contents}


class _Service:
    """A running `pagefind --service`: base64 JSON messages, each ended by a comma, both ways."""

    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes]) -> None:
        self._process = process
        self._errors = errors
        self._next_id = 0

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return its answer."""
        return self.ask_all([payload], 1, str(payload["type"]))[0]

    def ask_all(self, payloads: Iterable[dict[str, Any]], count: int, expected: str) -> list[dict[str, Any]]:
        """Send `count` requests, made one at a time, while reading their answers; fail on an answer that is not `expected`."""
        answers: list[dict[str, Any]] = []
        reader = threading.Thread(target=self._read, args=(count, answers), daemon=True)
        reader.start()
        stdin = self._process.stdin
        assert stdin is not None
        try:
            for payload in payloads:
                self._next_id += 1
                message = json.dumps({"message_id": self._next_id, "payload": payload}).encode("utf-8")
                stdin.write(base64.b64encode(message) + b",")
            stdin.flush()
        except OSError:
            pass  # the service stopped: its own message says why
        reader.join(TIMEOUT_SECONDS)
        if reader.is_alive() or len(answers) < count:
            self._process.kill()
            reader.join()
            raise SitegenError(f"search index failed: {self._last_error() or 'Pagefind stopped without answering'}")
        for answer in answers:
            if answer.get("type") != expected:
                raise SitegenError(f"search index failed: {answer.get('message') or answer}")
        return answers

    def _read(self, count: int, answers: list[dict[str, Any]]) -> None:
        stdout = self._process.stdout
        assert isinstance(stdout, io.BufferedReader)
        pending = b""
        while len(answers) < count:
            chunk = stdout.read1(1 << 16)
            if not chunk:
                return
            pending += chunk
            *messages, pending = pending.split(b",")
            for message in messages:
                answers.append(json.loads(base64.b64decode(message))["payload"])

    def close(self) -> None:
        """Stop the service (its peak memory goes to the debug log, for `make bench`)."""
        log.debug("Pagefind service peak memory: %s kB", _peak_kilobytes(self._process.pid))
        if self._process.stdin is not None:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _last_error(self) -> str:
        self._errors.seek(0)
        lines = [line.strip() for line in self._errors.read().decode("utf-8", errors="replace").splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()]
        return (errors or lines or [""])[-1]


def _peak_kilobytes(pid: int) -> str:
    """Return a running process's peak resident set from /proc (Linux), or "unknown"."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return found.group(1) if found else "unknown"


def _sort_entry(path: Path) -> None:
    """Write Pagefind's entry file with sorted keys: it lists languages in no fixed order,
    and the same site must give the same bytes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return "-"  # never equal to a stamp


def _write_stamp(stamp: Path, fingerprint: str) -> None:
    stamp.parent.mkdir(parents=True, exist_ok=True)
    temporary = stamp.with_name(f".{stamp.name}.tmp-{os.getpid()}")
    temporary.write_text(fingerprint, encoding="utf-8")
    os.replace(temporary, stamp)


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
