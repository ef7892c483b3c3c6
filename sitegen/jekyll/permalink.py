"""Jekyll permalinks: a post's or page's old URL, from its front matter and the site's style."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

# Jekyll's built-in permalink styles (https://jekyllrb.com/docs/permalinks/#built-in-formats).
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_PLACEHOLDER = re.compile(r":(categories|year|month|day|i_month|i_day|short_year|y_day|week|short_day|hour|minute|"
                          r"second|title|slug|name|path|basename|output_ext)")


def pattern_for(style: str) -> str:
    """Return the pattern of a style name ("pretty") or the pattern itself."""
    return STYLES.get(style.strip(), style.strip())


def expand_permalink(
    pattern: str, *, slug: str, date: datetime | None, categories: Sequence[str] = (), output_ext: str = ".html"
) -> str:
    """Fill a permalink pattern: "/:year/:month/:title/" -> "/2020/03/whats-jekyll/"."""
    values = _values(slug, date, categories, output_ext)
    path = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), pattern_for(pattern))
    path = re.sub(r"/{2,}", "/", "/" + path.lstrip("/"))
    return path


def _values(slug: str, date: datetime | None, categories: Sequence[str], output_ext: str) -> dict[str, str]:
    values = {
        "categories": "/".join(c.lower() for c in categories),  # Jekyll downcases them
        "title": slug,
        "slug": slug,
        "name": slug,
        "basename": slug,
        "path": slug,
        "output_ext": output_ext,
    }
    if date is not None:
        values.update(
            year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}",
            i_month=str(date.month), i_day=str(date.day), short_year=f"{date.year % 100:02d}",
            y_day=f"{date.timetuple().tm_yday:03d}", week=f"{date.isocalendar()[1]:02d}",
            short_day=date.strftime("%a"), hour=f"{date.hour:02d}", minute=f"{date.minute:02d}",
            second=f"{date.second:02d}",
        )
    return values


def dest_for_permalink(path: str) -> str:
    """Turn a permalink path into an output file: "/a/b/" -> "a/b/index.html", "/a.html" -> "a.html"."""
    path = path.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index.html"
    if "." in path.rpartition("/")[2]:
        return path
    return path + "/index.html"  # "/about": GitHub Pages answers /about with /about/


def categories_of(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """Return a page's Jekyll categories (`categories:` list or string, or `category:`)."""
    value = meta.get("categories", meta.get("category"))
    if value is None:
        return ()
    items = value.split() if isinstance(value, str) else value if isinstance(value, list) else [value]
    return tuple(str(item) for item in items if str(item).strip())
