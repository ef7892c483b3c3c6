"""Lighthouse scores of the example site: build it, serve it on 127.0.0.1, audit each page type.

The server gzips text, as GitHub Pages does. Runs npm's `lighthouse` (installed under .tools/)
with Debian's Chromium, one page at a time so the performance numbers are not skewed by parallel
runs, for the mobile and desktop presets, and prints one table of medians. The goal is 100 in every cell; a score below --fail-under (95) exits 1
and the audits that cost points are listed under the table.

    python benchmarks/lighthouse.py [--pages home,post] [--presets mobile,desktop] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.build import build
from sitegen.publish.pages_server import serve_site
from sitegen.publish.search import index_site
from sitegen.settings.config import load_config

LIGHTHOUSE = REPO / ".tools" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "best", "seo": "seo"}
PAGE_TYPES = ("home", "about", "deep-learning", "blog", "post", "notebook", "publications", "cv", "archive", "project", "post-citations")
PRESETS = ("mobile", "desktop")


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 as GitHub Pages does (gzipped text, 404.html); yield its origin."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve_site(folder, compress=True) as site:
        yield site.origin + "/"


def build_example(out: Path, base_url: str) -> None:
    """Build the example site for this origin (so canonical URLs point at it) and index it for search."""
    config = load_config(REPO, base_url=base_url, now=datetime(2026, 11, 1, 12, tzinfo=UTC))
    build(config, output=out)
    index_site(out)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def _hrefs(path: Path) -> list[str]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.hrefs


def find_pages(out: Path) -> dict[str, str]:
    """Return the dest of each page type; a notebook post is one that links its .ipynb."""
    posts = sorted(
        p.relative_to(out).as_posix() for p in (out / "blog").glob("*/index.html") if p.parent.name not in {"tags", "page", "archive"}
    )
    notebooks = [dest for dest in posts if any(h.split("?")[0].endswith(".ipynb") for h in _hrefs(out / dest))]
    notebooks.sort(key=lambda dest: "<img" not in (out / dest).read_text(encoding="utf-8"))  # one with plots first
    markdown = [dest for dest in posts if dest not in notebooks]
    rich = [dest for dest in markdown if "<math" in (out / dest).read_text(encoding="utf-8")]
    pages = {
        "home": "index.html",
        "about": "about/index.html",
        "deep-learning": "deep-learning/index.html",
        "blog": "blog/index.html",
        "post": (rich or markdown)[0],
    }
    if notebooks:
        pages["notebook"] = notebooks[0]
    citing = [dest for dest in markdown if 'class="references"' in (out / dest).read_text(encoding="utf-8")]
    projects = sorted(p.relative_to(out).as_posix() for p in (out / "projects").glob("*/index.html"))
    extra = {"publications": "publications/index.html", "cv": "cv/index.html", "archive": "blog/archive/index.html"}
    extra |= {"project": projects[0]} if projects else {}
    extra |= {"post-citations": citing[0]} if citing else {}
    return pages | {name: dest for name, dest in extra.items() if (out / dest).is_file()}


def run_lighthouse(url: str, preset: str) -> dict[str, Any]:
    """Run Lighthouse once and return its JSON report."""
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed for {url} ({preset}): {result.stderr.strip()[-2000:]}")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def audit(url: str, preset: str, runs: int, fail_under: int) -> tuple[dict[str, Any], dict[str, int]]:
    """Run Lighthouse `runs` times and take each category's median.

    Performance is measured on a shared 2-core machine, so one slow run (another process
    busy at the time) is run twice more before it counts: the median of three, as Lighthouse's
    own guidance on variability suggests.
    """
    reports = [run_lighthouse(url, preset) for _ in range(runs)]
    if runs < 3 and min(scores(reports[0]).values()) < fail_under:
        reports += [run_lighthouse(url, preset) for _ in range(3 - runs)]
    medians = {name: int(statistics.median(scores(r)[name] for r in reports)) for name in CATEGORIES}
    closest = min(reports, key=lambda r: abs(scores(r)["performance"] - medians["performance"]))
    return closest, medians


def scores(report: dict[str, Any]) -> dict[str, int]:
    """Return each category's score out of 100."""
    return {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def lost_points(report: dict[str, Any]) -> list[str]:
    """List the audits that cost points, with the category they count in."""
    lines = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                detail = audit.get("displayValue") or ""
                lines.append(f"{SHORT[name]}: {audit['id']} ({audit['score']:.2f}) {audit['title']} {detail}".rstrip())
    return lines


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
    if not LIGHTHOUSE.is_file():
        print(f"error: no lighthouse at {LIGHTHOUSE.relative_to(REPO)}; run: npm install --prefix .tools lighthouse", file=sys.stderr)
        return 1
    if not Path(CHROMIUM).is_file():
        print(f"error: no Chromium at {CHROMIUM}; run: apt-get install chromium", file=sys.stderr)
        return 1
    rows: list[tuple[str, str, dict[str, int] | None]] = []
    pages: dict[str, str] = {}
    problems: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sitegen-lighthouse-") as temp:
        out = Path(temp) / "_site"
        with serve(out) as origin:
            build_example(out, origin)
            pages = find_pages(out)
            for kind in args.pages.split(","):
                for preset in args.presets.split(","):
                    if kind not in pages:
                        rows.append((kind, preset, None))
                        continue
                    url = origin + pages[kind].removesuffix("index.html")
                    report, found = audit(url, preset, args.runs, args.fail_under)
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
    print(f"\n{len(rows)} runs in {time.perf_counter() - started:.0f} s (Lighthouse {report_version()})")
    if args.json:
        args.json.write_text(json.dumps([{"page": p, "preset": s, "scores": f} for p, s, f in rows], indent=2), encoding="utf-8")
    worst = min((min(found.values()) for _, _, found in rows if found), default=100)
    return 1 if worst < args.fail_under else 0


def report_version() -> str:
    """Return the installed Lighthouse version."""
    package = json.loads((LIGHTHOUSE.parent.parent / "package.json").read_text(encoding="utf-8"))
    return str(package.get("version", "?"))


if __name__ == "__main__":
    sys.exit(main())
