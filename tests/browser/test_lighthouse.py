"""Lighthouse 100 in performance, accessibility, best practices and SEO on every page type, phone and desktop.

The example site is built for the origin it is served from (so canonical URLs and the sitemap point
at it) and served gzipped, as GitHub Pages serves it. Lighthouse runs several at a time; a page
whose performance alone is below 100 is run again after the others, alone (up to twice), because
the simulated metrics grow with the machine's load, and every run is reported. Any other category
below 100 fails at once: those audits do not depend on timing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from sitegen.publish.pages_server import serve_site
from tests.browser.harness import BuiltSite, build_example, has_notebook_source
from tests.browser.lighthouse import (
    PRESETS,
    Audit,
    audit_page,
    lighthouse_version,
    missing_lighthouse,
    page_url,
)

pytestmark = pytest.mark.browser

PAGE_TYPES = (
    "home",
    "about",
    "deep-learning",
    "project",
    "publications",
    "cv",
    "blog",
    "archive",
    "tag",
    "tags",
    "post",
    "notebook",
    "post-citations",
    "series",
    "404",
    "about-fr",
)
# Lighthouse runs at once: each is a Node process and a Chromium, mostly waiting on each other.
JOBS = int(os.environ.get("SITEGEN_LIGHTHOUSE_JOBS", "2"))
# Runs after the first of a page whose performance alone is below 100. Under a load average of 15 on
# two cores, one retry was not always enough; the math font preloaded whole failed every run.
RETRIES = 2


@dataclass(frozen=True, slots=True)
class Served:
    """The example site built for its own origin and served there."""

    origin: str
    built: BuiltSite


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Serve a folder on a free port, then build the example into it for that origin."""
    reason = missing_lighthouse()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("lighthouse-site")
    (folder / "_site").mkdir()
    with serve_site(folder / "_site", compress=True) as site:
        yield Served(site.origin, build_example(folder, base_url=site.origin + "/"))


def audit_kind(served: Served, kind: str, preset: str) -> Audit:
    """Audit one page type.

    The not-found page is audited as /404.html, the file GitHub Pages sends for a missing URL:
    at a missing URL its 404 status is itself logged as a console error, which would hide any other.
    """
    if kind == "404":
        return audit_page(f"{served.origin}/404.html", preset, not_found=True)
    return audit_page(page_url(served.origin, served.built.pages[kind]), preset)


def retried(served: Served, job: tuple[str, str], found: Audit) -> list[Audit]:
    """Run a page again, alone, while performance alone is below 100 (at most RETRIES times); return every run.

    On a busy machine the trace's tasks take longer and the simulated metrics grow with them;
    a page that really is slow (a render-blocking font, a large image) stays below 100 in every run.
    """
    tries = [found]
    while tries[-1].only_performance_missed() and len(tries) <= RETRIES:
        tries.append(audit_kind(served, *job))
    return tries


def test_every_page_type_scores_100_in_all_four_categories(served: Served) -> None:
    kinds = [kind for kind in PAGE_TYPES if kind == "404" or served.built.pages.get(kind)]
    missing = sorted(set(PAGE_TYPES) - set(kinds))
    if missing == ["notebook"] and not has_notebook_source():
        pass  # the example has no notebook post to audit
    else:
        assert missing == [], f"the example site has no page of type {missing}"
    jobs = [(kind, preset) for kind in kinds for preset in PRESETS]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        first = dict(zip(jobs, pool.map(lambda job: audit_kind(served, *job), jobs), strict=True))
    runs = {job: retried(served, job, found) for job, found in first.items()}
    report, failed = [], []
    for job, tries in runs.items():
        report.append(f"{job[0]:15} {job[1]:8} " + " | ".join(run.line() for run in tries))
        if not tries[-1].is_perfect():
            failed += [f"{job[0]} ({job[1]}, run {number}) {run.url}" for number, run in enumerate(tries, 1)]
            failed += [f"  {line}" for run in tries for line in run.lost]
    count = sum(len(tries) for tries in runs.values())
    report.append(f"{count} Lighthouse {lighthouse_version()} runs, {JOBS} at a time: {time.perf_counter() - started:.0f} s")
    print("\n".join(report))
    assert failed == [], "\n".join(report + ["", "Below 100:", *failed])
