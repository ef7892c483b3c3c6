"""Find the site's source files: content pages and posts, their assets, and static files."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from sitegen.engine.inputs import is_outside_link, walk_folder
from sitegen.errors import Problem
from sitegen.model import Source
from sitegen.settings.config import Config
from sitegen.theme import PREFIX
from sitegen.theme import STATIC_PATH as THEME_STATIC

BLOG_FOLDER = "blog"


def discover_sources(
    config: Config, readable: Collection[str], locale_codes: Collection[str]
) -> tuple[Source, ...]:
    """Return every source file, sorted by path: pages, posts, assets and static files."""
    sources = [
        _content_source(path, config, readable, locale_codes)
        for path in _walk(config.content_path, config.root)
        if not (config.liquid and is_jekyll_private(path.relative_to(config.content_path).as_posix()))
    ]
    own = [
        Source(path, _site_rel(path, config), path.relative_to(config.static_path).as_posix(), "static")
        for path in _walk(config.static_path, config.root)
    ]
    sources += own + list(_theme_static(config, {source.content_rel for source in own}))
    return tuple(sorted(sources, key=lambda source: source.rel))


def _theme_static(config: Config, overridden: Collection[str]) -> Iterator[Source]:
    """Yield the theme's static files the site's static/ does not replace (named theme/static/...)."""
    if config.static_path.resolve() == THEME_STATIC:
        return
    for path in _walk(THEME_STATIC):
        content_rel = path.relative_to(THEME_STATIC).as_posix()
        if content_rel not in overridden:
            yield Source(path, f"{PREFIX}static/{content_rel}", content_rel, "static")


def _walk(folder: Path, root: Path | None = None) -> Iterator[Path]:
    """Yield the files below `folder` as the build's inputs are found: hidden ones and links out of `root` skipped, sorted."""
    for path, _rel in walk_folder(folder, inside=root):
        yield path


def outside_links(config: Config) -> list[Problem]:
    """Report every link under content/ and static/ that leads out of the site; such files are never read."""
    problems = []
    for folder in (config.content_path, config.static_path):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
            if not hidden and is_outside_link(path, config.root):
                kind = "folder" if path.is_dir() else "file"
                severity = "warning" if config.outside_links == "skip" else "error"
                message = f"the {kind} is a symbolic link out of the site; it is not read"
                problems.append(Problem(message, _site_rel(path, config), severity=severity))
    return problems


def _content_source(
    path: Path, config: Config, readable: Collection[str], locale_codes: Collection[str]
) -> Source:
    content_rel = path.relative_to(config.content_path).as_posix()
    rel = _site_rel(path, config)
    if path.suffix.lower() not in readable:
        return Source(path, rel, content_rel, "asset")
    locale = _locale_suffix(path, locale_codes)
    return Source(path, rel, content_rel, "post" if is_post_rel(content_rel) else "page", locale)


def is_jekyll_private(content_rel: str) -> bool:
    """Tell whether Jekyll leaves a file out of the site: a name starting with `_` (a partial for include_relative)."""
    return any(part.startswith("_") for part in content_rel.split("/"))


def is_post_rel(content_rel: str) -> bool:
    """Tell whether a content file is a blog post (under blog/, not the blog's own index)."""
    folder, _, name = content_rel.rpartition("/")
    return folder.split("/")[0] == BLOG_FOLDER and not name.startswith("index.")


def _locale_suffix(path: Path, locale_codes: Collection[str]) -> str:
    """Return "fr" for about.fr.md when fr is a declared locale, else ""."""
    inner = Path(path.stem).suffix.lstrip(".")
    return inner if inner in locale_codes else ""


def _site_rel(path: Path, config: Config) -> str:
    return path.relative_to(config.root).as_posix()
