"""The portfolio stage: load data/, format citations in the site, and make what templates see as `data`."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from sitegen.errors import ContentError, Problem, SitegenError
from sitegen.model import Listing, LocaleSite, Page, Site
from sitegen.portfolio.bibtex import Publication, parse_bibtex
from sitegen.portfolio.cite import CitationStyle, cite_pages, load_style
from sitegen.portfolio.data import DataFile, line_of, load_data, localize_data
from sitegen.settings.config import Config
from sitegen.settings.locales import Locale, Locales

log = logging.getLogger(__name__)

PROJECT_PAGE_LINKS = ("post", "notebook")  # project links that name a page of the site by id


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Every data file of the site, and the publications of its .bib files (newest first)."""

    files: Mapping[str, DataFile]
    publications: tuple[Publication, ...]

    @property
    def entries(self) -> dict[str, Publication]:
        return {publication.key: publication for publication in self.publications}


class DataView(Mapping[str, Any]):
    """`data` as one render sees it: notes each data file the templates read, as `data.<name>`.

    The engine keeps these names with the output, so editing a data file
    re-renders exactly the outputs that read it. Asking for a file that does
    not exist, or for the list of files, notes `data` (the set of names).
    """

    def __init__(self, data: Mapping[str, Any], names: set[str]) -> None:
        self._data = data
        self._names = names

    def __getitem__(self, key: str) -> Any:
        self._names.add(f"data.{key}" if key in self._data else "data")
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        self._names.update(["data", *(f"data.{key}" for key in self._data)])
        return iter(self._data)

    def __len__(self) -> int:
        self._names.add("data")
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        self._names.add(f"data.{key}" if key in self._data else "data")
        return key in self._data


PAPER_FOLDERS = ("", "assets/pdf")  # al-folio names a paper's PDF alone and keeps it in assets/pdf/


def load_portfolio(config: Config) -> Portfolio:
    """Load data/ and gather its publications."""
    files = {
        name: replace(found, value=tuple(local_links(p, config) for p in found.value)) if found.rel.endswith(".bib") else found
        for name, found in load_data(config.root / config.data_dir, config.root).items()
    }
    publications = [p for f in files.values() if f.rel.endswith(".bib") for p in f.value]
    return Portfolio(files, tuple(sorted(publications, key=publication_order)))


def local_links(publication: Publication, config: Config) -> Publication:
    """Point a link that names a file (`pdf = {paper.pdf}`) at that file in static/ or content/; none is an error."""
    links = []
    for label, value in publication.links:
        if ":" in value.split("/", 1)[0]:  # https://…, mailto:…
            links.append((label, value))
            continue
        links.append((label, _local_file(publication, label, value, config)))
    return replace(publication, links=tuple(links))


def _local_file(publication: Publication, label: str, value: str, config: Config) -> str:
    """Return a linked file's path below static/ or content/, which templates make a URL with asset()."""
    name = value.lstrip("/")
    for top in (config.static_dir, config.content_dir):
        for folder in PAPER_FOLDERS:
            if (config.root / top / folder / name).is_file():
                return f"{folder}/{name}".lstrip("/")
    raise ContentError(
        f"BibTeX entry '{publication.key}': {label} '{value}' is no file in {config.static_dir}/ or {config.content_dir}/",
        publication.rel, publication.line, hint=f"put it in {config.static_dir}/ (or {config.static_dir}/assets/pdf/, as al-folio does), or give a full URL",
    )


def publication_order(publication: Publication) -> tuple[int, int, str]:
    """Sort newest first; entries without a year come last."""
    return (-(publication.year or 0), -(publication.month or 0), publication.key)


def cite_site(site: Site, portfolio: Portfolio, config: Config, locales: Locales) -> Site:
    """Format citations in every page of every locale, and put the new pages in every listing."""
    style = _StyleLoader(config)
    extra = _PageBibliographies(config)
    return replace(
        site,
        locales={
            code: _cite_locale(locale_site, portfolio.entries, style.get, locales.get(code), extra.get)
            for code, locale_site in site.locales.items()
        },
    )


