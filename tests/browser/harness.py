"""What the browser and standards tests share: the built example site, a real HTTP server and Chromium.

The example site is built once per test process into a temporary folder, indexed for search,
and served by `http.server` on 127.0.0.1 (port 0) from a thread. Chromium is Debian's
(/usr/bin/chromium), driven by Playwright; no browser is downloaded.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sitegen.publish.pages_server import ServedSite, serve_site
from sitegen.publish.search import SEARCH_DIR
from tests.conftest import REPO, build_root, copy_example, parse_page

CHROMIUM = Path(os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TOOLS = REPO / ".tools" / "node_modules"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = REPO / "test-output" / "screenshots"
PROJECT_BASE = "/portfolio/"  # the base path of the project-site build

VIEWPORTS = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1280, "height": 900}}


def missing_browser() -> str | None:
    """Say why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the 'playwright' Python package is not installed (pip install playwright)"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def require_browser() -> None:
    """Skip the calling test when Playwright or Chromium is genuinely missing."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)


@dataclass(frozen=True, slots=True)
class BuiltSite:
    """One build of the example site and the dests of each page type in it."""

    out: Path  # the output folder
    base: str  # the base path it was built for: "/" or "/portfolio/"
    pages: dict[str, str] = field(default_factory=dict)  # page type -> dest


def build_example(folder: Path, *, base_url: str | None = None, search: bool = True) -> BuiltSite:
    """Build a copy of the example site into folder/_site (and index it for search)."""
    root = copy_example(folder)
    if base_url:
        build_root(root, base_url=base_url)
    else:
        build_root(root)
    out = root / "_site"
    if search:
        assert (out / SEARCH_DIR / "pagefind.js").is_file(), "the example's build makes its search index"
    elif (out / SEARCH_DIR).exists():
        shutil.rmtree(out / SEARCH_DIR)  # a build with search on made one; this site must do without
    base = "/" if not base_url else "/" + base_url.split("://", 1)[1].split("/", 1)[1]
    return BuiltSite(out, base, find_page_types(out))


def find_page_types(out: Path) -> dict[str, str]:
    """Pick one page of each type from the built site, by what the pages contain."""
    posts = sorted(
        path.relative_to(out).as_posix()
        for path in (out / "blog").glob("*/index.html")
        if path.parent.name not in {"tags", "page", "archive"}
    )
    notebooks = [dest for dest in posts if _is_notebook_post(out / dest)]
    notebook = sorted(notebooks, key=lambda dest: not _has(out / dest, "<img"))  # one with images first
    markdown = [dest for dest in posts if dest not in notebook]
    rich = [dest for dest in markdown if _has(out / dest, "<math", 'class="highlight"', 'class="toc"')]
    tag_pages = sorted(path.relative_to(out).as_posix() for path in (out / "blog/tags").glob("*/index.html"))
    projects = sorted(path.relative_to(out).as_posix() for path in (out / "projects").glob("*/index.html"))
    citing = [dest for dest in markdown if _has(out / dest, 'class="references"')]
    series = sorted((dest for dest in markdown if _has(out / dest, 'class="series-box"')), key=lambda dest: dest in citing)
    pages = {
        "home": "index.html",
        "about": "about/index.html",
        "deep-learning": "deep-learning/index.html",
        "blog": "blog/index.html",
        "blog-page-2": "blog/page/2/index.html",
        "post": (rich or markdown)[0],
        "tags": "blog/tags/index.html",
        "tag": tag_pages[0],
        "404": "no-such-page/index.html",  # served with the site's 404.html, as GitHub Pages does
        "home-zh-hans": "zh-hans/index.html",
        "about-fr": "fr/about/index.html",
        "publications": "publications/index.html",
        "cv": "cv/index.html",
        "archive": "blog/archive/index.html",
        "post-citations": citing[0] if citing else "",
        "project": projects[0] if projects else "",
        "series": series[0] if series else "",
        "home-fr": "fr/index.html",
    }
    if notebook:
        pages["notebook"] = notebook[0]
    return {name: dest for name, dest in pages.items() if name == "404" or (out / dest).is_file()}


def _is_notebook_post(path: Path) -> bool:
    return any(value.split("?")[0].endswith(".ipynb") for _, value in parse_page(path).links)


def _has(path: Path, *needles: str) -> bool:
    html = path.read_text(encoding="utf-8")
    return all(needle in html for needle in needles)


def has_notebook_source() -> bool:
    """Tell whether the example site has a notebook post at all."""
    return any((REPO / "content" / "blog").rglob("*.ipynb"))


Served = ServedSite


@contextlib.contextmanager
def serve(built: BuiltSite) -> Iterator[ServedSite]:
    """Serve a built site on 127.0.0.1 (a free port) from a thread until the block ends."""
    with serve_site(built.out, built.base) as served:
        yield served


@dataclass
class PageProblems:
    """What went wrong while a page loaded: console errors, uncaught errors, failed requests."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        """Return every problem, one line each."""
        return [*self.console, *self.errors, *self.failed]


def watch(page: Any) -> PageProblems:
    """Record a page's console errors, uncaught exceptions and failed or 4xx/5xx requests."""
    problems = PageProblems()
    page.on(
        "console",
        lambda message: message.type == "error"
        and problems.console.append(f"console: {message.text} [{message.location.get('url', '')}]"),
    )
    page.on("pageerror", lambda error: problems.errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: problems.failed.append(f"failed: {request.url} ({request.failure})"))
    page.on("request", lambda request: problems.requested.append(request.url))
    page.on(
        "response",
        lambda response: response.status >= 400 and problems.failed.append(f"HTTP {response.status}: {response.url}"),
    )
    return problems


def launch_chromium(playwright: Any) -> Any:
    """Launch Debian's Chromium headless with the flags that keep it off the network."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


@functools.cache
def shared_chromium() -> Any:
    """Start Playwright and Chromium once per test process; both stop when the process exits.

    One instance serves every module: Playwright's sync API cannot run two at once in a process,
    and tests/browser/ and tests/test_html_standards.py each ask for a browser.
    """
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    chromium = launch_chromium(manager)

    def stop() -> None:
        chromium.close()
        manager.stop()

    atexit.register(stop)
    return chromium


@pytest.fixture(scope="session")
def browser() -> Any:
    """Chromium for this test process."""
    require_browser()
    return shared_chromium()


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The example site, built and indexed for search once per test process."""
    return build_example(tmp_path_factory.mktemp("example-site"))


@pytest.fixture(scope="session")
def site(example: BuiltSite) -> Iterator[Served]:
    """The example site served over HTTP."""
    with serve(example) as served:
        yield served


def save_screenshot(page: Any, name: str) -> Path:
    """Write a full-page screenshot to test-output/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path

