"""The Jekyll view of a sitegen site: `site.*` and `page.*` for Liquid, and where old paths now live.

`site.posts`, `site.data`, `site.tags` and `site.categories` are read only when
a page asks for them, so a post that only uses `relative_url` costs nothing extra.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.errors import SitegenError
from sitegen.jekyll.permalink import categories_of
from sitegen.model import Source
from sitegen.readers.frontmatter import split_front_matter
from sitegen.settings.config import Config
from sitegen.settings.yamlload import parse_yaml
from sitegen.site.urls import url_for_dest

CONFIG_FILE = "_config.yml"
DATA_DIR = "_data"
CONTENT_SUFFIXES = (".md", ".markdown", ".html", ".ipynb")
# Where the importer puts Jekyll's folders (also how `{% link %}` finds a file by its Jekyll path).
JEKYLL_FOLDERS = {"_posts": "blog", "_drafts": "blog", "_pages": ""}


class LazyMapping(Mapping[str, Any]):
    """A mapping whose expensive values are computed the first time they are asked for."""

    def __init__(self, values: Mapping[str, Any], lazy: Mapping[str, Callable[[], Any]]) -> None:
        self._values = dict(values)
        self._lazy = dict(lazy)

    def __getitem__(self, key: str) -> Any:
        if key not in self._values and key in self._lazy:
            self._values[key] = self._lazy[key]()
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter({**self._lazy, **self._values})

    def __len__(self) -> int:
        return len({**self._lazy, **self._values})


class JekyllSite(LazyMapping):
    """`site`: the site's _config.yml values, sitegen's settings, `time`, and lazily posts and data."""

    def __init__(self, config: Config) -> None:
        self.settings = load_jekyll_settings(config.root)
        values = {
            **self.settings,
            "title": config.title,
            "author": self.settings.get("author", config.author),
            "description": config.description,
            "url": config.base_url.rstrip("/").removesuffix(config.base_path.rstrip("/")),
            "baseurl": config.base_path.rstrip("/"),
            "time": config.now,
        }
        lazy = {
            "posts": lambda: site_posts(config),
            "data": lambda: LazyData(config.root / DATA_DIR, config.root),
            "tags": lambda: _grouped(self["posts"], "tags"),
            "categories": lambda: _grouped(self["posts"], "categories"),
        }
        super().__init__(values, lazy)


class LazyData(Mapping[str, Any]):
    """`site.data`: each _data/<name>.yml is parsed when a page first reads it."""

    def __init__(self, folder: Path, root: Path) -> None:
        self._folder = folder
        self._root = root
        self._loaded: dict[str, Any] = {}

    def _files(self) -> dict[str, Path]:
        if not self._folder.is_dir():
            return {}
        return {p.stem: p for p in sorted(self._folder.iterdir()) if p.suffix in (".yml", ".yaml", ".json")}

    def __getitem__(self, key: str) -> Any:
        if key not in self._loaded:
            path = self._files()[key]
            rel = path.relative_to(self._root).as_posix()
            self._loaded[key] = parse_yaml(path.read_text(encoding="utf-8"), rel).data
        return self._loaded[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files())

    def __len__(self) -> int:
        return len(self._files())


@functools.lru_cache(maxsize=8)
def _settings_cached(path: Path, stamp: tuple[int, int]) -> Mapping[str, Any]:
    data = parse_yaml(path.read_text(encoding="utf-8"), CONFIG_FILE).data
    return data if isinstance(data, dict) else {}


def load_jekyll_settings(root: Path) -> Mapping[str, Any]:
    """Return the values of the site's _config.yml (empty when there is none)."""
    path = root / CONFIG_FILE
    try:
        status = path.stat()
    except OSError:
        return {}
    return _settings_cached(path, (status.st_mtime_ns, status.st_size))


