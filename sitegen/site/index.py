"""Resolve each document for each locale and index the site: posts, tags, listings, URLs."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sitegen.errors import ContentError, Problem, SitegenError, TemplateError, warning
from sitegen.jekyll.frontmatter import is_liquid, map_layout, permalink_path
from sitegen.jekyll.permalink import categories_of, dest_for_permalink
from sitegen.markup.markdown import first_paragraph, plain_text
from sitegen.model import Document, Listing, LocaleSite, Page, Site, Source, Tag, TagRef
from sitegen.settings.config import Config
from sitegen.settings.limits import MAX_TAGS, output_path_problem
from sitegen.settings.locales import (
    Locale,
    Locales,
    MissingTranslation,
    localize_fields,
    resolve,
    undeclared_codes,
)
from sitegen.site.collisions import duplicate_documents, source_collisions
from sitegen.site.dates import DateFormatError, parse_date
from sitegen.site.history import undated_post_date
from sitegen.site.translations import choose_version, group_translations, translation_key
from sitegen.site.urls import locale_prefix, pretty_dest, slugify, split_post_name, url_for_dest

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
DESCRIPTION_LENGTH = 160


@dataclass(frozen=True, slots=True)
class Layouts:
    """The layouts the templates folder provides."""

    names: frozenset[str]


def build_site(
    documents: Sequence[Document], assets: Sequence[Source], config: Config, locales: Locales, layouts: Layouts
) -> Site:
    """Index every document in every built locale; report every problem at once."""
    problems: list[Problem] = []
    due: list[datetime] = []  # dates of future posts left out: the site changes when the first comes
    notes: list[Problem] = []  # warnings found while resolving pages (each locale finds the same ones)
    sites = {
        code: _locale_site(documents, config, locales, locales.get(code), layouts, problems, due, notes)
        for code in locales.build
    }
    problems += duplicate_documents(documents) + source_collisions(sites.values(), assets)
    if problems:
        raise SitegenError.collect(_one_per_place(problems))
    document_warnings = (w for document in documents for w in (*document.warnings, *undeclared_locale_codes(document, locales)))
    warnings = tuple(dict.fromkeys((*document_warnings, *notes)))
    return Site(sites, tuple(assets), warnings, _translations(sites), min(due, default=None))


def undeclared_locale_codes(document: Document, locales: Locales) -> list[Problem]:
    """Warn about each locale code of a front-matter map that is neither declared nor an alias of a declared one."""
    found = []
    for field, codes in undeclared_codes(document.meta, locales):
        line = document.meta_lines.get(field)
        shown = ", ".join(f"'{code}'" for code in codes)
        found.append(
            warning(f"'{field}' gives a value for {shown}, which locales.yaml does not declare; it is never shown", document.source.rel, line)
        )
    return found


def _translations(sites: Mapping[str, LocaleSite]) -> dict[str, dict[str, str]]:
    """Map each translation key to the URL of every locale that publishes it."""
    found: dict[str, dict[str, str]] = {}
    for code, locale_site in sites.items():
        for page in (*locale_site.pages, *locale_site.posts):
            if page.translated:
                found.setdefault(page.key, {})[code] = page.url
    return found


def _locale_site(
    documents: Sequence[Document],
    config: Config,
    locales: Locales,
    locale: Locale,
    layouts: Layouts,
    problems: list[Problem],
    due: list[datetime],
    notes: list[Problem],
) -> LocaleSite:
    pages: list[Page] = []
    for versions in group_translations(documents):
        choice = choose_version(versions, locale, locales)
        if choice is None:
            continue
        try:
            page = resolve_page(
                choice.document, config, locales, locale, layouts, written_in=choice.written_in, notes=notes
            )
        except SitegenError as error:
            problems.extend(error.problems)
            continue
        if _is_published(page, config):
            pages.append(page)
        elif not page.draft and page.date is not None:
            due.append(page.date)
    posts = sorted((p for p in pages if p.kind == "post"), key=lambda p: (p.date or config.now, p.id), reverse=True)
    tags = _tags(posts, "tag")
    categories = _tags(posts, "category")
    prefix = locale_prefix(locale.code, locales.default)
    return LocaleSite(
        locale=locale.code,
        pages=tuple(sorted((p for p in pages if p.kind == "page"), key=lambda p: p.dest)),
        posts=tuple(posts),
        tags=tags,
        blog=paginate(posts, prefix + "blog", config),
        tag_listings={tag.slug: paginate(tag.posts, f"{prefix}blog/tags/{tag.slug}", config) for tag in tags},
        categories=categories,
        category_listings={c.slug: paginate(c.posts, f"{prefix}blog/categories/{c.slug}", config) for c in categories},
    )


def resolve_page(
    document: Document,
    config: Config,
    locales: Locales,
    locale: Locale,
    layouts: Layouts,
    *,
    written_in: str = "",
    notes: list[Problem] | None = None,
) -> Page:
    """Resolve a document's fields for one locale and place it in the site.

    A page written in the default locale only is listed in other locales with
    its fallback text, but it links to the one page that exists (issue 6).
    """
    source = document.source
    translated = locale.code == locales.default or (written_in or locale.code) != locales.default
    place = locale.code if translated else locales.default
    fields = _resolve_fields(document, locales, locale)
    kind = source.kind
    date = _field_date(fields, "date", document, config) or _file_date(source, config)
    if kind == "post" and date is None:
        date = undated_post_date(source.path, config.zone, modified_time=source.suffix == ".ipynb")
    if kind == "post" and date is None:
        raise ContentError("a post needs a date: name it YYYY-MM-DD-slug.md or add 'date:'", source.rel, 1)
    page_id = _page_id(source, fields)
    dest = locale_prefix(place, locales.default) + _place(source, page_id, fields, date, config)
    if problem := output_path_problem(dest):
        raise ContentError(problem, source.rel, document.meta_lines.get("slug"))
    return Page(
        id=page_id,
        kind=kind,
        locale=locale.code,
        layout=_layout(fields, document, page_id, layouts, config, notes),
        title=_title(fields, document),
        url=url_for_dest(dest, config.base_path),
        dest=dest,
        document=document,
        date=date,
        updated=_field_date(fields, "updated", document, config),
        description=_description(fields, document, config),
        summary=_summary(fields, document),
        tags=_tag_refs(_tags_field(fields, document), "tags", config, locales, locale),
        categories=_categories(fields, document, config, locales, locale),
        draft=fields.get("draft") is True,
        reading_minutes=reading_minutes(document.text, config.words_per_minute),
        fields=fields,
        translated=translated,
        key=translation_key(source),
        language=_language(fields, written_in or locale.code),
    )


def _language(fields: Mapping[str, Any], language: str) -> str:
    """A page's `lang:` names the language its text is written in."""
    lang = fields.get("lang")
    return lang.strip() if isinstance(lang, str) and lang.strip() else language


