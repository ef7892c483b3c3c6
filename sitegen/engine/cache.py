"""A cache of plain files keyed by content hash: bytes in, bytes out, never pickle.

The key is a hash of everything that shaped the cached value (the input bytes,
the options that affect the output and the versions of the code that made
it), so an entry never goes stale: a changed input simply has another key.
Writes go to a temporary file beside the entry and are moved into place with
`os.replace`, so two builds running at once never see a half-written entry.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[0-9a-f]{16,128}$")


def cache_key(*parts: str | bytes) -> str:
    """Hash the parts (each length-prefixed, so ("ab", "c") and ("a", "bc") differ) into a key."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Cache:
    """One cache folder; entries live at root/<first two key characters>/<key>."""

    root: Path

    def path_of(self, key: str) -> Path:
        """Return where the entry for `key` is stored."""
        if not _KEY.match(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.root / key[:2] / key

    def has(self, key: str) -> bool:
        """Tell whether an entry exists for `key`."""
        return self.path_of(key).is_file()

    def get(self, key: str) -> bytes | None:
        """Return the bytes stored under `key`, or None when there is no readable entry."""
        path = self.path_of(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            # An unreadable entry is a miss: the caller recomputes the value.
            log.warning("cannot read cache entry %s: %s", path, exc)
            return None

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` atomically (temporary file, then os.replace)."""
        path = self.path_of(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        except OSError as exc:
            # The value is already computed and correct; only the next build gets slower.
            log.warning("cannot write cache entry %s: %s", path, exc)


def _write_atomic(path: Path, data: bytes) -> None:
    # Named after the process and thread rather than by mkstemp, which tries random names: an entry's
    # key is unique, so only this thread of this process writes this name.
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
