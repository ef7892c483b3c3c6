"""The site's settings, turned into a frozen `Config`.

They are read from sitegen.toml (the settings at the top level) when the site has
one, else from `[tool.sitegen]` in pyproject.toml (which needs nothing else: a site
is not a Python package).
"""

from __future__ import annotations

import dataclasses
import re
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
OWN_CONFIG_FILE = "sitegen.toml"
SETTINGS_FILES = (OWN_CONFIG_FILE, CONFIG_FILE)  # the first one a site has holds its settings
LOCALES_FILE = "locales.yaml"
# Theme settings: a colour is written in hex, a font list may not end the CSS declaration it goes into.
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_FONT = re.compile(r"[\w \-,'\"]+")


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
    menu: tuple[str, ...] | None = None  # None: the about and deep-learning pages that exist, then the blog
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
    responsive_images: bool = True  # smaller copies and WebP of PNG/JPEG images, offered through srcset
    social_cards: bool = True  # a 1200x630 card per post without image:, for og:image and twitter:image
    # Theme settings (see README, 'Theme'): colours in hex, CSS font lists, social links by label.
    accent_color: str = ""
    accent_color_dark: str = ""
    font_body: str = ""
    font_mono: str = ""
    social: tuple[tuple[str, str], ...] = ()  # (label, URL) in the order of the settings table
    extra_fields: tuple[str, ...] = ()  # front-matter fields of the site's own, besides the known ones
    # Liquid in Markdown and HTML content, rendered before Markdown (Jekyll sites): true, false, or "auto"
    # (a file is Liquid when it uses Liquid outside code; see jekyll/detect.py)
    liquid: bool | str = "auto"
    permalink: str = ""  # posts' URL pattern, Jekyll style ("pretty", "/:year/:month/:title/"); "" = /blog/<slug>/
    layout_map: tuple[tuple[str, str], ...] = ()  # Jekyll layout name -> sitegen layout ("" = the default one)
    feed_aliases: tuple[str, ...] = ()  # more paths that serve the Atom feed (a Jekyll site's old "atom.xml")
    categories: str = "tags"  # Jekyll `categories:`: "tags" (also tags), "categories" (listed apart), "ignore"
    paginate_path: str = ""  # old URL of the blog's page N ("/page:num/"): each answers with a redirect
    citation_style: str = "apa"  # a bundled CSL style (apa, ieee) or a .csl file in the site
    outside_links: str = "error"  # a symbolic link out of the site: "error", or "skip" it with a warning
    content_dir: str = "content"
    data_dir: str = "data"  # data files: data.<name> in templates
    templates_dir: str = "templates"
    static_dir: str = "static"
    output_dir: str = "_site"
    cache_dir: str = ".sitegen-cache"
    # Set per run by the command line, not in the settings file:
    settings_file: str = CONFIG_FILE  # the file that holds the settings, relative to root
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


_RUN_FIELDS = {"root", "settings_file", "drafts", "strict", "now"}
_SETTINGS = tuple(f for f in dataclasses.fields(Config) if f.name not in _RUN_FIELDS)
_REQUIRED = ("title", "author", "base_url")


def load_config(root: Path, **overrides: Any) -> Config:
    """Read the settings from root/sitegen.toml or root/pyproject.toml; report every problem at once."""
    table, name = load_settings_table(root)
    return parse_config(table, root.resolve(), settings_file=name, **overrides)


def load_settings_table(root: Path) -> tuple[Mapping[str, Any], str]:
    """Return the settings table and the name of the file that holds it."""
    own = _load_toml(root, OWN_CONFIG_FILE)
    project = _load_toml(root, CONFIG_FILE)
    in_project = project.get("tool", {}).get("sitegen") if project is not None else None
    if own is not None:
        if in_project is not None:
            raise ConfigError(
                f"settings in both {OWN_CONFIG_FILE} and [tool.sitegen] of {CONFIG_FILE}",
                CONFIG_FILE,
                hint=f"keep one: {OWN_CONFIG_FILE} is read first",
            )
        return own, OWN_CONFIG_FILE
    if project is None:
        raise ConfigError(
            f"no {OWN_CONFIG_FILE} or {CONFIG_FILE} here", CONFIG_FILE, hint="run sitegen in the site's folder, or sitegen init"
        )
    if not isinstance(in_project, dict):
        raise ConfigError("no [tool.sitegen] table", CONFIG_FILE, hint="see README.md, 'Settings'")
    return in_project, CONFIG_FILE


def _load_toml(root: Path, name: str) -> dict[str, Any] | None:
    path = root / name
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x})", name) from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r" \(at line (\d+), column (\d+)\)$", str(exc))
        message = str(exc)[: where.start()] if where else str(exc)
        line, column = (int(where.group(1)), int(where.group(2))) if where else (None, None)
        raise ConfigError(f"invalid TOML: {message}", name, line, column) from None


