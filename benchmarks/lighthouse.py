"""Lighthouse scores of the example site: build it, serve it on 127.0.0.1, audit each page type.

The server gzips text, as GitHub Pages does. Runs npm's `lighthouse` (installed under .tools/ by
`make test-tools`) with Debian's Chromium, one page at a time so the performance numbers are not
skewed by parallel runs, for the mobile and desktop presets, and prints one table of medians.
`tests/browser/test_lighthouse.py` asserts 100 in every cell on every page type; this script is
for looking at the numbers (several runs, a table, JSON). A score below --fail-under (95) exits 1
and the audits that cost points are listed under the table.

    python benchmarks/lighthouse.py [--pages home,post] [--presets mobile,desktop] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.publish.pages_server import serve_site
from tests.browser.harness import build_example
from tests.browser.lighthouse import (
    CATEGORIES,
    NOT_FOUND_FLAGS,
    PRESETS,
    SHORT,
    lighthouse_version,
    lost_points,
    missing_lighthouse,
    page_url,
    run_lighthouse,
    scores,
)
from tests.browser.test_lighthouse import PAGE_TYPES


def audit(url: str, preset: str, runs: int, fail_under: int, flags: Sequence[str] = ()) -> tuple[dict[str, Any], dict[str, int]]:
    """Run Lighthouse `runs` times and take each category's median.

    Performance is measured on a shared 2-core machine, so one slow run (another process
    busy at the time) is run twice more before it counts: the median of three, as Lighthouse's
    own guidance on variability suggests.
    """
    reports = [run_lighthouse(url, preset, flags=flags) for _ in range(runs)]
    if runs < 3 and min(scores(reports[0]).values()) < fail_under:
        reports += [run_lighthouse(url, preset, flags=flags) for _ in range(3 - runs)]
    medians = {name: int(statistics.median(scores(r)[name] for r in reports)) for name in CATEGORIES}
    closest = min(reports, key=lambda r: abs(scores(r)["performance"] - medians["performance"]))
    return closest, medians


def render_table(rows: Sequence[tuple[str, str, dict[str, int] | None]], pages: dict[str, str]) -> str:
    """Format the results as a Markdown table, one row per page and preset."""
    header = "| page | path | preset | " + " | ".join(SHORT[c] for c in CATEGORIES) + " |"
    lines = [header, "|" + "---|" * (len(CATEGORIES) + 3)]
    for page, preset, found in rows:
        cells = [str(found[c]) for c in CATEGORIES] if found else ["n/a"] * len(CATEGORIES)
        path = "/" + pages[page].removesuffix("index.html") if page in pages else ""
        lines.append(f"| {page} | {path} | {preset} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build, serve and audit the example site; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGE_TYPES), help="page types to audit")
    parser.add_argument("--presets", default=",".join(PRESETS), help="mobile, desktop or both")
    parser.add_argument("--fail-under", type=int, default=95, help="exit 1 when any score is below this")
    parser.add_argument("--runs", type=int, default=1, help="runs per page and preset; the median counts")
    parser.add_argument("--json", type=Path, help="also write the scores here")
    args = parser.parse_args(argv)
    missing = missing_lighthouse()
    if missing:
        print(f"error: {missing}", file=sys.stderr)
        return 1
    rows: list[tuple[str, str, dict[str, int] | None]] = []
    pages: dict[str, str] = {}
    problems: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sitegen-lighthouse-") as temp:
        (Path(temp) / "_site").mkdir()
        with serve_site(Path(temp) / "_site", compress=True) as site:
            pages = build_example(Path(temp), base_url=site.origin + "/").pages | {"404": "404.html"}
            for kind in args.pages.split(","):
                for preset in args.presets.split(","):
                    if kind not in pages:
                        rows.append((kind, preset, None))
                        continue
                    flags = NOT_FOUND_FLAGS if kind == "404" else ()
                    report, found = audit(page_url(site.origin, pages[kind]), preset, args.runs, args.fail_under, flags)
                    rows.append((kind, preset, found))
                    if min(found.values()) < 100:
                        problems += [f"{kind} ({preset}) {line}" for line in lost_points(report)]
                    print(f"{kind:14} {preset:8} " + " ".join(f"{SHORT[c]}={found[c]}" for c in CATEGORIES), file=sys.stderr)
    print(render_table(rows, pages))
    if any(found is None for _, _, found in rows):
        print("\nn/a: the example site has no page of that type (no .ipynb post in content/blog)")
    if problems:
        print("\nAudits that cost points:")
        print("\n".join(f"- {line}" for line in problems))
    print(f"\n{len(rows)} runs in {time.perf_counter() - started:.0f} s (Lighthouse {lighthouse_version()})")
    if args.json:
        args.json.write_text(json.dumps([{"page": p, "preset": s, "scores": f} for p, s, f in rows], indent=2), encoding="utf-8")
    worst = min((min(found.values()) for _, _, found in rows if found), default=100)
    return 1 if worst < args.fail_under else 0


if __name__ == "__main__":
    sys.exit(main())