class _StyleLoader:
    """Loads the citation style the first time a page needs it."""

    def __init__(self, config: Config) -> None:
        self._config = config

    @cached_property
    def style(self) -> CitationStyle:
        return load_style(self._config.citation_style, self._config.root)

    def get(self) -> CitationStyle:
        return self.style


class _PageBibliographies:
    """The optional per-page `bibliography:` files, each parsed once per build."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._parsed: dict[Path, dict[str, Publication]] = {}

    def get(self, page: Page) -> Mapping[str, Publication]:
        name = page.fields.get("bibliography")
        if not name:
            return {}
        path = (page.document.source.path.parent / str(name)).resolve()
        if path not in self._parsed:
            if not path.is_file():
                line = page.document.meta_lines.get("bibliography")
                raise ContentError(f"bibliography '{name}' not found next to the page", page.source_rel, line)
            rel = path.relative_to(self._config.root).as_posix()
            self._parsed[path] = {p.key: p for p in parse_bibtex(path.read_text(encoding="utf-8"), rel)}
        return self._parsed[path]


def _cite_locale(
    site: LocaleSite,
    entries: Mapping[str, Publication],
    style: Callable[[], CitationStyle],
    locale: Locale,
    extra: Callable[[Page], Mapping[str, Publication]],
) -> LocaleSite:
    pages = cite_pages(site.pages, entries, style, locale, extra)
    posts = cite_pages(site.posts, entries, style, locale, extra)
    if pages == site.pages and posts == site.posts:
        return site
    new = {id(old): cited for old, cited in zip((*site.pages, *site.posts), (*pages, *posts), strict=True)}

    def swap(listed: Sequence[Page]) -> tuple[Page, ...]:
        return tuple(new.get(id(page), page) for page in listed)

    def relist(listings: Sequence[Listing]) -> tuple[Listing, ...]:
        return tuple(replace(listing, posts=swap(listing.posts)) for listing in listings)

    return replace(
        site,
        pages=pages,
        posts=posts,
        tags=tuple(replace(tag, posts=swap(tag.posts)) for tag in site.tags),
        blog=relist(site.blog),
        tag_listings={slug: relist(listings) for slug, listings in site.tag_listings.items()},
        categories=tuple(replace(category, posts=swap(category.posts)) for category in site.categories),
        category_listings={slug: relist(listings) for slug, listings in site.category_listings.items()},
    )


def site_data(
    portfolio: Portfolio,
    locales: Locales,
    locale: Locale,
    urls: Callable[[str], str | None],
    project_url: Callable[[str], str],
) -> dict[str, Any]:
    """Return `data` as this locale's templates see it: every file resolved, projects checked and linked."""
    data: dict[str, Any] = {}
    for name, file in portfolio.files.items():
        if file.rel.endswith(".bib"):
            data[name] = tuple(sorted(file.value, key=publication_order))
        else:
            data[name] = localize_data(file.value, locales, locale, file.rel)
    if "projects" in portfolio.files:
        data["projects"] = projects(portfolio.files["projects"], data["projects"], urls, project_url)
    return data


