"""Settings: every problem reported at once, with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import ConfigError
from sitegen.settings.config import load_config


def write(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.sitegen]\n" + table, encoding="utf-8")
    return tmp_path


def test_a_valid_table(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'title = "T"\nauthor = "A"\nbase_url = "https://u.github.io/portfolio"\nmenu = ["about"]\n'))
    assert config.base_url == "https://u.github.io/portfolio/"
    assert config.base_path == "/portfolio/"
    assert config.menu == ("about",)
    assert config.posts_per_page == 10


def test_toml_and_encoding_errors_are_located(tmp_path: Path) -> None:
    root = write(tmp_path, 'title = "T"\nauthor = \n')
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.format() == "pyproject.toml:3:10: error: invalid TOML: Invalid value"
    (root / "pyproject.toml").write_bytes(b'[tool.sitegen]\ntitle = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.format() == "pyproject.toml: error: not UTF-8 text (byte 0xff)"


def test_outside_links_takes_error_or_skip(tmp_path: Path) -> None:
    root = write(tmp_path, 'title = "T"\nauthor = "A"\nbase_url = "https://e.org/"\noutside_links = "follow"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.format() == "pyproject.toml:5: error: setting 'outside_links' must be 'error' or 'skip', got 'follow'"


def test_jekyll_categories_and_paginate_path_are_checked(tmp_path: Path) -> None:
    root = write(tmp_path, 'title = "T"\nauthor = "A"\nbase_url = "https://e.org/"\ncategories = "folders"\npaginate_path = "/page/"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert [problem.format() for problem in caught.value.problems] == [
        "pyproject.toml:5: error: setting 'categories' must be 'tags', 'categories' or 'ignore', got 'folders'",
        "pyproject.toml:6: error: setting 'paginate_path' must contain ':num', got '/page/'",
    ]


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    root = write(tmp_path, 'title = 3\nbase_url = "example.org"\npost_per_page = 5\nposts_per_page = "ten"\ntimezone = "Mars/Base"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.format().splitlines() == [
        "pyproject.toml:2: error: setting 'title' must be a string, got int 3",
        "pyproject.toml:4: error: unknown setting 'post_per_page'",
        "  hint: did you mean 'posts_per_page'?",
        "pyproject.toml:5: error: setting 'posts_per_page' must be an integer, got str 'ten'",
        "pyproject.toml: error: missing setting 'author' in [tool.sitegen]",
        "pyproject.toml:3: error: 'base_url' must be an absolute http(s) URL, got 'example.org'",
        "pyproject.toml:6: error: setting 'timezone': unknown time zone 'Mars/Base'",
        "  hint: e.g. 'Europe/Paris' or 'UTC'",
    ]


def test_missing_table_and_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no sitegen.toml or pyproject.toml here"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"no \[tool.sitegen\] table"):
        load_config(tmp_path)


def test_command_line_overrides_win(tmp_path: Path) -> None:
    root = write(tmp_path, 'title = "T"\nauthor = "A"\nbase_url = "https://example.org/"\n')
    config = load_config(root, base_url="https://u.github.io/p/", drafts=True)
    assert config.base_path == "/p/"
    assert config.drafts is True
