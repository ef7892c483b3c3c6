"""Where templates come from: the site's templates/ first, then the packaged theme's.

A site overrides the theme file by file; `{% extends "theme/post.html" %}` reaches
the theme's version of a template the site overrides. Error messages name a
template by where it lives: `templates/post.html` for the site's own, `theme/post.html`
for the theme's.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from sitegen.settings.config import Config
from sitegen.theme import PREFIX, TEMPLATES_PATH


def make_loader(config: Config) -> jinja2.BaseLoader:
    """Return the loader: `theme/<name>` from the theme, any other name from the site, then the theme."""
    theme = jinja2.FileSystemLoader(str(TEMPLATES_PATH))
    own = jinja2.FileSystemLoader(str(config.templates_path))
    return jinja2.ChoiceLoader([jinja2.PrefixLoader({PREFIX.rstrip("/"): theme}), own, theme])


def available_layouts(config: Config) -> frozenset[str]:
    """Return the layout names the site's templates and the theme provide."""
    folders = (config.templates_path, TEMPLATES_PATH)
    return frozenset(path.stem for folder in folders if folder.is_dir() for path in folder.glob("*.html"))


def template_label(filename: str | None, config: Config) -> str | None:
    """Name a template file for messages: templates/<name> (the site's), theme/<name>, or None."""
    if not filename:
        return None
    path = Path(filename)
    for folder, label in ((config.templates_path, config.templates_dir), (TEMPLATES_PATH, PREFIX.rstrip("/"))):
        if path.is_relative_to(folder):
            return f"{label}/{path.relative_to(folder).as_posix()}"
    return None


def theme_overrides(config: Config) -> tuple[str, ...]:
    """Return the names of the theme templates the site's templates/ replaces (sorted)."""
    own = config.templates_path
    if not own.is_dir() or own.resolve() == TEMPLATES_PATH:
        return ()
    return tuple(
        sorted(
            path.relative_to(own).as_posix()
            for path in own.rglob("*")
            if path.is_file() and (TEMPLATES_PATH / path.relative_to(own)).is_file()
        )
    )


def theme_style(config: Config) -> Markup:
    """Return the CSS that applies the theme settings (colours, fonts), or "" when there are none.

    The values were checked when the settings were read, so they cannot leave their declarations.
    """
    light = [(name, value) for name, value in (
        ("--accent", config.accent_color), ("--font-body", config.font_body), ("--font-mono", config.font_mono)
    ) if value]
    rules = [f":root {{ {_declarations(light)} }}"] if light else []
    if config.accent_color_dark:
        dark = _declarations([("--accent", config.accent_color_dark)])
        rules += [
            f'@media (prefers-color-scheme: dark) {{ :root:not([data-theme="light"]) {{ {dark} }} }}',
            f':root[data-theme="dark"] {{ {dark} }}',
        ]
    return Markup("\n".join(rules))


def _declarations(values: list[tuple[str, str]]) -> str:
    return " ".join(f"{name}: {value};" for name, value in values)
