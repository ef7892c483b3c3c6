"""What `sitegen import jekyll` writes: front-matter additions, old and new page URLs, the settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from sitegen.readers.frontmatter import split_front_matter


def page_old_url(rel: str, meta: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    """A Jekyll page's URL: its permalink, else its path (.html, or / for index; pretty style drops .html)."""
    pretty = str(settings.get("permalink", "")).strip() == "pretty"
    return _page_url(rel, meta, pretty=pretty)


def page_new_url(rel: str, meta: Mapping[str, Any]) -> str:
    """A page's sitegen URL: its permalink, else its pretty URL (/about/)."""
    return _page_url(rel, meta, pretty=True)


def _page_url(rel: str, meta: Mapping[str, Any], *, pretty: bool) -> str:
    permalink = meta.get("permalink")
    if isinstance(permalink, str) and permalink.strip():
        return "/" + permalink.strip().lstrip("/")
    stem = rel.rsplit(".", 1)[0]
    if stem == "index" or stem.endswith("/index"):
        return "/" + stem.removesuffix("index")
    return f"/{stem}/" if pretty else f"/{stem}.html"


def with_baseurl(url: str, settings: Mapping[str, Any]) -> str:
    """Put a Jekyll site's `baseurl` in front of a site path."""
    base = str(settings.get("baseurl") or "").rstrip("/")
    return f"{base}{url}" if base else url


def with_fields(text: str, fields: Mapping[str, Any], *, replace: bool = False) -> str:
    """Add fields to a file's front matter (or replace them); a field already there is kept unless `replace`."""
    yaml_text, body, _ = split_front_matter(text)
    lines = [] if yaml_text is None else yaml_text.splitlines()
    present = {line.split(":", 1)[0].strip() for line in lines if line and not line[0].isspace() and ":" in line}
    for key, value in fields.items():
        if key in present and not replace:
            continue
        if key in present:
            lines = _without_key(lines, key)
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=True, width=1000).strip()
        lines.append(dumped.removeprefix("{").removesuffix("}"))
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def _without_key(lines: list[str], key: str) -> list[str]:
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line and not line[0].isspace():
            skipping = line.split(":", 1)[0].strip() == key
        if not skipping:
            kept.append(line)
    return kept


def render_pyproject(
    settings: Mapping[str, Any], style: str, pages: list[str], feeds: list[str], extra: Mapping[str, Any]
) -> str:
    """Write [tool.sitegen] from _config.yml, with the values the import worked out (`extra`)."""
    author = settings.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    url = str(settings.get("url") or "https://example.org").rstrip("/")
    base = str(settings.get("baseurl") or "").strip("/")
    menu = [page for page in ("about",) if page in pages] + ["blog"]
    title = str(settings.get("title") or "My site")
    values: dict[str, Any] = {
        "title": title,
        "author": str(author or settings.get("title") or "Me"),
        "description": " ".join(str(settings.get("description") or settings.get("tagline") or title).split()),
        "base_url": f"{url}/{base}/" if base else f"{url}/",
        "menu": menu,
        "liquid": True,
        "permalink": style,
    }
    if isinstance(settings.get("paginate"), int) and settings["paginate"] > 0:
        values["posts_per_page"] = settings["paginate"]
    if isinstance(settings.get("timezone"), str) and settings["timezone"]:
        values["timezone"] = settings["timezone"]
    if feeds:
        values["feed_aliases"] = feeds
    values.update(extra)
    lines = ["# Imported from a Jekyll site's _config.yml (kept beside this file for Liquid's site.*).", "[tool.sitegen]"]
    lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
