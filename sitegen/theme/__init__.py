"""The packaged default theme: the templates and static files a site falls back on.

In the source tree `templates` and `static` here are links to the repository's
top-level folders (the example site's theme); a wheel holds copies. A site's own
templates/ and static/ override the theme file by file, and a site template can
extend the theme's version of itself as `theme/<name>`. This package imports
nothing from the rest of sitegen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

THEME_PATH = Path(__file__).resolve().parent
# Resolved, so that paths in error messages and fingerprints do not depend on how the theme was reached.
TEMPLATES_PATH = (THEME_PATH / "templates").resolve()
STATIC_PATH = (THEME_PATH / "static").resolve()
# A template named "theme/base.html" is always the theme's base.html, even when the site overrides it.
PREFIX = "theme/"


def theme_files() -> Iterator[Path]:
    """Yield every file of the theme (templates and static), sorted."""
    for folder in (TEMPLATES_PATH, STATIC_PATH):
        if folder.is_dir():
            yield from sorted(path for path in folder.rglob("*") if path.is_file())
