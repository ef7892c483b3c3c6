"""Fuzz the build with generated hostile content files and check the contract for each.

The contract (issue 15): a build either succeeds, with well-formed feeds and sitemap and
no control characters in any page, or fails with located one-line errors naming the file
(a `SitegenError`); never a traceback, never more than 60 s, and a failed build leaves the
previous output byte for byte as it was.

`make fuzz` runs 10,000 inputs on two processes and prints the figures; `tests/test_fuzz.py`
runs a fixed sample of them. Each input is one file (or a pair of files) in a small site:
Markdown and HTML pages and posts with generated front matter and bodies, and notebooks.

    python -m tests.fuzzing --count 10000 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
HANG_SECONDS = 60
SETTINGS = """\
[tool.sitegen]
title = "Fuzz"
author = "Ada Tester"
base_url = "https://example.org/"
menu = []
"""
_ONE_LINE = re.compile(r"^[^\n:]+(?::\d+(?::\d+)?)?: error: [^\n]+$")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Messages of the safety nets: reaching one means a reader or stage did not foresee the input.
_UNFORESEEN = ("cannot read this file:", "internal error")


@dataclass(frozen=True, slots=True)
class Case:
    """One generated input: the files it adds to content/."""

    number: int
    kind: str
    files: dict[str, bytes]


@dataclass(slots=True)
class Outcome:
    """What building one case did."""

    number: int
    kind: str
    result: str  # "built", "error", "traceback", "hang", "unforeseen", "bad-output", "changed-output"
    seconds: float
    detail: str = ""
    has_line: bool = True


# --- Generators ------------------------------------------------------------------------------------

_TEXT = ["hello", "Ünïcödé", "深度学习", "a\x01b", "tab\there", "<b>x</b>", "&amp;", "x" * 300, "", " ", "\u202e", "😀"]
_DATES = [
    "2024-02-30", "2024-03-05 25:00:00", "0000-01-01", "2024-03-05 10:00:00 +25:00", "2024-01-01", "9999-12-31 23:59:59 -12:00",
    "0001-01-01 00:00:00 +01:00", "'2024-02-30'", "'March 5'", "2024-13-01", "'2024-01-01T10:00:00Z'", "1", "[2024]", "{a: 1}",
]
_SCALARS = [
    "!!float abc", "!!int x", "!!set {a, b}", "!!binary '@@'", "!!timestamp nope", "!!str 5", "!!null x", "!!bool maybe",
    "5", "-1", "1e999", "~", "yes", "true", "[]", "{}", "'a\\x01b'", '"a\\x01b"', '"\\ud800"', "!!python/object:os.system x",
]
_FIELDS = ["title", "date", "updated", "tags", "layout", "slug", "author", "draft", "description", "summary", "lang", "tag"]


def _pick(rng: random.Random, items: list[str]) -> str:
    return items[rng.randrange(len(items))]


def _nested_yaml(rng: random.Random, depth: int) -> str:
    if depth <= 0:
        return _pick(rng, ["x", "1", "[]", "{}", '"q"'])
    inner = _nested_yaml(rng, depth - 1)
    return f"[{inner}]" if rng.random() < 0.5 else f"{{k: {inner}}}"


def _alias_bomb(rng: random.Random) -> str:
    width, levels = rng.randint(2, 12), rng.randint(2, 12)
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines)


def _tags_value(rng: random.Random) -> str:
    choice = rng.randrange(7)
    if choice == 0:
        return str(rng.randint(-5, 5))
    if choice == 1:
        return "[" + ", ".join(f"t{n}" for n in range(rng.choice([1, 50, 101, 3000]))) + "]"
    if choice == 2:
        return "[" + "a" * rng.choice([10, 199, 300]) + "]"
    if choice == 3:
        return "{en: [x], fr: [y]}"
    if choice == 4:
        return "[[a], {b: c}]"
    if choice == 5:
        return '"a\\x02b c"'
    return "alpha beta gamma"


def front_matter(rng: random.Random) -> str:
    """Generate a front matter block: odd fields, YAML tags, aliases, nesting, or broken YAML."""
    lines = []
    for _ in range(rng.randint(0, 6)):
        name = _pick(rng, _FIELDS)
        roll = rng.random()
        if name in ("date", "updated") and roll < 0.7:
            value = _pick(rng, _DATES)
        elif name in ("tags", "tag") and roll < 0.7:
            value = _tags_value(rng)
        elif name == "layout" and roll < 0.7:
            value = _pick(rng, ["404", "post", "nope", "{en: [1]}", "[a]", "page", "../x", "1.5"])
        elif name == "slug" and roll < 0.7:
            value = _pick(rng, ["a" * rng.choice([5, 200, 300]), "../../x", "é" * 120, "a/b", "''", "5"])
        elif roll < 0.8:
            value = _pick(rng, _SCALARS)
        else:
            value = json.dumps(_pick(rng, _TEXT))
        lines.append(f"{name}: {value}")
    roll = rng.random()
    if roll < 0.08:
        lines.append(_alias_bomb(rng))
    elif roll < 0.14:
        lines.append(f"deep: {_nested_yaml(rng, rng.choice([5, 99, 101, 400]))}")
    elif roll < 0.2:
        lines.insert(rng.randrange(len(lines) + 1), _pick(rng, ["b: [1, 2", "c: 'open", "  bad: indent", "- x", "a: *missing", ": x", "\t: tab"]))
    elif roll < 0.23:
        lines.append("loop: &l [*l]")
    return "---\n" + "\n".join(lines) + "\n---\n"


def gentle_front_matter(rng: random.Random) -> str:
    """Generate valid front matter whose texts hold control characters, markup and other scripts."""
    tags = ", ".join(json.dumps(_pick(rng, _TEXT)) for _ in range(rng.randint(0, 3)))
    title = json.dumps(_pick(rng, _TEXT) + _pick(rng, _TEXT))
    return f"---\ntitle: {title}\ndate: 2024-01-05\ntags: [{tags}]\ndescription: {json.dumps(_pick(rng, _TEXT))}\n---\n"


def markdown_body(rng: random.Random) -> str:
    """Generate a Markdown body: deep lists and quotes, fences, math, headings, control characters."""
    parts = []
    for _ in range(rng.randint(1, 5)):
        roll = rng.randrange(10)
        depth = rng.choice([3, 50, 100, 101, 300, 1000])
        if roll == 0:
            parts.append("".join("  " * i + "- x\n" for i in range(depth)))
        elif roll == 1:
            parts.append(">" * depth + " quote\n")
        elif roll == 2:
            parts.append("```" + _pick(rng, ["python", "", "nope", "{.x}"]) + "\ncode\n" + ("```\n" if rng.random() < 0.5 else ""))
        elif roll == 3:
            parts.append(_pick(rng, ["$x^2$", "$$\\frac{1}{0}$$", "$\\begin{x}$", "$$" + "{" * depth + "$$", "\\(a\\)"]) + "\n")
        elif roll == 4:
            parts.append("#" * rng.randint(1, 8) + " " + _pick(rng, _TEXT) + "\n")
        elif roll == 5:
            parts.append("[" * depth + "x" + "](y)" * min(depth, 50) + "\n")
        elif roll == 6:
            parts.append("<div>" * depth + "x" + "</div>" * depth + "\n")
        elif roll == 7:
            parts.append("*" * depth + "x" + "*" * depth + "\n")
        elif roll == 8:
            parts.append("".join(chr(rng.randrange(0, 0x80)) for _ in range(40)) + "\n")
        else:
            parts.append(_pick(rng, _TEXT) + " <!--more--> [link](missing.md) ![i](nope.png)\n")
    return "\n".join(parts)


_JINJA = [
    "{{ 1/0 }}", "{% include 'nope.html' %}", "{{ url(42) }}", "{{ url() }}", "{{ url('nope') }}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "{{ t('nope') }}", "{{ link(5, 'x') }}", "{% for x in %}",
    "{{ page.title }}", "{{ nothing.here }}", "{{ 'a' * 10 }}", "{{ [] | first }}", "{{ {}['x'] }}", "{{ (1).x() }}",
    "{% raw %}{{ x }}{% endraw %}", "{{ range(3) | list }}", "{% extends 'nope.html' %}", "{{ url('home') }}", "{{",
]


def html_body(rng: random.Random) -> str:
    """Generate an HTML page body with Jinja expressions, good and bad."""
    return "\n".join(_pick(rng, _JINJA) if rng.random() < 0.6 else f"<p>{_pick(rng, _TEXT)}</p>" for _ in range(rng.randint(1, 4)))


_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _output(rng: random.Random) -> dict[str, object]:
    roll = rng.randrange(6)
    if roll == 0:
        size = _pick(rng, ["inf", "-1", "1e999", "nan", "x", "100"])
        return {"output_type": "display_data", "metadata": {"image/png": {"width": size}}, "data": {"image/png": _PNG}}
    if roll == 1:
        box = _pick(rng, ["0 0 1e999 1", "0 0 -1 -1", "0 0 nan 5", "a b c d", "0 0 10 10"])
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" width="{_pick(rng, ["1e999", "10cm", "", "x"])}"></svg>'
        return {"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": svg}}
    if roll == 2:
        return {"output_type": "stream", "name": _pick(rng, ["stdout", "stderr", "nope"]), "text": "a\x1b[31mred\x01"}
    if roll == 3:
        return {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\x1b[0;31mx", 5]}
    if roll == 4:
        return {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/html": "<b>" * 500, "text/latex": "$\\frac{$"}}
    return {"output_type": _pick(rng, ["nope", "display_data"]), "data": {"image/png": "!!notbase64"}, "metadata": {}}


def _cell(rng: random.Random) -> dict[str, object]:
    kind = _pick(rng, ["code", "markdown", "raw", "code", "markdown"]) if rng.random() < 0.9 else rng.choice([5, None, "nope"])
    source: object = markdown_body(rng) if kind == "markdown" else _pick(rng, ["x = 1", "print('a\\ud800')", "", "#| echo: false\nx"])
    if rng.random() < 0.05:
        source = rng.choice([5, None, ["a", 5]])
    cell: dict[str, object] = {"cell_type": kind, "metadata": rng.choice([{}, {"tags": ["remove-cell"]}, {"tags": 5}, []]), "source": source}
    if kind == "code":
        cell["execution_count"] = rng.choice([1, None, "x"])
        cell["outputs"] = [_output(rng) for _ in range(rng.randint(0, 2))]
    return cell


def notebook(rng: random.Random) -> bytes:
    """Generate notebook JSON: odd versions, cell types, outputs, sizes, surrogates, or broken JSON."""
    roll = rng.random()
    if roll < 0.05:
        return ("[" * rng.choice([100, 5000, 100_000])).encode()
    if roll < 0.08:
        return _pick(rng, ['{"nbformat": 4', "[]", "5", '{"nbformat": "4"}', "\xff", '{"nbformat": 3, "worksheets": 5}']).encode("utf-8", "surrogateescape")
    front = {"cell_type": "raw", "metadata": {}, "source": front_matter(rng)} if rng.random() < 0.5 else None
    data = {
        "nbformat": rng.choice([4, 4, 4, 3, 5, "4"]),
        "nbformat_minor": rng.choice([5, 4, 0, -1, "x", 99, 2.5]),
        "metadata": rng.choice([{}, {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}}, {"widgets": 5}]),
        "cells": ([front] if front else []) + [_cell(rng) for _ in range(rng.randint(0, 4))],
    }
    text = json.dumps(data, indent=1)
    if rng.random() < 0.1:
        text = text.replace("x = 1", "x = \\ud800", 1).replace('"hello"', '"\\udc00"', 1)
    if rng.random() < 0.05:
        text = text[: rng.randrange(len(text))]
    return text.encode("utf-8")


def _name(rng: random.Random, kind: str) -> str:
    suffix = {"markdown": rng.choice([".md", ".markdown"]), "html": ".html", "notebook": ".ipynb"}[kind]
    roll = rng.random()
    if roll < 0.5:
        date = _pick(rng, ["2024-01-05", "2024-02-30", "2024-13-01", "0000-01-01", "2024-1-5"])
        return f"blog/{date}-{_pick(rng, ['post', 'a' * 230, 'é' * 100, 'x'])}{suffix}"
    return _pick(rng, ["page", "feed.xml", "index", "404", "sitemap.xml", "blog/tags/index", "css/pygments.css", "a" * 240, "blog/index"]) + suffix


def generate(number: int, seed: int = 0) -> Case:
    """Generate case `number` of the run with this seed (the same number always gives the same case)."""
    rng = random.Random(f"{seed}-{number}")
    kind = _pick(rng, ["markdown", "markdown", "html", "notebook", "pair", "bytes"])
    if kind == "pair":
        stem = _pick(rng, ["dup", "index", "blog/2024-01-05-a"])
        first, second = rng.sample([".md", ".markdown", ".html", ".ipynb"], 2)
        files = {f"{stem}{suffix}": _simple(suffix) for suffix in (first, second)}
        return Case(number, kind, files)
    if kind == "notebook":
        return Case(number, kind, {_name(rng, kind): notebook(rng)})
    if rng.random() < 0.3:  # gentle: a page that builds, with odd text where feeds and pages show it
        front, body = gentle_front_matter(rng), f"# {_pick(rng, _TEXT)}\n\n{_pick(rng, _TEXT)} {_pick(rng, _TEXT)}\n"
        return Case(number, "gentle", {f"blog/2024-01-05-{_pick(rng, ['a', 'b-c', 'é'])}.md": (front + body).encode()})
    body = html_body(rng) if kind == "html" else markdown_body(rng)
    data = (front_matter(rng) + body).encode("utf-8", "surrogatepass")
    if kind == "bytes":
        spot = rng.randrange(len(data) + 1)
        data = data[:spot] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + data[spot:]
        kind = "markdown"
    return Case(number, kind, {_name(rng, "html" if kind == "html" else "markdown"): data})


def _simple(suffix: str) -> bytes:
    if suffix == ".ipynb":
        return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# T"}]}).encode()
    return b"---\ntitle: T\ndate: 2024-01-05\n---\n<p>x</p>\n"


# --- Checking ----------------------------------------------------------------------------------------


class _Hang(Exception):
    pass


def make_site(folder: Path) -> Path:
    """Make the small site every case is added to, built once so a failed build has output to keep."""
    root = folder / "site"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    (root / "content").mkdir()
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file below a folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_case(root: Path, case: Case, *, full: bool) -> Outcome:
    """Add the case's files, build (full: render and write; else read and index), check the contract."""
    from sitegen.settings.config import load_config

    content = root / "content"
    shutil.rmtree(content)
    content.mkdir()
    for rel, data in case.files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    started = time.perf_counter()
    before = snapshot(root / "_site") if full and (root / "_site").is_dir() else None
    previous = signal.signal(signal.SIGALRM, _raise_hang)
    signal.alarm(HANG_SECONDS)
    try:
        outcome = _run(root, case, load_config(root, now=NOW), full)
    except _Hang:
        outcome = Outcome(case.number, case.kind, "hang", 0.0, f"over {HANG_SECONDS} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    outcome.seconds = time.perf_counter() - started
    if outcome.result == "error" and before is not None and snapshot(root / "_site") != before:
        outcome.result, outcome.detail = "changed-output", "a failed build changed the output folder"
    return outcome


def _raise_hang(signum: int, frame: object) -> None:
    raise _Hang


def _run(root: Path, case: Case, config: object, full: bool) -> Outcome:
    from sitegen.build import build, load_site
    from sitegen.errors import SitegenError

    try:
        if full:
            build(config, jobs=1)  # type: ignore[arg-type]
        else:
            load_site(config, jobs=1)  # type: ignore[arg-type]
    except SitegenError as error:
        return _judge_error(case, error)
    except _Hang:
        raise
    except BaseException as exc:  # every escape is what the harness counts
        if isinstance(exc, KeyboardInterrupt):
            raise
        return Outcome(case.number, case.kind, "traceback", 0.0, "".join(traceback.format_exception_only(exc)).strip()[:300])
    bad = _bad_output(root / "_site") if full else ""
    return Outcome(case.number, case.kind, "bad-output" if bad else "built", 0.0, bad)


def _judge_error(case: Case, error: object) -> Outcome:
    problems = error.problems  # type: ignore[attr-defined]
    rels = {f"content/{rel}" for rel in case.files}
    for problem in problems:
        text = problem.format().split("\n  hint: ")[0]
        if any(marker in problem.message for marker in _UNFORESEEN):
            return Outcome(case.number, case.kind, "unforeseen", 0.0, text[:300])
        if not _ONE_LINE.match(text) or (problem.path not in rels and problem.path != "pyproject.toml"):
            return Outcome(case.number, case.kind, "bad-message", 0.0, text[:300])
    has_line = all(p.line or p.message.startswith(("cell ", "invalid notebook: cell ")) for p in problems)
    return Outcome(case.number, case.kind, "error", 0.0, problems[0].format()[:300], has_line)


def _bad_output(out: Path) -> str:
    """Say what is wrong with a built site: an XML file that does not parse, a control character in a page."""
    for path in sorted(out.rglob("*")):
        if path.suffix == ".xml":
            try:
                ET.parse(path)
            except ET.ParseError as exc:
                return f"{path.relative_to(out)}: {exc}"
        if path.suffix in (".xml", ".html") and _CONTROL.search(path.read_bytes()):
            return f"{path.relative_to(out)}: control character"
    return ""


# --- Running -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Figures:
    """What a fuzz run found."""

    outcomes: list[Outcome] = field(default_factory=list)
    peak_mb: float = 0.0
    seconds: float = 0.0

    def count(self, result: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result == result)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result not in ("built", "error")]

    def report(self) -> str:
        results = Counter(o.result for o in self.outcomes)
        kinds = Counter(o.kind for o in self.outcomes)
        slowest = max((o.seconds for o in self.outcomes), default=0.0)
        errors = [o for o in self.outcomes if o.result == "error"]
        lines = [
            f"inputs: {len(self.outcomes)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})",
            f"built: {results['built']}, clean errors: {results['error']} ({sum(1 for o in errors if not o.has_line)} without a line or cell)",
            f"tracebacks: {results['traceback']}, hangs over {HANG_SECONDS} s: {results['hang']}, unforeseen: {results['unforeseen']}",
            f"badly formed messages: {results['bad-message']}, bad output: {results['bad-output']}, outputs changed by a failed build: {results['changed-output']}",
            f"slowest input: {slowest:.1f} s, peak memory: {self.peak_mb:.0f} MB, total: {self.seconds:.0f} s",
        ]
        lines += [f"  FAIL #{o.number} {o.kind} {o.result}: {o.detail}" for o in self.failures[:30]]
        return "\n".join(lines)


