"""`sitegen import jekyll SRC [DEST]`: a Jekyll site's repository as a sitegen site.

The import is planned first (every file it would write, and what it noticed),
then the plan is written without ever replacing a file that exists: running it
twice writes nothing the second time. Old URLs keep answering: posts keep the
site's permalink style, pages whose URL changes get a `redirect_from:`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import SitegenError
from sitegen.jekyll.convert import (
    page_new_url,
    page_old_url,
    render_pyproject,
    with_baseurl,
    with_fields,
)
from sitegen.jekyll.includes import FALLBACK_INCLUDES
from sitegen.jekyll.locales import builtin_locales, convert_locales
from sitegen.jekyll.permalink import (
    categories_of,
    expand_permalink,
    pattern_for,
)
from sitegen.jekyll.site import read_meta
from sitegen.readers.frontmatter import split_front_matter
from sitegen.settings.yamlload import parse_yaml
from sitegen.site.urls import split_post_name

log = logging.getLogger(__name__)

CONTENT_SUFFIXES = (".md", ".markdown", ".html", ".ipynb")
# Files of a Jekyll repository that are not part of the site.
_NOT_SITE = re.compile(
    r"^(Gemfile(\.lock)?|.*\.gemspec|Rakefile|README(\.\w+)?|LICEN[CS]E(\.\w+)?|CHANGELOG(\.\w+)?|package(-lock)?\.json"
    r"|Makefile|Dockerfile|docker-compose\.ya?ml|_config.*\.ya?ml)$",
    re.IGNORECASE,
)
_SKIPPED_DIRS = {"_site", "node_modules", "vendor", ".git", ".github", ".jekyll-cache", ".sass-cache", "_layouts", "_sass"}
_INCLUDE = re.compile(r"\{%-?\s*include\s+([^\s%]+)")
_INCLUDE_RELATIVE = re.compile(r"\{%-?\s*include_relative\s+([^\s%{]+)")
_PLUGIN_NOTES = {
    "jekyll-paginate": "sitegen paginates the blog itself (posts_per_page)",
    "jekyll-paginate-v2": "sitegen paginates the blog itself (posts_per_page)",
    "jekyll-feed": "sitegen writes feed.xml",
    "jekyll-sitemap": "sitegen writes sitemap.xml",
    "jekyll-seo-tag": "sitegen writes the meta, Open Graph and JSON-LD tags",
    "jekyll-redirect-from": "redirect_from: works as it did",
    "jekyll-gist": "{% gist %} becomes a link to the gist",
    "jekyll-twitter-plugin": "{% twitter %} becomes a link to the tweet",
    "jemoji": "emoji shortcodes (:smile:) stay as text",
}


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One file the import writes, relative to DEST."""

    rel: str
    data: bytes
    source: str  # relative to SRC ("" for files the import makes)


@dataclass(frozen=True, slots=True)
class OldUrl:
    """Where a page of the Jekyll site was, and where it is now."""

    old: str
    new: str
    source: str


@dataclass
class ImportPlan:
    """Everything an import writes and reports."""

    files: list[PlannedFile] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)
    needs_hand: list[str] = field(default_factory=list)
    urls: list[OldUrl] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)  # old paths of the site's Atom feed
    paginators: list[str] = field(default_factory=list)  # old URLs of the pages that listed posts with `paginator`
    posts: int = 0  # published posts
    has_categories: bool = False  # some post has categories (front matter or folder)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did."""

    written: tuple[str, ...]
    kept: tuple[str, ...]  # existing files with other content, left as they were
    plan: ImportPlan

    def lines(self) -> list[str]:
        """Return the printed report."""
        plan = self.plan
        out = [f"Converted: {item}" for item in plan.converted]
        out += [f"Needs a hand: {item}" for item in plan.needs_hand]
        out += [f"Kept (exists, not overwritten): {rel}" for rel in self.kept]
        out.append("Old URL -> new location:")
        out += [f"  {u.old} -> {u.new}" for u in sorted(plan.urls, key=lambda u: u.old)]
        state = f"{len(self.written)} files written" if self.written else "nothing to write (already imported)"
        out.append(f"Imported {len(plan.files)} files: {state}")
        return out