def _grouped(posts: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for post in posts:
        for name in post.get(key) or ():
            groups.setdefault(str(name), []).append(post)
    return dict(sorted(groups.items()))


def read_meta(path: Path, rel: str) -> dict[str, Any]:
    """Read a content file's front matter only (a notebook's from wherever it keeps it)."""
    if path.suffix == ".ipynb":
        return _notebook_meta(path, rel)
    yaml_text, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
    if yaml_text is None:
        return {}
    data = parse_yaml(yaml_text, rel, 2).data
    return dict(data) if isinstance(data, dict) else {}


def _notebook_meta(path: Path, rel: str) -> dict[str, Any]:
    from sitegen.readers.notebook.front import find_front_matter, parse_notebook_front_matter
    from sitegen.readers.notebook.load import load_notebook

    text = path.read_text(encoding="utf-8")
    notebook = load_notebook(text, rel)
    found = find_front_matter(notebook.node, notebook.locations, text, rel)
    return dict(parse_notebook_front_matter(found, rel, text.splitlines()).data)


def content_source(config: Config, path: Path) -> Source:
    """Make the Source of a content file, as discovery would."""
    from sitegen.site.discover import is_post_rel

    content_rel = path.relative_to(config.content_path).as_posix()
    kind = "post" if is_post_rel(content_rel) else "page"
    return Source(path, path.relative_to(config.root).as_posix(), content_rel, kind)


def document_url(config: Config, path: Path) -> tuple[str, dict[str, Any], datetime | None]:
    """Return a content file's URL in the default locale, its front matter and its date."""
    from sitegen.site.index import default_place

    source = content_source(config, path)
    try:
        meta = read_meta(path, source.rel)
    except SitegenError:
        meta = {}  # the file's own reader reports the problem
    dest, date = default_place(source, meta, config)
    return url_for_dest(dest, config.base_path), meta, date


def page_variables(source: Source, meta: Mapping[str, Any], config: Config) -> dict[str, Any]:
    """`page`: the front matter plus Jekyll's computed fields (url, date, slug, categories)."""
    from sitegen.site.index import default_place

    dest, date = default_place(source, meta, config)
    return {
        **meta,
        "url": url_for_dest(dest, config.base_path),
        "date": date,
        "path": source.rel,
        "slug": source.stem,
        "categories": list(categories_of(meta)),
        "tags": list(meta.get("tags") or []) if not isinstance(meta.get("tags"), str) else meta["tags"].split(),
    }


def site_posts(config: Config) -> list[dict[str, Any]]:
    """`site.posts`: every published post, newest first, with its front matter, url and date."""
    folder = config.content_path / "blog"
    posts = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.suffix not in CONTENT_SUFFIXES or path.name.startswith((".", "index.")):
            continue
        url, meta, date = document_url(config, path)
        draft = meta.get("draft") is True or meta.get("published") is False
        if not config.drafts and (draft or (date is not None and date > config.now)):
            continue
        post = page_variables(content_source(config, path), meta, config)
        posts.append({**post, "url": url, "date": date, "title": meta.get("title") or path.stem})
    return sorted(posts, key=lambda post: (post["date"] or config.now, post["url"]), reverse=True)


def post_url(config: Config, name: str) -> str:
    """`{% post_url 2018-06-24-name %}`: the URL of that post where it is published now."""
    folder = config.content_path / "blog"
    wanted = name.strip().split("/")[-1]
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.suffix in CONTENT_SUFFIXES and path.stem == wanted:
            return document_url(config, path)[0]
    raise LookupError(f"no post named '{name}' in {config.content_dir}/blog/")


def link_url(config: Config, target: str) -> str:
    """`{% link path %}`: the URL of a page or file, given by its path in the Jekyll site."""
    target = target.strip().lstrip("/")
    for candidate in _candidates(config, target):
        if candidate.is_file():
            if candidate.is_relative_to(config.content_path) and candidate.suffix in CONTENT_SUFFIXES:
                return document_url(config, candidate)[0]
            base = config.content_path if candidate.is_relative_to(config.content_path) else config.static_path
            return url_for_dest(candidate.relative_to(base).as_posix(), config.base_path)
    raise LookupError(f"no file '{target}' in {config.content_dir}/ or {config.static_dir}/")


def _candidates(config: Config, target: str) -> Iterator[Path]:
    first, _, rest = target.partition("/")
    if first in JEKYLL_FOLDERS and rest:
        yield config.content_path / JEKYLL_FOLDERS[first] / rest
    yield config.content_path / target
    yield config.static_path / target


def relative_include(config: Config, including: str, target: str) -> Path:
    """`{% include_relative file %}`: a file in the including file's folder, or below it, never outside the site.

    The importer puts a Jekyll folder's files without front matter under static/, so the
    same folder there is looked in too (content/notes/ -> static/notes/).
    """
    parts = target.strip().replace("\\", "/").split("/")
    if not target.strip() or target.strip().startswith("/") or ".." in parts:
        raise LookupError(f"'{target}' must be a path below the including file's folder (no '/' first, no '..')")
    base = Path(including) if Path(including).is_absolute() else config.root / including
    folders = [base.parent]
    if base.parent.is_relative_to(config.content_path):
        folders.append(config.static_path / base.parent.relative_to(config.content_path))
    root = config.root.resolve()
    for folder in folders:
        candidate = folder.joinpath(*parts)
        if candidate.is_file() and candidate.resolve().is_relative_to(root):
            return candidate
    where = base.parent.relative_to(config.root).as_posix() if base.parent.is_relative_to(config.root) else base.parent.name
    raise LookupError(f"no file '{target}' in {where}/")
