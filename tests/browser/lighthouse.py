"""Running Lighthouse (npm's, under .tools/) against a served site, shared by the test and `make bench`.

Lighthouse drives Debian's Chromium headless with the flags that keep it off the network, and
scores with its default simulated throttling: the metrics are computed from the trace under a
modelled slow network and CPU, so runs on different machines agree much better than with
devtools throttling.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.browser.harness import CHROMIUM, TOOLS

LIGHTHOUSE = TOOLS / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "best", "seo": "seo"}
PRESETS = ("mobile", "desktop")
# The not-found page says noindex on purpose; that one SEO audit judges pages meant to be indexed,
# so it is the only one left out, and only on that page.
NOT_FOUND_FLAGS = ("--skip-audits=is-crawlable",)


def missing_lighthouse() -> str | None:
    """Say why Lighthouse cannot run here, or None when it can."""
    if not LIGHTHOUSE.is_file():
        return f"no Lighthouse at .tools/node_modules/{LIGHTHOUSE.relative_to(TOOLS)} (make test-tools)"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@dataclass(frozen=True, slots=True)
class Audit:
    """One Lighthouse run: what was audited and the scores it gave."""

    url: str
    preset: str  # "mobile" or "desktop"
    scores: Mapping[str, int]  # category -> score out of 100
    lost: tuple[str, ...]  # the audits that cost points, one line each

    def is_perfect(self) -> bool:
        """Tell whether every category scored 100."""
        return all(score == 100 for score in self.scores.values())

    def only_performance_missed(self) -> bool:
        """Tell whether performance alone is below 100 (the score that moves with machine load)."""
        return not self.is_perfect() and all(self.scores[name] == 100 for name in CATEGORIES if name != "performance")

    def line(self) -> str:
        """Summarise the scores on one line."""
        return " ".join(f"{SHORT[name]}={self.scores[name]}" for name in CATEGORIES)


def run_lighthouse(url: str, preset: str, *, flags: Sequence[str] = (), timeout: float = 300) -> dict[str, Any]:
    """Run Lighthouse once on a URL with the mobile or desktop preset (and extra flags); return its JSON report."""
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        *flags,
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed for {url} ({preset}): {result.stderr.strip()[-2000:]}")
    report: dict[str, Any] = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not audit {url} ({preset}): {report['runtimeError'].get('message')}")
    return report


def audit_page(url: str, preset: str, *, not_found: bool = False) -> Audit:
    """Run Lighthouse once and keep the scores and the audits that cost points."""
    report = run_lighthouse(url, preset, flags=NOT_FOUND_FLAGS if not_found else ())
    return Audit(url, preset, scores(report), tuple(lost_points(report)))


def scores(report: Mapping[str, Any]) -> dict[str, int]:
    """Return each category's score out of 100."""
    return {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def lost_points(report: Mapping[str, Any]) -> list[str]:
    """List the audits that cost points, with the category they count in and what they found."""
    lines = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            found = report["audits"][ref["id"]]
            if ref["weight"] > 0 and found["score"] is not None and found["score"] < 1:
                detail = found.get("displayValue") or ""
                lines.append(f"{SHORT[name]}: {found['id']} ({found['score']:.2f}) {found['title']} {detail}".rstrip())
                lines += [f"    {item}" for item in _failing_items(found)]
    return lines


def _failing_items(found: Mapping[str, Any]) -> list[str]:
    """Name the elements or resources an audit points at (the first five), so a failure says where."""
    items = (found.get("details") or {}).get("items") or []
    named = []
    for item in items[:5]:
        node = item.get("node") or {}
        named.append(str(node.get("snippet") or node.get("selector") or item.get("url") or item.get("source") or item)[:200])
    return named


def lighthouse_version() -> str:
    """Return the installed Lighthouse version."""
    package = json.loads((LIGHTHOUSE.parent.parent / "package.json").read_text(encoding="utf-8"))
    return str(package.get("version", "?"))


def page_url(origin: str, dest: str) -> str:
    """Return the URL of a dest on a served site: folders end in '/', as their links do."""
    return f"{origin}/{dest.removesuffix('index.html')}"

