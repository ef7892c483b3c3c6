"""Jekyll's front-matter fields in sitegen's terms: published, categories, layout names, permalink."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sitegen.jekyll.detect import uses_liquid
from sitegen.jekyll.permalink import categories_of, expand_permalink
from sitegen.settings.config import Config
from sitegen.site.urls import split_post_name

# Layout names of common Jekyll themes (minima, TeXt, al-folio, Forty, fastpages, poole) that mean
# "the usual layout for this kind of page": a post's for posts, a page's for pages.
DEFAULT_LAYOUT_MAP: Mapping[str, str] = {
    name: ""
    for name in (
        "default", "post", "page", "article", "articles", "archive", "home", "landing", "distill", "single",
        "splash", "posts", "categories", "tags", "about", "cv", "bib", "notebook", "blog", "none", "compress",
    )
}


def is_liquid(meta: Mapping[str, Any], config: Config) -> bool:
    """Tell whether a content file's body is Liquid: the file's `liquid:`, else the site's setting."""
    flag = meta.get("liquid")
    return flag if isinstance(flag, bool) else config.liquid is True


def mark_liquid(data: Mapping[str, Any], body: str, config: Config, *, markdown: bool) -> Mapping[str, Any]:
    """Decide once, when reading, whether a file is Liquid: with `liquid = "auto"`, by what its body uses."""
    if config.liquid != "auto" or isinstance(data.get("liquid"), bool) or not uses_liquid(body, markdown=markdown):
        return data
    return {**data, "liquid": True}


def map_jekyll_fields(data: Mapping[str, Any], config: Config) -> dict[str, Any]:
    """Return front matter with Jekyll's fields also set as sitegen's: drafts, and categories as tags when so set.

    In a Jekyll file, `image: assets/x.png` is a path from the site root, as Jekyll themes read it;
    Chirpy's `image: {path: …, alt: …}` is the image and its `image_alt`.
    """
    meta = dict(data)
    jekyll = is_liquid(data, config)
    image = meta.get("image")
    if isinstance(image, Mapping) and isinstance(image.get("path"), str):  # Chirpy: image: {path, alt}
        meta["image"] = image = image["path"]
        if isinstance(data["image"].get("alt"), str) and "image_alt" not in meta:
            meta["image_alt"] = data["image"]["alt"]
    if jekyll and isinstance(image, str) and image.strip() and not urlsplit(image).scheme and not image.startswith("/"):
        target = image.strip()
        placed = media_path(target, meta)
        meta["image"] = placed if placed != target else "/" + target
    if meta.get("published") is False and "draft" not in meta:
        meta["draft"] = True
    categories = categories_of(meta)
    if categories and config.categories == "tags":
        tags = meta.get("tags")
        listed = tags.split() if isinstance(tags, str) else list(tags) if isinstance(tags, list) else []
        meta["tags"] = [*listed, *(c for c in categories if c not in listed)]
    return meta


MEDIA_FIELDS = ("media_subpath", "img_path")  # Chirpy's folder for a post's images (img_path before v7)


def media_path(target: str, fields: Mapping[str, Any]) -> str:
    """Put a relative image path under the page's `media_subpath` (Chirpy), when it has one."""
    folder = next((fields[name] for name in MEDIA_FIELDS if isinstance(fields.get(name), str) and fields[name].strip()), "")
    if not folder or not target or target.startswith(("/", "#", "data:")) or urlsplit(target).scheme:
        return target
    return "/" + folder.strip().strip("/") + "/" + target.removeprefix("./")


def map_layout(name: str, config: Config) -> str | None:
    """Return the sitegen layout for a Jekyll layout name: "" for the default, None when unknown."""
    mapped = dict(DEFAULT_LAYOUT_MAP) | dict(config.layout_map)
    return mapped.get(name)


def permalink_path(kind: str, stem: str, fields: Mapping[str, Any], date: datetime | None, config: Config) -> str:
    """Return the page's Jekyll URL path ("/2020/03/01/x.html"), or "" when sitegen places it.

    A `permalink:` in the front matter wins; posts otherwise follow the site's `permalink` style.
    """
    value = fields.get("permalink")
    if isinstance(value, str) and value.strip():
        pattern = value.strip()
    elif kind == "post" and config.permalink:
        pattern = config.permalink
    else:
        return ""
    split = split_post_name(stem)
    slug = str(fields.get("slug") or (split[1] if split else stem))
    return expand_permalink(pattern, slug=slug, date=date, categories=categories_of(fields))
