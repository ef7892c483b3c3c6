"""`sitegen new post`: a dated Markdown file with front matter, ready to write in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.settings.config import Config
from sitegen.site.urls import slugify

_TEMPLATE = """---
title: {title}
date: {date}
tags: []
summary: ""
draft: true
---

Write the opening paragraph here; it becomes the summary on the blog index.

<!--more-->

## A first section
"""


def create_post(config: Config, title: str, now: datetime) -> Path:
    """Create content/blog/YYYY-MM-DD-slug.md; refuse to overwrite an existing file."""
    if not title.strip():
        raise SitegenError("a post needs a title: sitegen new post \"My title\"")
    path = config.content_path / "blog" / f"{now:%Y-%m-%d}-{slugify(title)}.md"
    if path.exists():
        raise SitegenError("a post with this name exists already", path.relative_to(config.root).as_posix())
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path.write_text(_TEMPLATE.format(title=quoted, date=now.strftime("%Y-%m-%d %H:%M:%S %z")), encoding="utf-8")
    return path
