"""Time sitegen on a generated 1,000-post site and print the figures beside their goals.

    python benchmarks/run.py [--posts 1000] [--large 3000] [--repeat 1] [--keep FOLDER] [--sitegen "COMMAND"]

In one run, each as a separate process, as a writer would meet it:

1. without search: the cold `sitegen build` (no cache, no output folder) and its
   CPU/wall ratio; the floor: Python-Markdown and Jinja alone on every core
   (benchmarks/floor.py), and the same with math conversion, for reference;
2. with search on, as the example site has it: the cold build, `sitegen build`
   with nothing changed, `sitegen build` after editing one post, and with
   `sitegen serve` running, the time from saving a post to the reload message
   on a real WebSocket client (median of three saves);
3. the cold build with search on at `--large` posts, to show growth.

Wall time, CPU time (user + system of the process and its workers) and the
largest resident set among them are taken from `wait4`. Builds run through
benchmarks/peak.py, which also reports sitegen's own peak memory apart from
its workers' and the Pagefind service's. The machine's load average is
printed too: on a busy machine wall times grow, CPU times much less.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import websocket

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import POSTS, SEED, WORDS, edit_post, generate_site  # after the path is set

WAIT = 120.0  # the longest any single step may take before the benchmark gives up


@dataclass(frozen=True, slots=True)
class Run:
    """One measured process."""

    wall: float  # seconds
    cpu: float  # user + system seconds, workers included
    peak_mb: float  # the largest resident set of the process or one of its workers
    main_mb: float | None = None  # sitegen's own process (from peak.py), when known
    child_mb: float | None = None  # its largest worker or service (from peak.py)
    pagefind_mb: float | None = None  # the Pagefind service (from peak.py; 0 when it did not run)


@dataclass(frozen=True, slots=True)
class Goal:
    """A figure, what it is compared with, and the goal."""

    label: str
    run: Run
    ratio: float | None = None  # figure / reference
    reference: str = ""  # what the ratio is relative to
    limit: float | None = None  # the goal: ratio at most this (at least, with at_least)
    strict: bool = False  # the goal is "under" (<) rather than "within" (<=)
    at_least: bool = False  # the goal is a lower bound (CPU/wall)

    def shown_ratio(self) -> str:
        if self.ratio is None:
            return ""
        if self.reference == "cold":
            return f"{self.ratio:.1%} of {self.reference}"
        return f"{self.ratio:.2f} cpu/wall" if self.at_least else f"{self.ratio:.2f}× {self.reference}"

    def shown_limit(self) -> str:
        if self.limit is None:
            return ""
        if self.at_least:
            return f"≥ {self.limit:.2f}"
        return f"{'<' if self.strict else '≤'} {self.limit:.0%}" if self.reference == "cold" else f"≤ {self.limit:.2f}×"

    def result(self) -> str:
        if self.limit is None or self.ratio is None:
            return ""
        if self.at_least:
            met = self.ratio >= self.limit
        else:
            met = self.ratio < self.limit if self.strict else self.ratio <= self.limit
        return "PASS" if met else "MISS"


def default_sitegen() -> str:
    """Return the `sitegen` command of this interpreter's environment."""
    script = Path(sys.executable).with_name("sitegen")
    return shlex.quote(str(script)) if script.is_file() else f"{shlex.quote(sys.executable)} -m sitegen"




def measure(command: Sequence[str], cwd: Path, figures: Path | None = None) -> Run:
    """Run a command to its end and return its wall time, CPU time and peak memory.

    `figures` is where benchmarks/peak.py writes sitegen's own peak memory, when the command runs through it.
    """
    if figures is not None:
        figures.unlink(missing_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode(errors='replace')}")
    run = Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    if figures is not None and figures.is_file():
        peaks = json.loads(figures.read_text(encoding="utf-8"))
        run = replace(run, main_mb=peaks["main_mb"], child_mb=peaks["child_mb"], pagefind_mb=peaks["pagefind_mb"])
    return run


def best(runs: Sequence[Run]) -> Run:
    """Return the fastest of repeated runs (the one least disturbed by other work)."""
    return min(runs, key=lambda run: run.wall)


