"""The site's settings: `[tool.sitegen]` in pyproject.toml, turned into a frozen `Config`."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.errors import ConfigError, Problem

CONFIG_FILE = "pyproject.toml"
LOCALES_FILE = "locales.yaml"


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a build needs to know besides the content itself."""

    root: Path  # the site's folder (holds pyproject.toml)
    title: str
    author: str
    base_url: str  # always ends with "/"
    description: str = ""
    email: str = ""
    default_locale: str = ""  # empty: take the default from locales.yaml
    posts_per_page: int = 10
    timezone: str = "UTC"  # for dates written without an offset
    menu: tuple[str, ...] = ("about", "deep-learning", "blog")
    repository: str = ""  # "user/repo" on GitHub, for notebook links
    repository_branch: str = "main"
    domain: str = ""  # custom domain, written to CNAME
    image: str = ""  # default social card image, relative to content/ or static/
    pygments_style: str = "default"
    pygments_dark_style: str = "monokai"
    summary_words: int = 50
    words_per_minute: int = 220
    feed_entries: int = 20
    feed_full_content: bool = True
    notebook_timeout: int = 600
    notebook_show_stderr: bool = False
    search: bool = False  # make a Pagefind index in <out>/pagefind/ after each build
    # Comments (off unless giscus_repo is set): giscus, loaded only when a reader presses the button.
    giscus_repo: str = ""  # "user/repo" with Discussions and the giscus app
    giscus_repo_id: str = ""
    giscus_category: str = ""
    giscus_category_id: str = ""
    giscus_mapping: str = "pathname"
    giscus_src: str = "https://giscus.app/client.js"
    responsive_images: bool = True
    social_cards: bool = True  # a 1200x630 card per post without image:, for og:image and twitter:image  # smaller copies and WebP of PNG/JPEG images, offered through srcset
    content_dir: str = "content"
    templates_dir: str = "templates"
    static_dir: str = "static"
    output_dir: str = "_site"
    cache_dir: str = ".sitegen-cache"
    # Set per run by the command line, not in pyproject.toml:
    drafts: bool = False
    strict: bool = False
    now: datetime = field(default_factory=lambda: datetime(1970, 1, 1, tzinfo=UTC))

    @property
    def base_path(self) -> str:
        """Return the path part of base_url: "/" or "/portfolio/"."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def templates_path(self) -> Path:
        return self.root / self.templates_dir

    @property
    def static_path(self) -> Path:
        return self.root / self.static_dir

    @property
    def output_path(self) -> Path:
        return (self.root / self.output_dir).resolve()

    @property
    def cache_path(self) -> Path:
        return self.root / self.cache_dir

    def settings_fingerprint(self) -> str:
        """Return the settings that shape rendered pages, as stable text (for caches)."""
        values = {f.name: getattr(self, f.name) for f in _SETTINGS}
        return repr(sorted(values.items()))


_RUN_FIELDS = {"root", "drafts", "strict", "now"}
_SETTINGS = tuple(f for f in dataclasses.fields(Config) if f.name not in _RUN_FIELDS)
_REQUIRED = ("title", "author", "base_url")


def load_config(root: Path, **overrides: Any) -> Config:
    """Read `[tool.sitegen]` from root/pyproject.toml; report every problem at once."""
    path = root / CONFIG_FILE
    if not path.exists():
        raise ConfigError(f"no {CONFIG_FILE} here", CONFIG_FILE, hint="run sitegen in the site's folder")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", CONFIG_FILE) from exc
    table = document.get("tool", {}).get("sitegen")
    if not isinstance(table, dict):
        raise ConfigError("no [tool.sitegen] table", CONFIG_FILE, hint="see README.md, 'Settings'")
    return parse_config(table, root.resolve(), **overrides)


def parse_config(table: Mapping[str, Any], root: Path, **overrides: Any) -> Config:
    """Check and convert the settings table; `overrides` come from the command line."""
    known = {f.name: f for f in _SETTINGS}
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            near = _closest(key, known)
            hint = f"did you mean '{near}'?" if near else None
            problems.append(Problem(f"unknown setting '{key}'", CONFIG_FILE, hint=hint))
            continue
        converted = _convert(key, value, known[key], problems)
        if converted is not None:
            values[key] = converted
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in _REQUIRED:
        if key not in values and key not in table:
            problems.append(Problem(f"missing setting '{key}' in [tool.sitegen]", CONFIG_FILE))
    problems += _check_values(values)
    if problems:
        raise ConfigError.collect(_with_lines(problems, root))
    values["base_url"] = values["base_url"].rstrip("/") + "/"
    return Config(root=root, **values)


def _convert(key: str, value: Any, spec: dataclasses.Field[Any], problems: list[Problem]) -> Any:
    expected = spec.type if isinstance(spec.type, str) else spec.type.__name__
    checks = {"str": str, "int": int, "bool": bool}
    if expected.startswith("tuple"):
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        problems.append(Problem(f"setting '{key}' must be a list of strings", CONFIG_FILE))
        return None
    wanted = checks.get(expected)
    if wanted is None or (isinstance(value, wanted) and not (wanted is int and isinstance(value, bool))):
        return value
    shown = type(value).__name__
    problems.append(Problem(f"setting '{key}' must be {_article(expected)}, got {shown} {value!r}", CONFIG_FILE))
    return None


def _article(type_name: str) -> str:
    return {"str": "a string", "int": "an integer", "bool": "true or false"}.get(type_name, type_name)


def _check_values(values: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    base_url = values.get("base_url")
    if isinstance(base_url, str):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(Problem(f"'base_url' must be an absolute http(s) URL, got {base_url!r}", CONFIG_FILE))
    for key in ("posts_per_page", "feed_entries", "words_per_minute", "notebook_timeout"):
        if key in values and values[key] < 1:
            problems.append(Problem(f"setting '{key}' must be at least 1", CONFIG_FILE))
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(f"unknown timezone {values['timezone']!r}", CONFIG_FILE, hint="e.g. 'Europe/Paris' or 'UTC'"))
    return problems


def _with_lines(problems: list[Problem], root: Path) -> list[Problem]:
    """Point each problem about a key at the line of pyproject.toml that sets it."""
    try:
        lines = (root / CONFIG_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return problems
    located = []
    for problem in problems:
        key = problem.message.split("'")[1] if problem.message.count("'") >= 2 else ""
        number = next((n for n, text in enumerate(lines, 1) if key and text.strip().startswith(f"{key} ")), None)
        located.append(Problem(problem.message, problem.path, number, hint=problem.hint) if number else problem)
    return located


def _closest(key: str, known: Mapping[str, Any]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, list(known), n=1)
    return matches[0] if matches else None