def default_place(source: Source, meta: Mapping[str, Any], config: Config) -> tuple[str, datetime | None]:
    """Return where a file is published in the default locale, and its date, from its raw front matter."""
    try:
        date = parse_date(meta["date"], config.zone) if meta.get("date") else _file_date(source, config)
    except DateFormatError:
        date = _file_date(source, config)
    return _place(source, _page_id(source, meta), meta, date, config), date


def _place(source: Source, page_id: str, fields: Mapping[str, Any], date: datetime | None, config: Config) -> str:
    """Return a page's output file: its Jekyll permalink when it has one, else sitegen's pretty URL."""
    permalink = permalink_path(source.kind, source.stem, fields, date, config)
    return dest_for_permalink(permalink) if permalink else _dest_for(page_id)


def _resolve_fields(document: Document, locales: Locales, locale: Locale) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in localize_fields(document.meta, locales).items():
        try:
            fields[name] = resolve(value, locale)
        except MissingTranslation:
            line = document.meta_lines.get(name) or document.meta_lines.get(name + "s")
            raise ContentError(
                f"field '{name}' has no value for locale '{locale.code}' (tried {', '.join(locale.chain)})",
                document.source.rel,
                line,
            ) from None
    return fields


def _page_id(source: Source, fields: Mapping[str, Any]) -> str:
    if source.kind == "post":
        split = split_post_name(source.stem)
        slug = str(fields.get("slug") or (split[1] if split else source.stem))
        return f"blog/{slugify(slug)}"
    path = f"{source.folder}/{source.stem}".strip("/")
    if path == "index":
        return "home"
    return path.removesuffix("/index")


