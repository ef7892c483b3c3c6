"""`sitegen new post|page|notebook`: a file with front matter, ready to write in."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.settings.config import Config
from sitegen.site.urls import slugify

KINDS = ("post", "page", "notebook")

_POST = """---
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

_PAGE = """---
title: {title}
description: ""
---

Write the page here. It is published at /{slug}/; add '{slug}' to `menu` in the settings to list it there.
"""


def create(kind: str, config: Config, title: str, now: datetime) -> Path:
    """Create a post, page or notebook post for a title; refuse to overwrite an existing file."""
    if not title.strip():
        raise SitegenError(f"a {kind} needs a title: sitegen new {kind} \"My title\"")
    slug = slugify(title)
    date = now.strftime("%Y-%m-%d %H:%M:%S %z")
    if kind == "page":
        path, text = config.content_path / f"{slug}.md", _PAGE.format(title=_quoted(title), slug=slug)
    elif kind == "notebook":
        path, text = config.content_path / "blog" / f"{now:%Y-%m-%d}-{slug}.ipynb", notebook_text(title, date)
    else:
        path, text = config.content_path / "blog" / f"{now:%Y-%m-%d}-{slug}.md", _POST.format(title=_quoted(title), date=date)
    if path.exists():
        raise SitegenError(f"a {kind} with this name exists already", path.relative_to(config.root).as_posix())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
    return path


def notebook_text(title: str, date: str, *, draft: bool = True, intro: str = "") -> str:
    """Return a valid nbformat 4.5 notebook whose first (raw) cell holds the front matter."""
    import nbformat

    front = f"---\ntitle: {_quoted(title)}\ndate: {date}\ntags: [notebooks]\n"
    front += 'summary: ""\n' + ("draft: true\n" if draft else "") + "---"
    intro = intro or "Write the opening paragraph here; it becomes the summary on the blog index."
    code = 'import math\n\nprint(f"pi is about {math.pi:.4f}")'
    output = {"output_type": "stream", "name": "stdout", "text": _lines("pi is about 3.1416\n")}
    cells = [
        {"cell_type": "raw", "id": "front-matter", "metadata": {}, "source": _lines(front)},
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": _lines(intro)},
        {"cell_type": "code", "id": "example", "metadata": {}, "execution_count": 1, "outputs": [output], "source": _lines(code)},
    ]
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    nbformat.validate(notebook)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _lines(text: str) -> list[str]:
    """Split text the way Jupyter stores it: a list of lines, each with its newline."""
    return text.splitlines(keepends=True)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