def import_jekyll(src: Path, dest: Path) -> ImportReport:
    """Plan the import of the Jekyll site in `src` and write it into `dest`, never replacing a file."""
    if not src.is_dir():
        raise SitegenError(f"no Jekyll site folder '{src}'")
    plan = plan_import(src.resolve())
    written, kept = write_plan(plan, dest)
    return ImportReport(tuple(written), tuple(kept), plan)


def write_plan(plan: ImportPlan, dest: Path) -> tuple[list[str], list[str]]:
    """Write every planned file that does not exist; report the ones that exist with other content."""
    written: list[str] = []
    kept: list[str] = []
    for planned in plan.files:
        path = dest / planned.rel
        if path.exists():
            if path.read_bytes() != planned.data:
                kept.append(planned.rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(planned.data)
        written.append(planned.rel)
    return written, kept


def plan_import(src: Path) -> ImportPlan:
    """Plan the whole import: settings, content, data, includes, locales and static files."""
    plan = ImportPlan()
    settings = _load_settings(src)
    style = _permalink_style(settings)
    pages: list[str] = []
    for path in _site_files(src):
        rel = path.relative_to(src).as_posix()
        _plan_file(path, rel, src, settings, style, plan, pages)
    if (src / "_config.yml").is_file():
        plan.files.append(PlannedFile("_config.yml", (src / "_config.yml").read_bytes(), "_config.yml"))
    _plan_includes(src, plan)
    _plan_locales(src, settings, plan)
    extra = _plan_pagination(settings, plan)
    if plan.has_categories:
        extra["categories"] = "categories"  # Jekyll keeps categories apart from tags
    pyproject = render_pyproject(settings, style, pages, plan.feeds, extra)
    plan.files.append(PlannedFile("pyproject.toml", pyproject.encode("utf-8"), "_config.yml"))
    _plan_plugins(settings, plan)
    plan.files.sort(key=lambda f: f.rel)
    return plan


def _load_settings(src: Path) -> dict[str, Any]:
    path = src / "_config.yml"
    if not path.is_file():
        return {}
    data = parse_yaml(path.read_text(encoding="utf-8"), "_config.yml").data
    return dict(data) if isinstance(data, dict) else {}


def _permalink_style(settings: Mapping[str, Any]) -> str:
    """The posts' permalink pattern: the site's, a posts default's, or Jekyll's default style `date`."""
    for default in settings.get("defaults") or []:
        scope = default.get("scope") or {} if isinstance(default, dict) else {}
        values = default.get("values") or {} if isinstance(default, dict) else {}
        if scope.get("type") == "posts" and isinstance(values.get("permalink"), str):
            return pattern_for(values["permalink"])
    value = settings.get("permalink")
    return pattern_for(value if isinstance(value, str) and value.strip() else "date")


def _site_files(src: Path) -> Iterator[Path]:
    """Yield the files of the repository that Jekyll would read or copy, sorted."""
    for path in sorted(src.rglob("*")):
        parts = path.relative_to(src).parts
        if not path.is_file() or any(part in _SKIPPED_DIRS or part.startswith(".") for part in parts):
            continue
        if len(parts) == 1 and _NOT_SITE.match(parts[0]):
            continue
        yield path


def _plan_file(
    path: Path, rel: str, src: Path, settings: Mapping[str, Any], style: str, plan: ImportPlan, pages: list[str]
) -> None:
    parts = rel.split("/")
    if "_posts" in parts or "_notebooks" in parts:
        inner = parts[max(i for i, part in enumerate(parts) if part in ("_posts", "_notebooks")) + 1 :]
        if not any(part.startswith("_") for part in inner):  # `_shared/x.md`: a part for include_relative
            _plan_post(path, rel, settings, style, plan)
    elif "_drafts" in parts:
        _plan_draft(path, rel, plan)
    elif parts[0] == "_data":
        plan.files.append(PlannedFile(rel, path.read_bytes(), rel))
    elif parts[0] in ("_includes",) or any(part.startswith("_") for part in parts[0 if len(parts) == 1 else 1 :]):
        return  # includes are planned with the content that uses them; Jekyll publishes no `_file`
    elif parts[0].startswith("_"):
        _plan_collection_item(path, rel, settings, plan, pages)
    elif _has_front_matter(path):
        _plan_page(path, rel, rel, settings, plan, pages)
    else:
        plan.files.append(PlannedFile(f"static/{rel}", path.read_bytes(), rel))


def _has_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(4).rstrip(b"\r\n") == b"---"
    except OSError:
        return False


def _read(path: Path, rel: str) -> tuple[str, dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    yaml_text, _, _ = split_front_matter(text)
    if yaml_text is None:
        return text, {}
    data = parse_yaml(yaml_text, rel, 2).data
    return text, dict(data) if isinstance(data, dict) else {}


def _plan_post(path: Path, rel: str, settings: Mapping[str, Any], style: str, plan: ImportPlan) -> None:
    """A post keeps its file name, under content/blog/ (in the folder its categories came from)."""
    if path.suffix not in CONTENT_SUFFIXES:  # an image beside the posts: kept beside them
        inner = re.split(r"(?:^|/)_(?:posts|notebooks)/", rel, maxsplit=1)[-1]
        plan.files.append(PlannedFile(f"content/blog/{inner}", path.read_bytes(), rel))
        return
    folder = rel.split("/_posts/")[0] if "/_posts/" in rel else ""
    text, meta = _read(path, rel) if path.suffix != ".ipynb" else (path.read_text(encoding="utf-8"), read_meta(path, rel))
    split = split_post_name(path.stem)
    if split is None and not meta.get("date"):
        plan.needs_hand.append(f"{rel}: a post without a date in its name or front matter; not imported")
        return
    categories = (*folder.split("/"), *categories_of(meta)) if folder else categories_of(meta)
    plan.has_categories = plan.has_categories or bool(categories)
    plan.posts += meta.get("published") is not False
    if folder and path.suffix != ".ipynb":
        text = with_fields(text, {"categories": list(categories)}, replace=True)
    date = _post_date(meta, split)
    slug = str(meta.get("slug") or (split[1] if split else path.stem))
    old = meta.get("permalink") if isinstance(meta.get("permalink"), str) else None
    old_url = old or expand_permalink(style, slug=slug, date=date, categories=categories)
    target = "content/blog/" + (f"{folder}/" if folder else "") + path.name
    plan.files.append(PlannedFile(target, text.encode("utf-8"), rel))
    plan.converted.append(f"{rel} -> {target}")
    new = with_baseurl(old_url, settings) + " (same URL)" if meta.get("published") is not False else ""
    plan.urls.append(OldUrl(with_baseurl(old_url, settings), new or "not published (published: false)", rel))


def _post_date(meta: Mapping[str, Any], split: tuple[str, str] | None) -> datetime | None:
    from zoneinfo import ZoneInfo

    from sitegen.site.dates import DateFormatError, parse_date

    for value in (meta.get("date"), split[0] if split else None):
        if value:
            try:
                return parse_date(value, ZoneInfo("UTC"))
            except DateFormatError:
                continue
    return None


def _plan_draft(path: Path, rel: str, plan: ImportPlan) -> None:
    """A draft becomes a post marked `draft: true`, dated by its front matter or the file's time."""
    if path.suffix not in CONTENT_SUFFIXES:
        return
    text, meta = _read(path, rel)
    day = _post_date(meta, None) or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    name = path.name if split_post_name(path.stem) else f"{day:%Y-%m-%d}-{path.name}"
    target = f"content/blog/{name}"
    plan.files.append(PlannedFile(target, with_fields(text, {"draft": True}).encode("utf-8"), rel))
    plan.converted.append(f"{rel} -> {target} (a draft)")


def _plan_collection_item(path: Path, rel: str, settings: Mapping[str, Any], plan: ImportPlan, pages: list[str]) -> None:
    """Files of `_pages/` and of collections become pages; other underscore folders need a hand."""
    folder, _, inner = rel.partition("/")
    collections = settings.get("collections") or {}
    name = folder[1:]
    if folder == "_pages" and path.suffix in CONTENT_SUFFIXES:
        _plan_page(path, inner, rel, settings, plan, pages, jekyll_url_rel=inner)
    elif isinstance(collections, (dict, list)) and name in collections and path.suffix in CONTENT_SUFFIXES:
        options = collections.get(name) if isinstance(collections, dict) else None
        if isinstance(options, dict) and options.get("output") is False:
            plan.needs_hand.append(f"{rel}: collection '{name}' is not published (output: false); not imported")
            return
        _plan_page(path, f"{name}/{inner}", rel, settings, plan, pages)
    elif path.suffix in CONTENT_SUFFIXES or path.suffix in (".scss", ".sass", ".js", ".rb"):
        plan.needs_hand.append(f"{rel}: '{folder}/' is not a collection sitegen knows; not imported")


def _plan_page(
    path: Path,
    target_rel: str,
    rel: str,
    settings: Mapping[str, Any],
    plan: ImportPlan,
    pages: list[str],
    jekyll_url_rel: str | None = None,
) -> None:
    """A page with front matter goes to content/; its old URL answers as the page or by a redirect."""
    if path.suffix not in CONTENT_SUFFIXES:
        if path.suffix == ".xml" and "<feed" in path.read_text(encoding="utf-8", errors="replace"):
            plan.feeds.append(rel)
            plan.converted.append(f"{rel}: the Atom feed, now sitegen's feed.xml, also served at /{rel}")
            return
        plan.needs_hand.append(f"{rel}: a {path.suffix} file made with Liquid; not imported")
        return
    text, meta = _read(path, rel)
    if path.name == "404.html" or "paginator." in text:
        reason = "sitegen writes its own 404 page" if path.name == "404.html" else "it lists posts with paginator"
        if path.name != "404.html":
            plan.paginators.append(page_old_url(jekyll_url_rel or target_rel, meta, settings))
        plan.needs_hand.append(f"{rel}: not imported, {reason}; sitegen's home and /blog/ list the posts")
        return
    target = f"content/{target_rel}"
    old = page_old_url(jekyll_url_rel or target_rel, meta, settings)
    new = page_new_url(target_rel, meta)
    if old != new and not meta.get("permalink"):
        text = with_fields(text, {"redirect_from": [old]})
    plan.files.append(PlannedFile(target, text.encode("utf-8"), rel))
    plan.converted.append(f"{rel} -> {target}")
    stem = target_rel.rsplit(".", 1)[0]
    pages.append(stem)
    shown = new if old == new else f"{new} (redirect from the old URL)"
    plan.urls.append(OldUrl(with_baseurl(old, settings), with_baseurl(shown, settings), rel))


def _plan_pagination(settings: Mapping[str, Any], plan: ImportPlan) -> dict[str, Any]:
    """Keep a paginator's old pages answering: `paginate_path` (jekyll-paginate) or `pagination` (-v2)."""
    from sitegen.jekyll.redirects import paginated_path

    v2: Mapping[str, Any] = settings["pagination"] if isinstance(settings.get("pagination"), dict) else {}
    per_page = v2.get("per_page", 10) if v2.get("enabled") else settings.get("paginate")  # v2's default: 10
    if not isinstance(per_page, int) or per_page < 1 or not (plan.paginators or settings.get("paginate_path")):
        return {}
    if v2.get("enabled"):
        folder = (plan.paginators[0] if plan.paginators else "/").rsplit("/", 1)[0]
        pattern = folder + "/" + str(v2.get("permalink") or "/page/:num/").lstrip("/")
    else:
        pattern = str(settings.get("paginate_path") or "/page:num/")
    if ":num" not in pattern:
        return {}
    pattern = "/" + pattern.lstrip("/")
    for number in range(1, max(1, -(-plan.posts // per_page)) + 1):
        old_path = paginated_path(pattern, number)
        new = "/blog/" if number > 1 or old_path != "/" else "/"  # "/" stays the home page, which lists posts too
        new += f"page/{number}/" if number > 1 else ""
        shown = with_baseurl(new, settings) + (" (same URL)" if old_path == new else " (redirect)")
        plan.urls.append(OldUrl(with_baseurl(old_path, settings), shown, "_config.yml"))
    return {"paginate_path": pattern, "posts_per_page": per_page}


def _plan_includes(src: Path, plan: ImportPlan) -> None:
    """Copy the includes the imported content uses; name the ones the repository does not have."""
    used: dict[str, str] = {}
    for planned in plan.files:
        if planned.rel.startswith("content/"):
            for name in _INCLUDE.findall(planned.data.decode("utf-8", "replace")):
                used.setdefault(name.strip("\"'"), planned.source)
    _plan_relative_includes(src, plan)
    folder = src / "_includes"
    for name, rel in sorted(used.items()):
        path = folder / name
        if path.is_file():
            plan.files.append(PlannedFile(f"_includes/{name}", path.read_bytes(), f"_includes/{name}"))
        elif name in FALLBACK_INCLUDES:
            plan.needs_hand.append(f"{rel}: include '{name}' is the theme's; sitegen's stand-in renders it")
        elif "{{" not in name:
            plan.needs_hand.append(f"{rel}: include '{name}' is not in _includes/; copy it there from the theme")


def _plan_relative_includes(src: Path, plan: ImportPlan) -> None:
    """Copy the files `include_relative` names to where the build looks: beside the page, or the same folder in static/."""
    planned = {item.rel for item in plan.files}
    for item in list(plan.files):
        if not item.rel.startswith("content/") or not item.source:
            continue
        for name in _INCLUDE_RELATIVE.findall(item.data.decode("utf-8", "replace")):
            name = name.strip("\"'")
            found = src / item.source.rpartition("/")[0] / name
            target = f"{item.rel.rpartition('/')[0]}/{name}"
            static = "static/" + target.removeprefix("content/")
            if ".." in name.split("/") or target in planned or static in planned:
                continue
            if found.is_file() and found.resolve().is_relative_to(src):
                # A `_name` stays beside the page, unpublished; another file is published as Jekyll did, from static/.
                private = any(part.startswith("_") for part in name.split("/"))
                plan.files.append(PlannedFile(target if private else static, found.read_bytes(), found.relative_to(src).as_posix()))
                planned.add(target if private else static)
            else:
                plan.needs_hand.append(f"{item.source}: include_relative '{name}' is not beside it")


def _plan_locales(src: Path, settings: Mapping[str, Any], plan: ImportPlan) -> None:
    default = str(settings.get("lang") or "en")
    path = src / "_data" / "locale.yml"
    if path.is_file():
        data = convert_locales(path.read_text(encoding="utf-8"), "_data/locale.yml", default)
        plan.converted.append(f"_data/locale.yml -> locales.yaml ({len(data['locales'])} locales)")
    else:
        data = builtin_locales(default)
    text = "# The site's locales, from the Jekyll site's language settings.\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=1000
    )
    plan.files.append(PlannedFile("locales.yaml", text.encode("utf-8"), "_data/locale.yml" if path.is_file() else ""))


def _plan_plugins(settings: Mapping[str, Any], plan: ImportPlan) -> None:
    for plugin in [*(settings.get("plugins") or []), *(settings.get("gems") or [])]:
        note = _PLUGIN_NOTES.get(str(plugin))
        if note:
            plan.converted.append(f"plugin {plugin}: {note}")
        else:
            plan.needs_hand.append(f"plugin {plugin}: no sitegen equivalent; check the pages that use it")
    plan.needs_hand.append("_layouts/ and _sass/: sitegen's templates and stylesheet replace the theme's")
