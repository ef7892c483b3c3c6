"""Watch the site's sources for the preview: poll snapshots, gather a burst of saves, sort each change.

Polling (stat every watched file a few times a second) needs no inotify and
sees every editor's way of saving. A burst (an editor's save-all, a `git
checkout`) is gathered until the files stay still for a moment, then handed
over as one set of changes, so it makes one rebuild. The classification
follows zola's `ChangeKind` (src/fs_utils.rs).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.engine.inputs import KINDS, input_kind, walk_inputs
from sitegen.settings.config import Config

log = logging.getLogger(__name__)

# What a file looks like to the watcher: a save changes at least one of these
# (an atomic save by rename gives a new inode even when size and time match).
Stamp = tuple[int, int, int]  # (mtime_ns, size, inode)
Snapshot = Mapping[str, Stamp]  # site-relative POSIX path -> stamp

@dataclass(frozen=True, slots=True)
class Change:
    """One added, edited or removed source file."""

    rel: str  # POSIX path relative to the site root, as in messages
    kind: str  # one of KINDS


def classify_change(rel: str, config: Config) -> Change:
    """Sort a changed file into content, template, static or config by where it lives."""
    return Change(rel, input_kind(rel, config))


def classify_changes(rels: Collection[str], config: Config) -> tuple[Change, ...]:
    """Classify every changed file, sorted by kind (config first) and path."""
    changes = (classify_change(rel, config) for rel in rels)
    return tuple(sorted(changes, key=lambda change: (KINDS.index(change.kind), change.rel)))


def describe_changes(changes: Collection[Change], shown: int = 3) -> str:
    """Say what changed in one line: "content: content/a.md, content/b.md; template: templates/post.html"."""
    parts = []
    for kind in KINDS:
        rels = [change.rel for change in changes if change.kind == kind]
        if rels:
            more = f" and {len(rels) - shown} more" if len(rels) > shown else ""
            parts.append(f"{kind}: {', '.join(rels[:shown])}{more}")
    return "; ".join(parts)


def take_snapshot(config: Config) -> dict[str, Stamp]:
    """Stamp every input file of the site (engine/inputs.py lists where they are)."""
    snapshot: dict[str, Stamp] = {}
    for path, rel in walk_inputs(config):
        _add_stamp(snapshot, path, rel)
    return snapshot


def changed_files(before: Snapshot, after: Snapshot) -> set[str]:
    """Return the files added, removed or changed between two snapshots."""
    return {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}


def _add_stamp(snapshot: dict[str, Stamp], path: Path, rel: str) -> None:
    try:
        stat = path.stat()
    except FileNotFoundError:  # removed between listing and stat: it is simply absent
        return
    snapshot[rel] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)


class Watcher:
    """A thread that polls the sources and calls `on_burst` once per burst of changes.

    `on_burst` runs on the watcher's thread, so rebuilds never overlap; files
    saved during a rebuild are seen by the next poll and make the next burst.
    """

    def __init__(
        self,
        current_config: Callable[[], Config],
        on_burst: Callable[[frozenset[str]], None],
        *,
        interval: float = 0.1,
        settle: float = 0.15,
    ) -> None:
        self._current_config = current_config  # the folders to watch follow the settings
        self._on_burst = on_burst
        self._interval = interval  # seconds between polls
        self._settle = settle  # a burst ends when nothing changed for this long
        self._stop = threading.Event()
        self._quiet = threading.Condition()
        self._quiet_polls = 0  # polls that found nothing pending, for wait_until_settled
        self._before = take_snapshot(current_config())
        self._thread = threading.Thread(target=self._run, name="sitegen-watch", daemon=True)

    def start(self) -> None:
        """Start polling (the first snapshot was taken when the watcher was made)."""
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop polling and wait for a running rebuild to end."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait_until_settled(self, timeout: float) -> bool:
        """Wait until two polls after this call found nothing new and nothing pending."""
        with self._quiet:
            wanted = self._quiet_polls + 2
            return self._quiet.wait_for(lambda: self._quiet_polls >= wanted, timeout)

    def _run(self) -> None:
        pending: set[str] = set()
        last_change = 0.0
        while not self._stop.wait(self._interval):
            after = take_snapshot(self._current_config())
            changed = changed_files(self._before, after)
            self._before = after
            if changed:
                pending |= changed
                last_change = time.monotonic()
            elif pending and time.monotonic() - last_change >= self._settle:
                burst, pending = frozenset(pending), set()
                self._on_burst(burst)
            if not pending:
                with self._quiet:
                    self._quiet_polls += 1
                    self._quiet.notify_all()
