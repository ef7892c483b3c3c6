"""The one staleness rule: what must be made again, from the planned jobs and the last build's record.

- A record is trusted only when it names the tree on disk (the marker in the
  output folder names the build that made it; write.py); otherwise every job
  is stale and the whole tree is made again.
- Nothing changed when the hash of every input file, environment value and run
  option equals the record's and no future post has become due since.
- A job is stale when its output is missing, or when its fingerprint differs:
  its inputs (plan.py) plus the site-wide values its templates read last time
  (render.py notes them). Reads can change only when something the template
  read changed, and that makes it stale already.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from sitegen import __version__
from sitegen.engine.inputs import environment_inputs, walk_inputs
from sitegen.engine.plan import SEARCH_JOB, Job
from sitegen.engine.record import BuildRecord, digest, load_record
from sitegen.engine.write import read_build_id
from sitegen.settings.config import Config

SEARCH_ENTRY = "pagefind/pagefind.js"  # a search index without it is missing


def inputs_digest(config: Config, out: Path) -> str:
    """Hash every input file's path and bytes, the environment values, the run's options and sitegen's version."""
    options = (config.drafts, config.strict, config.search, config.base_url, str(out))
    hasher = hashlib.sha256(repr((__version__, options, sorted(environment_inputs(config).items()))).encode("utf-8"))
    for path, rel in sorted(walk_inputs(config), key=lambda found: found[1]):
        hasher.update(rel.encode("utf-8") + b"\x00")
        hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()[:32]


def trusted_record(config: Config, out: Path) -> BuildRecord | None:
    """Return the last build's record when it names the tree in `out`, else None."""
    record = load_record(config.cache_path, out)
    if record is None or not record.fingerprints or read_build_id(out) != record.build_id:
        return None
    return record


def is_up_to_date(record: BuildRecord | None, inputs: str, config: Config, out: Path) -> bool:
    """Tell whether nothing changed since the recorded build: same inputs, no post due, nothing missing."""
    if record is None or record.inputs != inputs:
        return False
    if record.republish_at and datetime.fromisoformat(record.republish_at) <= config.now:
        return False
    return not config.search or is_present(out, SEARCH_JOB)


def stale_jobs(jobs: Sequence[Job], record: BuildRecord | None, present: Callable[[str], bool]) -> tuple[Job, ...]:
    """Return the jobs to make again: all of them without a trusted record."""
    if record is None:
        return tuple(jobs)
    return tuple(job for job in jobs if is_stale(job, record, present))


def is_stale(job: Job, record: BuildRecord, present: Callable[[str], bool]) -> bool:
    """Tell whether one job's output must be made again."""
    previous = record.fingerprints.get(job.dest)
    reads = record.reads.get(job.dest, ())
    if previous is None or any(name not in job.site_wide for name in reads):
        return True
    return previous != fingerprint(job, reads) or not present(job.dest)


def fingerprint(job: Job, reads: Sequence[str]) -> str:
    """Hash a job's inputs with the site-wide values its templates read."""
    return digest(job.kind, job.dest, job.locale, job.inputs, [(name, job.site_wide[name]) for name in sorted(reads)])


def is_present(out: Path, dest: str) -> bool:
    """Tell whether an output is in the folder (the search index by its entry file)."""
    return (out / (SEARCH_ENTRY if dest == SEARCH_JOB else dest)).is_file()