@dataclass(frozen=True, slots=True)
class Builder:
    """How to run `sitegen build`: the command, and where peak.py leaves its figures (None: not through peak.py)."""

    command: list[str]
    figures: Path | None = None

    def build(self, site: Path) -> Run:
        return measure([*self.command, "build"], site, self.figures)


def build_cold(builder: Builder, site: Path, repeat: int) -> Run:
    runs = []
    for _ in range(repeat):
        for name in ("_site", ".sitegen-cache"):
            shutil.rmtree(site / name, ignore_errors=True)
        runs.append(builder.build(site))
    return best(runs)


def floor(site: Path, work: Path, repeat: int, *, math: bool) -> Run:
    runs = []
    for _ in range(repeat):
        shutil.rmtree(work / "floor", ignore_errors=True)
        extra = ["--math"] if math else []
        runs.append(measure([sys.executable, str(HERE / "floor.py"), str(site), str(work / "floor"), "--jobs", "2", *extra], site))
    return best(runs)


def build_unchanged(builder: Builder, site: Path, repeat: int) -> Run:
    return best([builder.build(site) for _ in range(repeat)])


def build_after_edit(builder: Builder, site: Path, posts: Sequence[Path], repeat: int) -> Run:
    runs = []
    for revision in range(repeat):
        edit_post(posts[len(posts) // 2], revision)
        runs.append(builder.build(site))
    return runs[0] if repeat == 1 else best(runs)


def enable_search(site: Path) -> None:
    """Turn search on in a generated site's settings, as the example site has it."""
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "search = true\n", encoding="utf-8")


class ServeSession:
    """`sitegen serve` in a subprocess, with a live-reload WebSocket client connected to it."""

    def __init__(self, sitegen: list[str], site: Path) -> None:
        command = [*sitegen, "serve", "--host", "127.0.0.1", "--port", "0"]
        self.process = subprocess.Popen(command, cwd=site, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        url = self._wait_for_url()
        address = url.removeprefix("http://").split("/")[0]
        self.client = websocket.create_connection(f"ws://{address}/livereload", timeout=WAIT)
        self.client.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        if json.loads(self.client.recv()).get("command") != "hello":
            raise SystemExit("the live-reload endpoint did not answer the handshake")
        self.client.send(json.dumps({"command": "info", "plugins": {}, "url": url}))

    def _read(self) -> None:
        for line in self.process.stderr or ():
            self.lines.put(line)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            line = self.lines.get(timeout=WAIT)
            if line.startswith("Serving "):
                return line.split()[1]
        raise SystemExit("sitegen serve did not start")

    def save_to_reload(self, post: Path, revision: int) -> float:
        """Save a post and return the seconds until the reload message arrives."""
        time.sleep(0.5)  # let the watcher take a snapshot in which the last save is settled
        started = time.perf_counter()
        edit_post(post, revision)
        message = json.loads(self.client.recv())
        elapsed = time.perf_counter() - started
        if message.get("command") != "reload":
            raise SystemExit(f"expected a reload message, got {message}")
        return elapsed

    def stop(self) -> Run:
        """Stop the server with Ctrl+C and return its CPU time and peak memory."""
        self.client.close()
        self.process.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        return Run(0.0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def edit_to_reload(sitegen: list[str], site: Path, posts: Sequence[Path], saves: int = 3) -> Run:
    session = ServeSession(sitegen, site)
    try:
        times = [session.save_to_reload(posts[len(posts) // 3 + n], n) for n in range(saves)]
    finally:
        server = session.stop()
    return Run(statistics.median(times), server.cpu, server.peak_mb)


def print_table(title: str, goals: Sequence[Goal]) -> None:
    print(title)
    header = f"{'':46} {'wall s':>8} {'cpu s':>7} {'peak MB':>8}   {'ratio':<22} {'goal':<10} result"
    print(header)
    print("-" * len(header))
    for goal in goals:
        print(
            f"{goal.label:46} {goal.run.wall:8.2f} {goal.run.cpu:7.2f} {goal.run.peak_mb:8.0f}   "
            f"{goal.shown_ratio():<22} {goal.shown_limit():<10} {goal.result()}"
        )


MEMORY_GOAL_MB = 150.0  # sitegen's own process, 1,000 posts


def print_memory(rows: Sequence[tuple[str, Run, bool]]) -> None:
    """Print sitegen's own peak memory apart from its workers' and Pagefind's; rows with a goal say PASS or MISS."""
    print()
    header = f"{'peak memory, MB':46} {'sitegen':>8} {'largest child':>14} {'Pagefind':>9}   {'goal':<10} result"
    print(header)
    print("-" * len(header))
    for label, run, has_goal in rows:
        if run.main_mb is None:
            print(f"{label:46} {'?':>8} {'?':>14} {'?':>9}   (run through --sitegen: only the largest, {run.peak_mb:.0f} MB)")
            continue
        goal = f"≤ {MEMORY_GOAL_MB:.0f} MB" if has_goal else ""
        result = ("PASS" if run.main_mb <= MEMORY_GOAL_MB else "MISS") if has_goal else ""
        pagefind = f"{run.pagefind_mb:9.0f}" if run.pagefind_mb else f"{'-':>9}"
        print(f"{label:46} {run.main_mb:8.0f} {run.child_mb or 0:14.0f} {pagefind}   {goal:<10} {result}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=POSTS)
    parser.add_argument("--large", type=int, default=3 * POSTS, help="posts of the growth run (default: 3000; 0 skips it)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat each build and keep the fastest (default: 1)")
    parser.add_argument("--keep", type=Path, help="generate the site here and keep it (default: a temporary folder)")
    parser.add_argument("--sitegen", help="the sitegen command to time, e.g. another checkout's (default: this environment's)")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="sitegen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.sitegen:
        builder = Builder(shlex.split(args.sitegen))
        serve = builder.command
    else:
        builder = Builder([sys.executable, str(HERE / "peak.py"), str(work / "peak.json")], work / "peak.json")
        serve = shlex.split(default_sitegen())
    try:
        return run_benchmark(work, args.posts, args.large, max(1, args.repeat), builder, serve)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run_benchmark(work: Path, count: int, large: int, repeat: int, builder: Builder, serve: list[str]) -> int:
    site = work / "site"
    posts = generate_site(site, count, WORDS, SEED)
    load_before = os.getloadavg()[0]
    # Without search: sitegen against the floor, which does no search either.
    cold = build_cold(builder, site, repeat)
    bare = floor(site, work, repeat, math=False)
    with_math = floor(site, work, repeat, math=True)
    # With search on, as the example site has it.
    enable_search(site)
    searched = build_cold(builder, site, repeat)
    unchanged = build_unchanged(builder, site, repeat)
    edited = build_after_edit(builder, site, posts, repeat)
    reload = edit_to_reload(serve, site, posts)
    goals = [
        Goal("cold build, no search", cold, cold.wall / bare.wall, "floor", 1.3),
        Goal("  its CPU over wall (2 cores busy)", cold, cold.cpu / cold.wall, "cpu/wall", 1.6, at_least=True),
        Goal("floor: Markdown + Jinja, 2 processes", bare),
        Goal("  the same with math (latex2mathml)", with_math, with_math.wall / bare.wall, "floor"),
        Goal("cold build, search on", searched),
        Goal("no-change build", unchanged, unchanged.wall / searched.wall, "cold", 0.02, strict=True),
        Goal("build after editing one post", edited, edited.wall / searched.wall, "cold", 0.05, strict=True),
        Goal("serve: save one post → reload message", reload, reload.wall / searched.wall, "cold", 0.05, strict=True),
    ]
    memory = [(f"cold build, no search, {count} posts", cold, False), (f"cold build, search on, {count} posts", searched, True)]
    if large:
        bigger = work / "site-large"
        generate_site(bigger, large, WORDS, SEED)
        enable_search(bigger)
        grown = build_cold(builder, bigger, repeat)
        goals.append(Goal(f"cold build, search on, {large} posts", grown, grown.wall / searched.wall, f"{count} posts"))
        memory.append((f"cold build, search on, {large} posts", grown, False))
    title = (
        f"sitegen benchmark: {count} posts of ~{WORDS} words (code, a table, math), seed {SEED}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after"
    )
    print_table(title, goals)
    print("serve row: wall is the median of 3 saves; cpu and peak are the whole server process.")
    print_memory(memory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