def run_cases(numbers: list[int], seed: int, full_every: int) -> tuple[list[Outcome], float]:
    """Run cases in one process (its own site); return the outcomes and this process's peak memory in MB."""
    with tempfile.TemporaryDirectory(prefix="sitegen-fuzz-") as folder:
        root = make_site(Path(folder))
        _build_base(root)
        outcomes = [check_case(root, generate(n, seed), full=full_every > 0 and n % full_every == 0) for n in numbers]
    return outcomes, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build_base(root: Path) -> None:
    from sitegen.build import build
    from sitegen.settings.config import load_config

    (root / "content" / "about.md").write_text("---\ntitle: About\n---\nHello.\n", encoding="utf-8")
    build(load_config(root, now=NOW), jobs=1)


def fuzz(count: int, seed: int = 0, jobs: int = 2, full_every: int = 20) -> Figures:
    """Run `count` cases over `jobs` processes; every `full_every`-th case is a whole build into the output."""
    started = time.perf_counter()
    figures = Figures()
    chunks = [list(range(start, count, jobs)) for start in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for outcomes, peak in pool.map(run_cases, chunks, [seed] * jobs, [full_every] * jobs):
            figures.outcomes += outcomes
            figures.peak_mb = max(figures.peak_mb, peak)
    figures.outcomes.sort(key=lambda o: o.number)
    figures.seconds = time.perf_counter() - started
    return figures


def cases(count: int, seed: int = 0) -> Iterator[Case]:
    """Yield the first `count` cases of a run."""
    return (generate(n, seed) for n in range(count))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--full-every", type=int, default=20, help="every Nth case is a whole build (render and write)")
    args = parser.parse_args(argv)
    figures = fuzz(args.count, args.seed, args.jobs, args.full_every)
    print(figures.report())
    ok = not figures.failures and figures.peak_mb < 500
    return 0 if ok else 1


Check = Callable[[Path, Case], Outcome]

if __name__ == "__main__":
    sys.exit(main())