def _dest_for(page_id: str) -> str:
    if page_id == "home":
        return "index.html"
    if page_id == "404":
        return "404.html"
    return pretty_dest(page_id)


def _tags_field(fields: Mapping[str, Any], document: Document) -> tuple[str, ...]:
    """Check the 'tags' field: a list of names or a space-separated string, at most MAX_TAGS of them."""
    value = fields.get("tags")
    rel, line = document.source.rel, document.meta_lines.get("tags")
    if value is not None and not isinstance(value, str | list | tuple):
        raise ContentError(f"'tags' must be a list of names or a text, got {value!r}", rel, line)
    if isinstance(value, list | tuple) and any(isinstance(item, dict | list | tuple | set) for item in value):
        raise ContentError("'tags' must be a list of names, not of lists or mappings", rel, line)
    names = split_tags(value)
    if len(names) > MAX_TAGS:
        raise ContentError(f"a post may have at most {MAX_TAGS} tags, this one has {len(names)}", rel, line)
    for name in names:
        if problem := output_path_problem(f"blog/tags/{slugify(name)}/index.html"):
            raise ContentError(f"tag '{name[:20]}…': {problem}", rel, line)
    return names


def _layout(
    fields: Mapping[str, Any],
    document: Document,
    page_id: str,
    layouts: Layouts,
    config: Config,
    notes: list[Problem] | None,
) -> str:
    layout = fields.get("layout") or _default_layout(document.source, page_id, layouts)
    if isinstance(layout, int) and not isinstance(layout, bool):
        layout = str(layout)  # `layout: 404` is a number to YAML
    if not isinstance(layout, str):
        raise TemplateError(
            f"'layout' must be the name of a template, got {layout!r}",
            document.source.rel,
            document.meta_lines.get("layout"),
        )
    jekyll = is_liquid(document.meta, config)
    if fields.get("layout") and (jekyll or (layout not in layouts.names and map_layout(str(layout), config) is not None)):
        return _jekyll_layout(str(layout), document, page_id, layouts, config, notes)
    if layout not in layouts.names:
        known = ", ".join(sorted(layouts.names))
        raise TemplateError(
            f"unknown layout '{layout}' (templates/{layout}.html does not exist)",
            document.source.rel,
            document.meta_lines.get("layout"),
            hint=f"known layouts: {known}",
        )
    return str(layout)


def _jekyll_layout(
    name: str, document: Document, page_id: str, layouts: Layouts, config: Config, notes: list[Problem] | None
) -> str:
    """Map a Jekyll layout name; an unknown one is a warning, and the page gets its default layout."""
    mapped = map_layout(name, config)
    fallback = _default_layout(document.source, page_id, layouts)
    if mapped is None and name in layouts.names:
        return name
    if mapped is None:
        line = document.meta_lines.get("layout")
        if notes is not None:
            notes.append(warning(f"unknown Jekyll layout '{name}'; using '{fallback}'", document.source.rel, line))
        return fallback
    return mapped if mapped in layouts.names else fallback


def _default_layout(source: Source, page_id: str, layouts: Layouts) -> str:
    if source.kind == "post":
        return "post"
    if page_id in layouts.names and page_id not in {"base", "post"}:
        return page_id  # about.md -> about.html, deep-learning.md -> deep-learning.html
    return "page"


def _title(fields: Mapping[str, Any], document: Document) -> str:
    title = fields.get("title")
    if title is not None and str(title).strip():
        return str(title).strip()
    for heading in document.toc:
        if heading.level <= 2:
            return heading.text
    return document.source.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _field_date(fields: Mapping[str, Any], name: str, document: Document, config: Config) -> datetime | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    try:
        return parse_date(value, config.zone)
    except DateFormatError as exc:
        raise ContentError(f"'{name}' {exc}", document.source.rel, document.meta_lines.get(name)) from None


def _file_date(source: Source, config: Config) -> datetime | None:
    split = split_post_name(source.stem)
    if not split:
        return None
    try:
        return parse_date(split[0], config.zone)
    except DateFormatError:
        raise ContentError(f"the date {split[0]} in the file name is not a real day", source.rel) from None


def _description(fields: Mapping[str, Any], document: Document, config: Config) -> str:
    for name in ("description", "summary", "excerpt"):
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return _body_description(document.body, document.text) or config.description


