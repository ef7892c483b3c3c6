"""Installs that match the job: a wheel holds the theme and starts a site outside the repository,
and `make build` on a fresh copy installs no test tool and no system package.

These create virtual environments and install into them, so they take a minute or two;
`make test` runs them (marker `install`). The wheel's venv is made once per session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, parse_page

pytestmark = pytest.mark.install

# What the repository holds besides its sources: never part of a copy that is built or installed.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "_site", ".sitegen-cache", ".tools", "node_modules", "build", "dist", "*.egg-info", "__pycache__",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "test-output",
)
TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "playwright", "mypy", "ruff", "feedparser", "check-jsonschema"}


def copy_sources(destination: Path) -> Path:
    """Copy the repository's sources (links kept as links, so the theme folders stay links)."""
    shutil.copytree(REPO, destination, symlinks=True, ignore=_NOT_SOURCES)
    return destination


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, check=False)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def installed_names(python: Path) -> set[str]:
    listing = run(python, "-m", "pip", "list", "--format", "json", cwd=python.parent)
    return {entry["name"].lower() for entry in json.loads(listing.stdout)}


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a wheel from a copy of the sources and install it into a fresh venv; return the venv."""
    work = tmp_path_factory.mktemp("wheel")
    sources = copy_sources(work / "sources")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", work / "dist", sources, cwd=work)
    wheel = next((work / "dist").glob("sitegen-*.whl"))
    shutil.rmtree(sources)  # the installed package must not lean on the sources
    run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    run(work / "venv/bin/python", "-m", "pip", "install", "--quiet", "--no-compile", wheel, cwd=work)
    return work / "venv"


def test_the_wheel_holds_the_theme_and_starter_files(wheel_venv: Path) -> None:
    package = next(wheel_venv.glob("lib/python*/site-packages/sitegen"))
    for rel in ("theme/templates/base.html", "theme/templates/partials/meta.html", "theme/static/css/site.css",
                "theme/static/js/site.js", "starter/locales.yaml", "starter/files/pages.yml"):
        path = package / rel
        assert path.is_file() and not path.is_symlink(), rel
    assert (package / "theme/templates/base.html").read_bytes() == (REPO / "templates/base.html").read_bytes()
    assert TEST_TOOLS.isdisjoint(installed_names(wheel_venv / "bin/python"))


def test_init_build_and_check_outside_the_repository(wheel_venv: Path, tmp_path: Path) -> None:
    sitegen = wheel_venv / "bin/sitegen"
    init = run(sitegen, "init", "site", "--title", "Ada's notes", "--author", "Ada Lovelace",
               "--base-url", "https://ada.github.io/", cwd=tmp_path)
    assert "wrote content/about.md" in init.stdout
    site = tmp_path / "site"
    assert not (site / "templates").exists() and not (site / "static").exists()
    run(sitegen, "build", "--strict", cwd=site)
    run(sitegen, "check", cwd=site)
    out = site / "_site"
    built = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    assert {
        "feed.xml", "sitemap.xml", "robots.txt", ".nojekyll", "css/site.css", "js/site.js", "favicon.svg", "pagefind/pagefind.js",
    } <= built, sorted(built)
    # Every page type, and nothing of the example site's content.
    assert sorted(rel for rel in built if rel.endswith(".html")) == [
        "404.html", "about/index.html", "blog/a-notebook-post/index.html", "blog/archive/index.html", "blog/index.html",
        "blog/tags/index.html",
        "blog/tags/notebooks/index.html", "blog/tags/notes/index.html", "blog/welcome/index.html",
        "deep-learning/index.html", "index.html",
    ]
    assert not any(rel.startswith(("images/", "files/")) for rel in built)
    assert not any("Mira" in (out / rel).read_text(encoding="utf-8") for rel in built if rel.endswith((".html", ".xml")))
    home = parse_page(out / "index.html")
    assert home.title == "Ada's notes"
    nav = (out / "index.html").read_text(encoding="utf-8").split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert [part.split('"')[1] for part in nav.split("href=")[1:]] == ["/about/", "/deep-learning/", "/blog/"]
    notebook = (out / "blog/a-notebook-post/index.html").read_text(encoding="utf-8")
    assert "pi is about 3.1416" in notebook


def test_make_build_on_a_fresh_copy_installs_no_test_tool_and_no_system_package(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    clone = copy_sources(tmp_path / "clone")
    # Stand-ins that record any call: the build must not install system packages or npm tools.
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for tool in ("apt-get", "apt", "npm", "sudo"):
        stub = stubs / tool
        stub.write_text(f"#!/bin/sh\necho {tool} >> {tmp_path / 'called'}\nexit 1\n", encoding="utf-8")
        stub.chmod(0o755)
    # PIP_NO_COMPILE: byte-compiling every dependency is most of the install time and proves nothing here.
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}", "PIP_NO_COMPILE": "1"}
    run("make", "build", f"PYTHON={sys.executable}", cwd=clone, env=env)
    assert not (tmp_path / "called").exists(), (tmp_path / "called").read_text(encoding="utf-8")
    names = installed_names(clone / ".venv/bin/python")
    assert "sitegen" in names and "jinja2" in names
    assert TEST_TOOLS.isdisjoint(names), sorted(TEST_TOOLS & names)
    assert (clone / "_site/index.html").is_file()
    # Editing the site's settings does not install again.
    stamp = (clone / ".venv/.installed").read_text(encoding="utf-8")
    settings = clone / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("posts_per_page = 4", "posts_per_page = 5"), encoding="utf-8")
    again = run("make", "build", f"PYTHON={sys.executable}", cwd=clone, env=env)
    assert "Installing" not in again.stdout
    assert (clone / ".venv/.installed").read_text(encoding="utf-8") == stamp