def projects(
    file: DataFile, resolved: Any, urls: Callable[[str], str | None], project_url: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Check data/projects.yaml and add to each project its `slug`, `url` (when it has a body) and links."""
    from sitegen.site.urls import slugify

    if not isinstance(resolved, list):
        raise ContentError("data/projects.yaml must be a list of projects", file.rel, 1)
    problems: list[Problem] = []
    result = []
    for raw, project in zip(file.value, resolved, strict=True):
        line = getattr(raw, "lines", {}).get("title")
        if not isinstance(project, dict) or not project.get("title"):
            problems.append(Problem("a project needs a 'title'", file.rel, line))
            continue
        slug = slugify(str(project.get("slug") or _first_value(raw.get("title"))))
        links = []
        for kind, target in dict(project.get("links") or {}).items():
            url = urls(str(target)) if kind in PROJECT_PAGE_LINKS else str(target)
            if url is None:
                where = line_of(raw.get("links", {}), kind) or line
                problems.append(Problem(f"project '{slug}' links {kind} '{target}', which is not a page of the site", file.rel, where))
                continue
            links.append((kind, url))
        defaults = {"summary": "", "image": "", "image_alt": "", "tags": [], "featured": False}
        url = project_url(slug) if project.get("body") else ""
        result.append({**defaults, **project, "slug": slug, "links": links, "url": url})
    if problems:
        raise SitegenError.collect(problems)
    return result


def related_posts(posts: Sequence[Page], limit: int = 3) -> dict[str, tuple[Page, ...]]:
    """Return, for each post's id, the posts sharing most tags with it (newest first among equals, then by id).

    The others are walked newest first, so the walk ends once `limit` of them
    share every tag of the post: no later one can rank above those.
    """
    ranked = sorted(posts, key=lambda post: (-_stamp(post), post.id))
    slugs = [frozenset(tag.slug for tag in post.tags) for post in ranked]
    related: dict[str, tuple[Page, ...]] = {}
    for rank, post in enumerate(ranked):
        own, found, complete = slugs[rank], [], 0
        for other, theirs in enumerate(slugs):
            shared = len(own & theirs) if other != rank else 0
            if shared:
                found.append((-shared, other))
                complete += shared == len(own)
                if complete == limit:
                    break
        related[post.id] = tuple(ranked[other] for _, other in heapq.nsmallest(limit, found))
    return related


def series_parts(post: Page, posts: Sequence[Page]) -> tuple[Page, ...]:
    """Return the posts of `post`'s series in reading order (oldest first), or ()."""
    name = post.fields.get("series")
    if not name:
        return ()
    return tuple(sorted((p for p in posts if p.fields.get("series") == name), key=lambda p: (_stamp(p), p.id)))


def archive_years(posts: Sequence[Page]) -> list[tuple[int, list[Page]]]:
    """Group posts (newest first) by year: [(2026, [...]), (2025, [...])]."""
    years: dict[int, list[Page]] = {}
    for post in posts:
        if post.date is not None:
            years.setdefault(post.date.year, []).append(post)
    return sorted(years.items(), reverse=True)


def by_year(publications: Sequence[Publication]) -> list[tuple[int | None, list[Publication]]]:
    """Group publications by year, newest first; undated ones last."""
    groups: dict[int | None, list[Publication]] = {}
    for publication in sorted(publications, key=publication_order):
        groups.setdefault(publication.year, []).append(publication)
    return sorted(groups.items(), key=lambda item: -(item[0] or 0))


def _stamp(page: Page) -> float:
    return page.date.timestamp() if page.date else 0.0


def scholarly_articles(publications: Sequence[Publication], site_url: str) -> dict[str, Any]:
    """Describe publications as schema.org `ScholarlyArticle`s, for a JSON-LD script."""
    graph = []
    for publication in publications:
        article: dict[str, Any] = {
            "@type": "ScholarlyArticle",
            "@id": f"{site_url}#{publication.key}",
            "headline": publication.title,
            "author": [{"@type": "Person", "name": a.full} for a in publication.authors if not a.others],
        }
        if publication.year:
            article["datePublished"] = f"{publication.year}-{publication.month:02d}" if publication.month else str(publication.year)
        if publication.venue:
            article["isPartOf"] = {"@type": "CreativeWork", "name": publication.venue}
        links = dict(publication.links)
        if "doi" in links:
            article["sameAs"] = links["doi"]
        if publication.abstract:
            article["abstract"] = publication.abstract
        graph.append(article)
    return {"@context": "https://schema.org", "@graph": graph}


def _first_value(value: Any) -> Any:
    """The first value of a per-locale map (a project's slug is the same in every locale)."""
    return next(iter(value.values()), "") if isinstance(value, Mapping) else value
