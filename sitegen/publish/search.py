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
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
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
SHARD_SIZE = 100  # indexed pages per shard, about: an edit re-indexes one shard
MAX_SHARDS = 16  # each shard is one more request for the visitor's search
_SHARD_NAME = re.compile(rf"{SEARCH_DIR}-[1-9][0-9]*")
MANIFEST = "shards.json"  # in pagefind/: every shard's folder and languages
_BODY_MARK = re.compile(rb"<[a-zA-Z][^>]*\sdata-pagefind-body[\s>=/]")


def index_site(
    out: Path, stamp: Path | None = None, sources: Mapping[str, str] | None = None, shard_size: int = SHARD_SIZE
) -> tuple[str, ...]:
    """Index the built site at `out` into `out/pagefind/`, replacing the shards whose pages changed.

    The indexed pages are split into shards of about `shard_size` pages by a
    hash of each page's source file (`sources`: dest -> source; a page's
    locales go together), each a Pagefind bundle of its own: the first at
    `pagefind/`, the others at `pagefind-N/` (beside it, as Pagefind does not
    merge a bundle whose path starts with the searched one's), listed in
    `pagefind/shards.json` for the browser to merge. With `stamp` (a file in
    the build cache), a shard whose pages are the ones the stamp records, with
    the index in place made from them, is not indexed again.
    Return the folders it replaced or removed ("pagefind/" too when the list changed): empty when Pagefind did not run.
    """
    pages = indexed_pages(out)
    if not pages:
        raise SitegenError(f"nothing to index for search: no HTML pages in {out.name}/", hint="build the site first")
    executable = find_pagefind()
    shards = split_shards(pages, sources or {}, shard_size)
    fingerprints = {number: _fingerprint(executable, out, group, len(shards)) for number, group in shards.items()}
    recorded = _read_stamps(stamp) if stamp is not None else {}
    stale = {n: group for n, group in shards.items() if recorded.get(n) != _stamp_text(fingerprints[n], out / shard_path(n))}
    if stale:
        _index_shards(executable, out, stale)
    removed = _remove_other_shards(out, shards)
    listed = _write_manifest(out, shards)
    if stamp is not None:
        _write_stamp(stamp, "".join(f"{n} {_stamp_text(fingerprints[n], out / shard_path(n))}" for n in sorted(shards)))
    changed = {*(shard_path(number) for number in stale), *removed, *([shard_path(0)] if listed else [])}
    return tuple(sorted(changed))


