"""`sitegen override`: copy a theme template into the site's templates/ to change it, and keep track.

A copy starts with a marker line naming the theme template and the hash of the
version copied; `sitegen doctor` compares it with the installed theme to tell
when the theme changed since. `--mark` records the current theme version in an
existing override (after merging), `--diff` shows how an override differs from it.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.settings.config import Config
from sitegen.theme import TEMPLATES_PATH

# `{#- theme: partials/tags.html 0123456789ab ... #}` on the first line of a copied template.
MARKER = re.compile(r"\{#-? theme: (\S+) ([0-9a-f]{12})\b[^\n]*#\}\n?")


def theme_digest(name: str) -> str:
    """Return the short hash a copied template's marker records for the theme's version."""
    return hashlib.sha256(_theme_template(name).read_bytes()).hexdigest()[:12]


def marker_line(name: str) -> str:
    """Return the first line a copy of the theme's template `name` starts with."""
    return f"{{#- theme: {name} {theme_digest(name)} (sitegen doctor compares this with the theme) #}}\n"


def copy_template(config: Config, name: str) -> Path:
    """Copy the theme's template into templates/ with a marker line; never overwrite."""
    source = _theme_template(name)
    path = config.templates_path / name
    if path.exists():
        raise SitegenError("the site has this template already", f"{config.templates_dir}/{name}", hint="--mark or --diff it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as stream:
        stream.write(marker_line(name) + source.read_text(encoding="utf-8"))
    return path


def mark_template(config: Config, name: str) -> Path:
    """Record the theme's current version in the marker of the site's override."""
    path = _override(config, name)
    text = path.read_text(encoding="utf-8")
    path.write_text(marker_line(name) + MARKER.sub("", text, count=1), encoding="utf-8")
    return path


def diff_template(config: Config, name: str) -> str:
    """Return a unified diff from the theme's template to the site's override (marker left out)."""
    theme = _theme_template(name).read_text(encoding="utf-8").splitlines(keepends=True)
    own = MARKER.sub("", _override(config, name).read_text(encoding="utf-8"), count=1).splitlines(keepends=True)
    return "".join(difflib.unified_diff(theme, own, f"theme/{name}", f"{config.templates_dir}/{name}"))


def _theme_template(name: str) -> Path:
    path = (TEMPLATES_PATH / name).resolve()
    if not path.is_relative_to(TEMPLATES_PATH) or not path.is_file():
        known = ", ".join(sorted(p.relative_to(TEMPLATES_PATH).as_posix() for p in TEMPLATES_PATH.rglob("*") if p.is_file()))
        raise SitegenError(f"the theme has no template '{name}'", hint=f"its templates: {known}")
    return path


def _override(config: Config, name: str) -> Path:
    _theme_template(name)
    path = config.templates_path / name
    if not path.is_file():
        raise SitegenError(f"the site does not override '{name}'", hint=f"copy it first: sitegen override {name}")
    return path
