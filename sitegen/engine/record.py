"""The record of the last build into an output folder: what it was made from, and each output's fingerprint.

Kept apart from the stages so that a build with nothing to do loads nothing heavy.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen import __version__
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

    inputs: str  # fingerprint of every input file and option: equal means nothing changed
    fingerprints: Mapping[str, str]  # dest -> fingerprint of each rendered output
    republish_at: str = ""  # ISO time when a future-dated post becomes due ("" if none)
    warnings: tuple[Problem, ...] = ()  # shown again when nothing changed
    files: tuple[str, ...] = ()  # every file the build left in the output (sorted)


def record_path(cache: Path, out: Path) -> Path:
    """Return where the record of builds into `out` is kept."""
    return cache / f"build-{digest(str(out))[:16]}.json"


def load_record(cache: Path, out: Path) -> BuildRecord | None:
    """Read the last record for an output folder, or None when there is none or it is unreadable."""
    path = record_path(cache, out)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        warnings = tuple(Problem(w["message"], w["path"], w["line"], severity="warning") for w in data.get("warnings", []))
        files = tuple(str(dest) for dest in data.get("files", []))
        return BuildRecord(str(data["inputs"]), dict(data["fingerprints"]), str(data.get("republish_at", "")), warnings, files)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_record(cache: Path, out: Path, record: BuildRecord) -> None:
    """Write the record atomically."""
    cache.mkdir(parents=True, exist_ok=True)
    path = record_path(cache, out)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    data = {
        "inputs": record.inputs,
        "fingerprints": dict(sorted(record.fingerprints.items())),
        "republish_at": record.republish_at,
        "warnings": [{"message": w.message, "path": w.path, "line": w.line} for w in record.warnings],
        "files": list(record.files),
    }
    temporary.write_text(json.dumps(data, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def inputs_fingerprint(files: Iterable[Path], root: Path, options: object) -> str:
    """Hash every input file's path and bytes, the options of the run and the sitegen version."""
    hasher = hashlib.sha256()
    hasher.update(f"{__version__}\x00{options!r}".encode())
    for path in sorted(files):
        hasher.update(path.relative_to(root).as_posix().encode("utf-8") + b"\x00")
        hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()[:32]
