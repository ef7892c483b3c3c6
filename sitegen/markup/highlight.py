"""The stylesheet for highlighted code: a light style, and a dark one for dark mode."""

from __future__ import annotations

from pygments.formatters import HtmlFormatter
from pygments.util import ClassNotFound

from sitegen.errors import ConfigError
from sitegen.model import Output
from sitegen.settings.config import Config

CSS_DEST = "css/pygments.css"


def render_pygments_css(config: Config) -> Output:
    """Make css/pygments.css from the configured styles (dark one under the dark scheme)."""
    where = config.settings_file
    light = _rules(config.pygments_style, ".highlight", "pygments_style", where)
    dark_selectors = ':root[data-theme="dark"] .highlight'
    dark = _rules(config.pygments_dark_style, dark_selectors, "pygments_dark_style", where)
    dark_auto = _rules(config.pygments_dark_style, ':root:not([data-theme="light"]) .highlight', "pygments_dark_style", where)
    css = f"{light}\n{dark}\n@media (prefers-color-scheme: dark) {{\n{dark_auto}\n}}\n"
    return Output(CSS_DEST, css.encode("utf-8"))


def _rules(style: str, selector: str, setting: str, where: str) -> str:
    try:
        formatter = HtmlFormatter(style=style)
    except ClassNotFound as exc:
        raise ConfigError(f"unknown Pygments style '{style}' in '{setting}'", where) from exc
    return str(formatter.get_style_defs(selector))  # type: ignore[no-untyped-call]