@functools.lru_cache(maxsize=8192)  # every locale of a page asks again for the same body
def _body_description(body: str, text: str) -> str:
    """Describe a page by its first paragraph (or its whole text), shortened."""
    return shorten(plain_text(first_paragraph(body)) or text, DESCRIPTION_LENGTH)


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary, with an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _summary(fields: Mapping[str, Any], document: Document) -> str:
    if document.summary:
        return document.summary
    return first_paragraph(document.body) if not document.is_template else ""


def _tag_refs(names: tuple[str, ...], folder: str, config: Config, locales: Locales, locale: Locale) -> tuple[TagRef, ...]:
    prefix = locale_prefix(locale.code, locales.default)
    return tuple(
        TagRef(name, slugify(name), url_for_dest(f"{prefix}blog/{folder}/{slugify(name)}/index.html", config.base_path))
        for name in names
    )


def _categories(fields: Mapping[str, Any], document: Document, config: Config, locales: Locales, locale: Locale) -> tuple[TagRef, ...]:
    """A post's Jekyll categories, when the site lists them apart from tags (`categories = "categories"`)."""
    if config.categories != "categories" or document.source.kind != "post":
        return ()
    names = split_tags(list(categories_of(fields)))
    for name in names:
        if problem := output_path_problem(f"blog/categories/{slugify(name)}/index.html"):
            raise ContentError(f"category '{name[:20]}…': {problem}", document.source.rel, document.meta_lines.get("categories"))
    return _tag_refs(names[:MAX_TAGS], "categories", config, locales, locale)


def split_tags(value: Any) -> tuple[str, ...]:
    """Read tags written as a list or as a space-separated string; keep the first spelling."""
    if value is None:
        return ()
    items: Iterable[Any] = value.split() if isinstance(value, str) else value
    seen: dict[str, str] = {}
    for item in items:
        name = str(item).strip()
        if name and slugify(name) not in seen:
            seen[slugify(name)] = name
    return tuple(seen.values())


@functools.lru_cache(maxsize=8192)  # every locale of a page asks again for the same text
def reading_minutes(text: str, words_per_minute: int) -> int:
    """Estimate reading time; CJK characters and Hangul syllables count as half a word each."""
    cjk = len(_CJK.findall(text))
    words = len(_CJK.sub(" ", text).split())
    return max(1, math.ceil((words + cjk / 2) / words_per_minute))


def _is_published(page: Page, config: Config) -> bool:
    if config.drafts:
        return True
    if page.draft:
        return False
    return page.kind != "post" or page.date is None or page.date <= config.now


def _tags(posts: Sequence[Page], kind: str) -> tuple[Tag, ...]:
    """Collect the posts' tags (kind "tag") or categories ("category"), each with its posts."""
    by_slug: dict[str, tuple[str, str, list[Page]]] = {}
    for post in posts:
        for ref in post.tags if kind == "tag" else post.categories:
            entry = by_slug.setdefault(ref.slug, (ref.name, ref.url, []))
            entry[2].append(post)
    return tuple(
        Tag(name, slug, url, tuple(tagged), kind) for slug, (name, url, tagged) in sorted(by_slug.items())
    )


def paginate(posts: Sequence[Page], folder: str, config: Config) -> tuple[Listing, ...]:
    """Cut a post list into listing pages: folder/, folder/page/2/, …"""
    size = config.posts_per_page
    count = max(1, math.ceil(len(posts) / size))
    dests = [pretty_dest(folder if n == 1 else f"{folder}/page/{n}") for n in range(1, count + 1)]
    urls = [url_for_dest(dest, config.base_path) for dest in dests]
    return tuple(
        Listing(
            number=n,
            count=count,
            posts=tuple(posts[(n - 1) * size : n * size]),
            url=urls[n - 1],
            dest=dests[n - 1],
            previous_url=urls[n - 2] if n > 1 else "",
            next_url=urls[n] if n < count else "",
        )
        for n in range(1, count + 1)
    )


def _one_per_place(problems: Sequence[Problem]) -> list[Problem]:
    """Keep the first problem at each file and line: every locale finds the same missing value."""
    seen: dict[tuple[str | None, int | None], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.path, problem.line), problem)
    return list(seen.values())
