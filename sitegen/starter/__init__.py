"""`sitegen init`: write a new site that builds at once on the packaged theme.

The files to write live in `files/` beside this module (placeholders `@name@`
are filled in); `locales.yaml` is the example site's, with its `default` and
`build` lines set to the locales asked for. A file that exists is never
overwritten. This package may import the settings, the site's URL helpers and
the scaffold, nothing from the build.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sitegen import __version__
from sitegen.errors import SitegenError
from sitegen.settings.config import CONFIG_FILE, LOCALES_FILE, OWN_CONFIG_FILE

FILES = Path(__file__).resolve().parent / "files"
LOCALES = Path(__file__).resolve().parent / "locales.yaml"
# What the Pages workflow of a new site installs: this version of sitegen, and what building needs.
INSTALL_SPEC = f"sitegen=={__version__}"


@dataclass(frozen=True, slots=True)
class SiteAnswers:
    """What a new site is about: asked for on a terminal, or given as options."""

    title: str
    author: str
    base_url: str
    locales: tuple[str, ...]  # the first is the default locale


@dataclass(frozen=True, slots=True)
class InitReport:
    """What `sitegen init` did: files written and files kept as they were (POSIX paths relative to the site)."""

    written: tuple[str, ...]
    kept: tuple[str, ...]


def available_locales() -> tuple[str, ...]:
    """Return the locale codes a new site can be started in (those of the packaged locales.yaml)."""
    return tuple(re.findall(r"^  ([A-Za-z][\w-]*):", LOCALES.read_text(encoding="utf-8"), flags=re.MULTILINE))


def init_site(root: Path, answers: SiteAnswers, today: date) -> InitReport:
    """Write a new site into root; keep every file that is there already."""
    _check_locales(answers.locales)
    files = planned_files(root, answers, today)
    written, kept = [], []
    for rel, text in files.items():
        path = root / rel
        if path.exists():
            kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as stream:  # "x": never replace a file
            stream.write(text)
        written.append(rel)
    return InitReport(tuple(written), tuple(kept))


def planned_files(root: Path, answers: SiteAnswers, today: date) -> dict[str, str]:
    """Return every file a new site gets: path relative to the site -> text."""
    from sitegen.scaffold import notebook_text

    values = {"author": json.dumps(answers.author, ensure_ascii=False), "date": today.isoformat(), "install": INSTALL_SPEC}
    settings_name, settings = _settings_file(root, answers)
    notebook = notebook_text(
        "A notebook post to replace",
        today.isoformat(),
        draft=False,
        intro="**Replace this notebook post.** The first cell (raw) holds the front matter; "
        "the outputs below were saved with the notebook and are shown as they are.",
    )
    return {
        settings_name: settings,
        LOCALES_FILE: _locales_text(answers.locales),
        ".gitignore": _fill(FILES / "gitignore", values),
        ".github/workflows/pages.yml": _fill(FILES / "pages.yml", values),
        "content/about.md": _fill(FILES / "content/about.md", values),
        "content/deep-learning.md": _fill(FILES / "content/deep-learning.md", values),
        f"content/blog/{today.isoformat()}-welcome.md": _fill(FILES / "content/blog/welcome.md", values),
        f"content/blog/{today.isoformat()}-a-notebook-post.ipynb": notebook,
    }


def _settings_file(root: Path, answers: SiteAnswers) -> tuple[str, str]:
    """Return the settings file's name and text: pyproject.toml, or sitegen.toml beside a project's own."""
    lines = [
        f"title = {_toml(answers.title)}",
        f"author = {_toml(answers.author)}",
        "description = \"Replace with one sentence about the site; feeds and link previews show it.\"",
        f"base_url = {_toml(answers.base_url)}",
        "# The menu lists the about and deep-learning pages that exist, then the blog;",
        "# set menu = [\"about\", \"blog\"] to choose. Theme settings: accent_color, font_body, [social].",
        "search = true",
    ]
    if not (root / CONFIG_FILE).exists() or (root / OWN_CONFIG_FILE).exists() or _has_site_settings(root / CONFIG_FILE):
        header = "# The site's settings (sitegen reads [tool.sitegen]; this file needs nothing else)."
        return CONFIG_FILE, "\n".join([header, "[tool.sitegen]", *lines, ""])
    header = f"# The site's settings ({CONFIG_FILE} here belongs to something else, so they live in {OWN_CONFIG_FILE})."
    return OWN_CONFIG_FILE, "\n".join([header, *lines, ""])


def _has_site_settings(path: Path) -> bool:
    try:
        return "sitegen" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def _locales_text(codes: Sequence[str]) -> str:
    """Return the packaged locales.yaml with this site's default and built locales."""
    text = LOCALES.read_text(encoding="utf-8")
    text = re.sub(r"^default: .*$", f"default: {codes[0]}", text, count=1, flags=re.MULTILINE)
    return re.sub(r"^build: .*$", f"build: [{', '.join(codes)}]", text, count=1, flags=re.MULTILINE)


def _check_locales(codes: Sequence[str]) -> None:
    known = available_locales()
    unknown = [code for code in codes if code not in known]
    if not codes or unknown:
        raise SitegenError(
            f"unknown locale {', '.join(repr(code) for code in unknown)}" if unknown else "no locale given",
            hint=f"choose among {', '.join(known)} (add others to locales.yaml afterwards)",
        )


def _fill(path: Path, values: Mapping[str, str]) -> str:
    text = path.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def _toml(text: str) -> str:
    """Quote a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
