"""Run one sitegen command in this process and write its peak memory figures as JSON.

    python benchmarks/peak.py FIGURES.json build [options]

`wait4` gives the largest resident set among a process and everything it
waited for, which mixes sitegen with its render workers and the Pagefind
service. Run in-process, sitegen's own peak (`main_mb`) is `getrusage(SELF)`;
the largest child (`child_mb`: a worker, or Pagefind) is `getrusage(CHILDREN)`;
and Pagefind's own peak (`pagefind_mb`, read from /proc by publish/search.py
before the service stops) comes from its debug log line.
"""

from __future__ import annotations

import json
import logging
import re
import resource
import sys
from pathlib import Path

from sitegen.cli import main

_PEAK = re.compile(r"Pagefind service peak memory: (\d+) kB")


class PagefindPeaks(logging.Handler):
    """Collect the peak memory lines of each Pagefind run."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.kilobytes: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = _PEAK.match(record.getMessage())
        if found:
            self.kilobytes.append(int(found.group(1)))


def run(figures: Path, argv: list[str]) -> int:
    peaks = PagefindPeaks()
    search_log = logging.getLogger("sitegen.publish.search")
    search_log.setLevel(logging.DEBUG)
    search_log.addHandler(peaks)
    search_log.propagate = False  # its debug lines are for this file, not the terminal
    code = main(argv)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    pagefind = max(peaks.kilobytes, default=0) / 1024
    figures.write_text(json.dumps({"main_mb": own, "child_mb": children, "pagefind_mb": pagefind}), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]), sys.argv[2:]))