def parse_config(table: Mapping[str, Any], root: Path, **overrides: Any) -> Config:
    """Check and convert the settings table; `overrides` come from the command line."""
    name = overrides.get("settings_file") or CONFIG_FILE
    known = {f.name: f for f in _SETTINGS}
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            near = _closest(key, known)
            hint = f"did you mean '{near}'?" if near else None
            problems.append(Problem(f"unknown setting '{key}'", name, hint=hint))
            continue
        converted = _convert(key, value, known[key], problems, name)
        if converted is not None:
            values[key] = converted
    values.update({k: v for k, v in overrides.items() if v is not None})
    where = "" if name == OWN_CONFIG_FILE else " in [tool.sitegen]"
    for key in _REQUIRED:
        if key not in values and key not in table:
            problems.append(Problem(f"missing setting '{key}'{where}", name))
    problems += _check_values(values, name)
    if problems:
        raise ConfigError.collect(_with_lines(problems, root, name))
    values["base_url"] = values["base_url"].rstrip("/") + "/"
    return Config(root=root, **values)


def _convert(key: str, value: Any, spec: dataclasses.Field[Any], problems: list[Problem], name: str) -> Any:
    expected = spec.type if isinstance(spec.type, str) else spec.type.__name__
    checks = {"str": str, "int": int, "bool": bool}
    if expected.startswith("tuple[tuple"):
        if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
            return tuple((str(label), url) for label, url in value.items())
        problems.append(Problem(f"setting '{key}' must be a table of strings, e.g. [tool.sitegen.{key}]", name))
        return None
    if expected.startswith("tuple"):
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        problems.append(Problem(f"setting '{key}' must be a list of strings", name))
        return None
    wanted = checks.get(expected)
    if wanted is None or (isinstance(value, wanted) and not (wanted is int and isinstance(value, bool))):
        return value
    shown = type(value).__name__
    problems.append(Problem(f"setting '{key}' must be {_article(expected)}, got {shown} {value!r}", name))
    return None


def _article(type_name: str) -> str:
    return {"str": "a string", "int": "an integer", "bool": "true or false"}.get(type_name, type_name)


CATEGORY_MODES = ("tags", "categories", "ignore")


def _check_values(values: Mapping[str, Any], name: str) -> list[Problem]:
    problems: list[Problem] = []
    base_url = values.get("base_url")
    if isinstance(base_url, str):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(Problem(f"'base_url' must be an absolute http(s) URL, got {base_url!r}", name))
    for key in ("posts_per_page", "feed_entries", "words_per_minute", "notebook_timeout"):
        if key in values and values[key] < 1:
            problems.append(Problem(f"setting '{key}' must be at least 1", name))
    if values.get("categories", "tags") not in CATEGORY_MODES:
        problems.append(Problem(f"setting 'categories' must be 'tags', 'categories' or 'ignore', got {values['categories']!r}", name))
    if values.get("paginate_path") and ":num" not in values["paginate_path"]:
        problems.append(Problem(f"setting 'paginate_path' must contain ':num', got {values['paginate_path']!r}", name))
    if values.get("outside_links", "error") not in ("error", "skip"):
        problems.append(Problem(f"setting 'outside_links' must be 'error' or 'skip', got {values['outside_links']!r}", name))
    if values.get("liquid", "auto") not in (True, False, "auto"):
        problems.append(Problem(f"setting 'liquid' must be true, false or \"auto\", got {values['liquid']!r}", name))
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(f"setting 'timezone': unknown time zone {values['timezone']!r}", name, hint="e.g. 'Europe/Paris' or 'UTC'"))
    return problems + _check_theme(values, name)


def _check_theme(values: Mapping[str, Any], name: str) -> list[Problem]:
    """Theme settings go into a style sheet: only colours and font lists that cannot break out of it."""
    problems: list[Problem] = []
    for key in ("accent_color", "accent_color_dark"):
        if values.get(key) and not _COLOUR.fullmatch(values[key]):
            problems.append(Problem(f"setting '{key}' must be a hex colour such as '#1d5fa8', got {values[key]!r}", name))
    for key in ("font_body", "font_mono"):
        if values.get(key) and not _FONT.fullmatch(values[key]):
            problems.append(Problem(f"setting '{key}' must be a CSS font list such as 'Georgia, serif', got {values[key]!r}", name))
    for label, url in values.get("social", ()):
        if urlsplit(url).scheme not in ("http", "https", "mailto"):
            problems.append(Problem(f"social link '{label}' must be an http(s) or mailto URL, got {url!r}", name))
    return problems


def _with_lines(problems: list[Problem], root: Path, name: str) -> list[Problem]:
    """Point each problem about a key at the line of the settings file that sets it."""
    try:
        lines = (root / name).read_text(encoding="utf-8").splitlines()
    except OSError:
        return problems
    located = []
    for problem in problems:
        key = problem.message.split("'")[1] if problem.message.count("'") >= 2 else ""
        setting = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        number = next((n for n, text in enumerate(lines, 1) if key and setting.match(text)), None)
        located.append(Problem(problem.message, problem.path, number, hint=problem.hint) if number else problem)
    return located


def _closest(key: str, known: Mapping[str, Any]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, list(known), n=1)
    return matches[0] if matches else None
