"""Render the stale jobs on every core, after the whole site is indexed and planned.

A job is plain data, but rendering it needs the template contexts (the Jinja
environment, the indexed site), which cannot be pickled. So the workers are
forked after planning: each inherits the contexts and the stale jobs, and is
sent only job numbers; the rendered outputs come back in plan order. A user
mistake in a worker comes back as a value and is raised here, the first in plan
order, as a build in one process would raise it.

Where fork is not available, or only a few jobs are stale (an edit), the jobs
run in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from sitegen.engine.plan import Job
from sitegen.errors import SitegenError

if TYPE_CHECKING:
    from sitegen.engine.render import Made, SiteContext

# Below this many stale jobs, forking costs more than it saves.
PARALLEL_THRESHOLD = 48
# Jobs per task: small enough that every worker stays busy to the end, large enough to keep messages few.
CHUNK = 16


def render_all(jobs: Sequence[Job], contexts: Mapping[str, SiteContext], workers: int | None = None) -> dict[str, Made]:
    """Render every job (none of them the search index), on every core when there are enough; dest -> Made in plan order."""
    count = workers or os.cpu_count() or 1
    if count < 2 or len(jobs) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        results = _render_range(jobs, contexts, range(len(jobs)))
    else:
        results = _render_forked(jobs, contexts, count)
    errors = [result for result in results if isinstance(result, SitegenError)]
    if errors:
        raise errors[0]
    # Without an error every range ran to its end, so the results line up with the jobs.
    return {job.dest: made for job, made in zip(jobs, results, strict=True) if not isinstance(made, SitegenError)}


def _render_forked(jobs: Sequence[Job], contexts: Mapping[str, SiteContext], count: int) -> list[Made | SitegenError]:
    """Render on `count` forked workers, in chunks; the results come back in plan order."""
    chunks = [range(start, min(start + CHUNK, len(jobs))) for start in range(0, len(jobs), CHUNK)]
    context = multiprocessing.get_context("fork")
    # What the workers only read stays out of the collector's reach, so collecting does not copy its pages.
    gc.freeze()
    try:
        with ProcessPoolExecutor(count, mp_context=context, initializer=_adopt, initargs=(jobs, contexts)) as pool:
            return [result for chunk in pool.map(_render_chunk, chunks) for result in chunk]
    finally:
        gc.unfreeze()


# The jobs and contexts a worker inherited from the parent at fork (passed without pickling).
# Set once in each worker process by _adopt; the parent process never sets it.
_inherited: dict[str, object] = {}


def _adopt(jobs: Sequence[Job], contexts: Mapping[str, SiteContext]) -> None:
    _inherited.update(jobs=jobs, contexts=contexts)


def _render_chunk(numbers: range) -> list[Made | SitegenError]:
    jobs, contexts = _inherited["jobs"], _inherited["contexts"]
    assert isinstance(jobs, Sequence) and isinstance(contexts, Mapping)
    return _render_range(jobs, contexts, numbers)


def _render_range(jobs: Sequence[Job], contexts: Mapping[str, SiteContext], numbers: range) -> list[Made | SitegenError]:
    """Render the numbered jobs; a user mistake ends the range and comes back as a value."""
    from sitegen.engine.render import render_job

    results: list[Made | SitegenError] = []
    for number in numbers:
        try:
            results.append(render_job(jobs[number], contexts))
        except SitegenError as error:
            results.append(error)
            break
    return results
