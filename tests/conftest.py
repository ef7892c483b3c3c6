"""Shared fixtures: small sites written from a dict, and built with a pinned clock."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import settings

# Shared machines are noisy: a property test must not fail because one example ran slowly.
settings.register_profile("sitegen", deadline=None)
settings.load_profile("sitegen")

from sitegen.build import BuildReport, build
from sitegen.settings.config import Config, load_config

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_SITES = TESTS / "sites"
FIXTURES = TESTS / "fixtures"
CORPUS = REPO.parent / "shared" / "corpus"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

DEFAULT_SETTINGS = """\
[tool.sitegen]
title = "Test Site"
author = "Ada Tester"
description = "A site for tests."
base_url = "https://example.org/"
posts_per_page = 2
menu = ["about", "blog"]
"""

MakeSite = Callable[..., Path]


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write files under root; text is dedented so tests can indent it."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Return a function that writes a site (repo templates and static unless given) and returns its root."""

    def make(files: Mapping[str, str | bytes], *, settings: str = DEFAULT_SETTINGS, theme: bool = True) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        if theme:
            shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
            shutil.copytree(REPO / "static", root / "static", dirs_exist_ok=True)
        (root / "pyproject.toml").write_text(settings, encoding="utf-8")
        write_files(root, files)
        return root

    return make


def site_config(root: Path, **overrides: object) -> Config:
    """Load a site's settings with the clock pinned."""
    overrides.setdefault("now", NOW)
    return load_config(root, **overrides)


def build_root(root: Path, **overrides: object) -> BuildReport:
    """Build a site with the clock pinned."""
    output = overrides.pop("output", None)
    jobs = overrides.pop("jobs", None)
    return build(site_config(root, **overrides), output=output, jobs=jobs)  # type: ignore[arg-type]


def copy_example(destination: Path) -> Path:
    """Copy the example site (content, data, templates, static, settings) to a folder of its own."""
    for name in ("content", "data", "templates", "static"):
        shutil.copytree(REPO / name, destination / name)
    for name in ("pyproject.toml", "locales.yaml"):
        shutil.copy2(REPO / name, destination / name)
    return destination


class PageParser(HTMLParser):
    """Collect what tests look at in a built page: links, ids, title, headings and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (attribute, value)
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self.text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if name in values:
                self.links.append((name, values[name]))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)

    def find_all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse_page(path: Path) -> PageParser:
    """Parse a built HTML file."""
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Return every file below a folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def add_linked_files(root: Path, source: Path) -> None:
    """Give a site the files a Jekyll page's `{% link path %}` tags name (a theme's images, not in the corpus)."""
    for target in re.findall(r"\{%-?\s*link\s+(\S+)\s*-?%\}", source.read_text(encoding="utf-8")):
        path = root / "static" / target.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
