"""`sitegen init`: a new site that builds at once on the packaged theme, never overwriting a file."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
import yaml

from sitegen.errors import SitegenError
from sitegen.settings.config import load_config
from sitegen.settings.locales import load_locales
from sitegen.starter import SiteAnswers, available_locales, init_site
from tests.conftest import build_root, parse_page
from tests.publish.test_deploy import run_actionlint

TODAY = date(2026, 10, 30)  # before the tests' pinned clock (2026-11-01), so the posts are published
ANSWERS = SiteAnswers("Ada's notes", 'Ada "the first" Lovelace', "https://ada.github.io/", ("en",))
EXPECTED = [
    ".github/workflows/pages.yml",
    ".gitignore",
    "content/about.md",
    "content/blog/2026-10-30-a-notebook-post.ipynb",
    "content/blog/2026-10-30-welcome.md",
    "content/deep-learning.md",
    "locales.yaml",
    "pyproject.toml",
]


def init(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1793534400"}  # 2026-11-01
    return subprocess.run(
        [sys.executable, "-m", "sitegen", "init", str(root), *args],
        input=stdin, capture_output=True, text=True, env=env, check=False, timeout=120,
    )


def test_init_writes_a_site_that_builds_strictly_with_every_page_type(tmp_path: Path) -> None:
    root = tmp_path / "site"
    report = init_site(root, ANSWERS, TODAY)
    assert sorted(report.written) == EXPECTED and report.kept == ()
    config = load_config(root)
    assert (config.title, config.author, config.base_url, config.settings_file) == (
        "Ada's notes", 'Ada "the first" Lovelace', "https://ada.github.io/", "pyproject.toml"
    )
    assert set(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))) == {"tool"}  # not a Python package
    build_root(root, strict=True)
    out = root / "_site"
    for dest in ("index.html", "about/index.html", "deep-learning/index.html", "blog/welcome/index.html",
                 "blog/a-notebook-post/index.html", "blog/tags/index.html", "404.html", "feed.xml"):
        assert (out / dest).is_file(), dest
    about = parse_page(out / "about/index.html")
    assert 'Ada "the first" Lovelace' in about.text
    assert "pi is about 3.1416" in (out / "blog/a-notebook-post/index.html").read_text(encoding="utf-8")


def test_every_starter_file_is_marked_as_something_to_replace(tmp_path: Path) -> None:
    init_site(tmp_path, ANSWERS, TODAY)
    for rel in ("content/about.md", "content/deep-learning.md", "content/blog/2026-10-30-welcome.md",
                "content/blog/2026-10-30-a-notebook-post.ipynb"):
        assert "Replace this" in (tmp_path / rel).read_text(encoding="utf-8"), rel


def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/about.md").write_text("mine\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("mine\n", encoding="utf-8")
    report = init_site(tmp_path, ANSWERS, TODAY)
    assert report.kept == (".gitignore", "content/about.md")
    assert (tmp_path / "content/about.md").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    again = init_site(tmp_path, ANSWERS, TODAY)
    assert again.written == () and sorted(again.kept) == EXPECTED


def test_beside_a_python_projects_pyproject_the_settings_go_into_sitegen_toml(tmp_path: Path) -> None:
    project = '[project]\nname = "mine"\nversion = "1"\n'
    (tmp_path / "pyproject.toml").write_text(project, encoding="utf-8")
    report = init_site(tmp_path, ANSWERS, TODAY)
    assert "sitegen.toml" in report.written and "pyproject.toml" not in report.written + report.kept
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == project
    config = load_config(tmp_path)
    assert config.settings_file == "sitegen.toml" and config.title == "Ada's notes"


def test_settings_in_both_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sitegen]\ntitle = "A"\n', encoding="utf-8")
    (tmp_path / "sitegen.toml").write_text('title = "B"\n', encoding="utf-8")
    with pytest.raises(SitegenError) as caught:
        load_config(tmp_path)
    assert caught.value.format() == (
        "pyproject.toml: error: settings in both sitegen.toml and [tool.sitegen] of pyproject.toml\n"
        "  hint: keep one: sitegen.toml is read first"
    )


def test_a_mistake_in_sitegen_toml_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('title = "T"\nauthor = "A"\nbase_url = "https://a.org/"\ntitel = "x"\n')
    with pytest.raises(SitegenError) as caught:
        load_config(tmp_path)
    assert caught.value.format() == "sitegen.toml:4: error: unknown setting 'titel'\n  hint: did you mean 'title'?"


def test_locales_asked_for_become_the_default_and_the_built_ones(tmp_path: Path) -> None:
    init_site(tmp_path, SiteAnswers("T", "A", "https://a.org/", ("fr", "en")), TODAY)
    locales = load_locales(tmp_path)
    assert locales.default == "fr" and locales.build == ("fr", "en")
    build_root(tmp_path, strict=True)
    assert parse_page(tmp_path / "_site/index.html").find_all("html")[0]["lang"] == "fr"
    assert (tmp_path / "_site/en/index.html").is_file()


def test_an_unknown_locale_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as caught:
        init_site(tmp_path / "site", SiteAnswers("T", "A", "https://a.org/", ("en", "xx")), TODAY)
    assert caught.value.format() == (
        f"error: unknown locale 'xx'\n  hint: choose among {', '.join(available_locales())} "
        "(add others to locales.yaml afterwards)"
    )
    assert not (tmp_path / "site").exists()


def test_the_command_does_not_prompt_when_stdin_is_not_a_terminal(tmp_path: Path) -> None:
    result = init(tmp_path / "site", "--locales", "en, fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "  wrote pyproject.toml"
    assert "?" not in result.stdout and "[" not in result.stdout
    config = load_config(tmp_path / "site")
    assert (config.title, config.author, config.base_url) == ("My site", "Your Name", "https://example.org/")
    assert load_locales(tmp_path / "site").build == ("en", "fr")


def test_the_command_refuses_a_base_url_that_is_not_absolute(tmp_path: Path) -> None:
    result = init(tmp_path / "site", "--base-url", "ada.github.io")
    assert result.returncode == 1
    assert result.stderr == (
        "error: the base URL must be an absolute http(s) URL, got 'ada.github.io'\n  hint: e.g. https://user.github.io/\n"
    )
    assert not (tmp_path / "site").exists()


def test_the_new_sites_workflow_installs_the_runtime_only_and_passes_actionlint(tmp_path: Path) -> None:
    init_site(tmp_path, ANSWERS, TODAY)
    path = tmp_path / ".github/workflows/pages.yml"
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    assert steps[1]["with"] == {"python-version": "3.11", "cache": "pip", "cache-dependency-path": ".github/workflows/pages.yml"}
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0].startswith('python -m pip install "sitegen==') and "[test]" not in runs[0]
    assert runs[1:] == [
        'sitegen build --base-url "${{ steps.pages.outputs.base_url }}/"',
        'sitegen check --base-url "${{ steps.pages.outputs.base_url }}/"',
    ]
    assert run_actionlint(path) == []


def test_on_a_terminal_the_missing_answers_are_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from sitegen.cli import ask_answers

    asked: list[str] = []
    replies = iter(["Ada's notes", "", "https://ada.github.io/notes", "fr en"])
    monkeypatch.setattr("builtins.input", lambda question: asked.append(question) or next(replies))
    args = argparse.Namespace(title=None, author=None, base_url=None, locales=None)
    answers = ask_answers(args, interactive=True)
    assert asked == [
        "Site title [My site]: ", "Your name [Your Name]: ", "Published at (base URL) [https://example.org/]: ",
        "Locales, default first [en]: ",
    ]
    assert answers == SiteAnswers("Ada's notes", "Your Name", "https://ada.github.io/notes/", ("fr", "en"))
    given = argparse.Namespace(title="T", author="A", base_url="https://a.org/", locales="en")
    asked.clear()
    assert ask_answers(given, interactive=True) == SiteAnswers("T", "A", "https://a.org/", ("en",))
    assert asked == []
