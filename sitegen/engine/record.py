"""The record of the last build into an output folder: what it was made from, and each output's fingerprint.

Kept apart from the stages so that a build with nothing to do loads nothing heavy.
The record is saved after the output it describes is in place, and names that
build (`build_id`, also written into the output's marker file): a record that
does not name the tree on disk is not trusted (stale.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import Problem


def digest(*parts: object) -> str:
    """Hash values (by their repr, which is stable for the frozen values here) into a short hex key."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        hasher.update(b"\x00")
    return hasher.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last successful build wrote into an output folder."""

    inputs: str  # fingerprint of every input file, environment value and option: equal means nothing changed
    fingerprints: Mapping[str, str]  # dest -> fingerprint of each output
    republish_at: str = ""  # ISO time when a future-dated post becomes due ("" if none)
    warnings: tuple[Problem, ...] = ()  # shown again when nothing changed
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # dest -> site-wide globals its templates read
    spare: str = ""  # the build whose tree was kept beside the output (write.Spare), "" for none
    delta: tuple[str, ...] = ()  # the dests where that tree differs from the output

    @property
    def build_id(self) -> str:
        """Name the tree this build made: the same outputs give the same id, whatever folder they went to."""
        return digest(sorted(self.fingerprints.items()))


def record_path(cache: Path, out: Path) -> Path:
    """Return where the record of builds into `out` is kept."""
    return cache / f"build-{digest(str(out))[:16]}.json"


def lock_path(cache: Path, out: Path) -> Path:
    """Return the lock file that keeps two builds out of one output folder."""
    return record_path(cache, out).with_suffix(".lock")


def load_record(cache: Path, out: Path) -> BuildRecord | None:
    """Read the last record for an output folder, or None when there is none or it is unreadable."""
    path = record_path(cache, out)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        warnings = tuple(Problem(w["message"], w["path"], w["line"], severity="warning") for w in data.get("warnings", []))
        reads = {str(dest): tuple(str(name) for name in names) for dest, names in data.get("reads", {}).items()}
        fingerprints = {str(dest): str(value) for dest, value in data["fingerprints"].items()}
        spare, delta = str(data.get("spare", "")), tuple(str(dest) for dest in data.get("delta", []))
        return BuildRecord(str(data["inputs"]), fingerprints, str(data.get("republish_at", "")), warnings, reads, spare, delta)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_record(cache: Path, out: Path, record: BuildRecord) -> None:
    """Write the record atomically."""
    cache.mkdir(parents=True, exist_ok=True)
    path = record_path(cache, out)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    data = {
        "inputs": record.inputs,
        "fingerprints": dict(sorted(record.fingerprints.items())),
        "reads": {dest: list(names) for dest, names in sorted(record.reads.items())},
        "republish_at": record.republish_at,
        "spare": record.spare,
        "delta": list(record.delta),
        "warnings": [{"message": w.message, "path": w.path, "line": w.line} for w in record.warnings],
    }
    temporary.write_text(json.dumps(data, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