def split_shards(pages: Sequence[str], sources: Mapping[str, str], shard_size: int) -> dict[int, tuple[str, ...]]:
    """Group the indexed pages into shards by a hash of their source; shard 0 is never empty."""
    count = max(1, min(MAX_SHARDS, len(pages) // max(1, shard_size)))
    groups: dict[int, list[str]] = {}
    for dest in pages:
        key = sources.get(dest) or dest
        groups.setdefault(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % count, []).append(dest)
    if 0 not in groups:  # the first bundle holds Pagefind's scripts and must exist: keep all in one
        return {0: tuple(pages)}
    return {number: tuple(groups[number]) for number in sorted(groups)}


def shard_path(number: int) -> str:
    """Return a shard's folder relative to the output root: pagefind/, then pagefind-1/, pagefind-2/..."""
    return f"{SEARCH_DIR}/" if number == 0 else f"{SEARCH_DIR}-{number}/"


def _index_shards(executable: Path, out: Path, shards: Mapping[int, Sequence[str]]) -> None:
    """Index each shard in a folder beside its old one, then swap each in."""
    staged = {number: out / f".{SEARCH_DIR}.new-{os.getpid()}-{number}" for number in shards}
    try:
        _run_services(executable, out, shards, staged)
        for number in sorted(shards):
            _swap_in(staged[number], out / shard_path(number))
    finally:
        for folder in staged.values():
            _remove(folder)


def _remove_other_shards(out: Path, shards: Mapping[int, Sequence[str]]) -> list[str]:
    """Remove the shard folders of an earlier split that this one does not have; return their dests."""
    kept = {shard_path(number) for number in shards}
    found = sorted(f"{folder.name}/" for folder in out.glob(f"{SEARCH_DIR}-*") if _SHARD_NAME.fullmatch(folder.name))
    gone = [dest for dest in found if dest not in kept]
    for dest in gone:
        _remove(out / dest)
    return gone


def _write_manifest(out: Path, shards: Mapping[int, Sequence[str]]) -> bool:
    """List every shard with its languages, for the search box (static/js/site.js); return whether the list changed."""
    listed = []
    for number in sorted(shards):
        entry = json.loads((out / shard_path(number) / ENTRY_FILE).read_text(encoding="utf-8"))
        listed.append({"path": shard_path(number), "languages": sorted(entry.get("languages", {}))})
    data = json.dumps({"shards": listed}, sort_keys=True, separators=(",", ":")).encode("utf-8")
    manifest = out / SEARCH_DIR / MANIFEST
    if manifest.is_file() and manifest.read_bytes() == data:
        return False
    _write_file(manifest, data)
    return True


def _stamp_text(fingerprint: str, index: Path) -> str:
    """Return what the stamp records of one shard: its pages' fingerprint and the index made from them.

    Pagefind's entry file names each language's index by a hash of its
    contents, so it tells the index in place from another (an index left by a
    build that was stopped before its tree was swapped in has another entry).
    """
    try:
        entry = hashlib.sha256((index / ENTRY_FILE).read_bytes()).hexdigest()
    except OSError:
        return ""  # no index: nothing to match
    return f"{fingerprint} {entry}\n"


def _read_stamps(stamp: Path) -> dict[int, str]:
    """Return the stamp line of each shard the stamp file records."""
    stamps: dict[int, str] = {}
    for line in _read(stamp).splitlines():
        number, _, rest = line.partition(" ")
        if number.isdigit() and rest:
            stamps[int(number)] = rest + "\n"
    return stamps


def indexed_pages(out: Path) -> tuple[str, ...]:
    """Return the dests of the pages Pagefind indexes, sorted: those marked `data-pagefind-body`, else all.

    Pages are read one at a time and not kept: the index is made from files, not from memory.
    """
    if not out.is_dir():
        return ()
    pages: list[str] = []
    for folder, subfolders, names in os.walk(out):
        if folder == str(out):  # the index's own folders and staging folders hold no page
            subfolders[:] = [name for name in subfolders if not name.startswith((SEARCH_DIR, f".{SEARCH_DIR}"))]
        prefix = Path(folder).relative_to(out).as_posix()
        pages += [name if prefix == "." else f"{prefix}/{name}" for name in names if name.endswith(".html")]
    pages.sort()
    marked = tuple(dest for dest in pages if _is_marked((out / dest).read_bytes()))
    return marked or tuple(pages)


def _is_marked(data: bytes) -> bool:
    """Tell whether a page marks an element `data-pagefind-body` (the plain search first: most pages do not)."""
    return b"data-pagefind-body" in data and _BODY_MARK.search(data) is not None


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


def _fingerprint(executable: Path, out: Path, pages: Iterable[str], shards: int) -> str:
    """Hash what a shard's index is made from: the binary, the options, the number of shards and its pages."""
    hasher = hashlib.sha256()
    hasher.update(f"{executable.resolve()}\x00{executable.stat().st_size}\x00{INDEX_CONFIG!r}\x00{shards}\x00".encode())
    for dest in pages:
        hasher.update(dest.encode("utf-8") + b"\x00" + hashlib.sha256((out / dest).read_bytes()).digest())
    return hasher.hexdigest()


def _run_services(executable: Path, out: Path, shards: Mapping[int, Sequence[str]], staged: Mapping[int, Path]) -> None:
    """Index the shards on two Pagefind services at once when there are several (both cores busy)."""
    numbers = sorted(shards, key=lambda number: -len(shards[number]))
    halves = [numbers[0::2], numbers[1::2]] if len(numbers) > 1 and (os.cpu_count() or 1) > 1 else [numbers]
    with ThreadPoolExecutor(len(halves)) as pool:
        list(pool.map(lambda part: _run_service(executable, out, {number: shards[number] for number in part}, staged), halves))


def _run_service(executable: Path, out: Path, shards: Mapping[int, Sequence[str]], staged: Mapping[int, Path]) -> None:
    """Add each shard's pages to a new index of one Pagefind service; write each index into its staging folder.

    Each index is written as soon as it is made, so only one shard's files are held at a time.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as exc:
            raise SitegenError(f"search index failed: could not run Pagefind: {exc}", hint=INSTALL_HINT) from exc
        service = _Service(process, errors)
        try:
            for number, pages in shards.items():
                index = service.ask({"type": "NewIndex", "config": INDEX_CONFIG})["index_id"]
                # Answers are read on a thread while the pages go out, so neither pipe fills up and blocks.
                service.ask_all((_add_file(index, dest, (out / dest).read_bytes()) for dest in pages), len(pages), "IndexedFile")
                _remove(staged[number])
                _write_index(service.ask({"type": "GetFiles", "index_id": index})["files"], staged[number])
                _sort_entry(staged[number] / ENTRY_FILE)
        finally:
            service.close()


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


def _write_stamp(stamp: Path, text: str) -> None:
    stamp.parent.mkdir(parents=True, exist_ok=True)
    _write_file(stamp, text.encode("utf-8"))


def _write_file(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


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
