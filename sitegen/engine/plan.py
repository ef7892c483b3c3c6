"""Plan the build: turn the indexed site into jobs, one small function per kind of output.

A job is plain data: where the output goes (`dest`), which renderer makes it
(`kind`, see render.RENDERERS) from what (`subject`), and `inputs`: every
value the output is made from (the page's digest, its template's closure, the
settings, the posts a listing shows...). Nothing here decides what to render;
stale.py compares the inputs with the last build's record.

Inputs are derived from the values themselves (deps.py hashes whole pages and
template closures), never from a hand-kept list of fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sitegen import __version__
from sitegen.model import Listing, LocaleSite, Output, Page, Site, Source

if TYPE_CHECKING:
    from sitegen.engine.deps import PageDigests, TemplateDigests
    from sitegen.engine.render import SiteContext
    from sitegen.settings.config import Config
    from sitegen.settings.locales import Locales

TEMPLATE_KINDS = frozenset({"page", "listing", "tags", "home", "404", "archive", "project"})  # outputs rendered through templates
SEARCH_JOB = "pagefind/"  # the search index is one job: Pagefind writes the whole folder at once
# Noted when a tag listing's template reads its tag's posts (render.TagView): only then does
# the page depend on every post of the tag, not just the ones it lists.
TAG_POSTS = "tag.posts"


@dataclass(frozen=True, slots=True)
class Job:
    """One output to make, as plain values (so it can be shipped to another process)."""

    dest: str  # POSIX path relative to the output root
    kind: str  # the renderer (render.RENDERERS), or "search"
    locale: str  # the locale whose templates render it ("" for none)
    subject: object  # what the renderer takes: a Page, (Listing, Tag | None), a Feed, a Source, an Output
    inputs: tuple[object, ...]  # every value the output is made from; stale.py hashes them
    site_wide: Mapping[str, str]  # digest of each site-wide global (render.SITE_WIDE) its templates may read
    source: str = ""  # the file that names the output, for messages (a page's source; a tag's first post)


@dataclass(frozen=True, slots=True)
class Planner:
    """What the planning functions share: the template contexts, template and page digests."""

    contexts: Mapping[str, SiteContext]
    templates: TemplateDigests
    pages: PageDigests
    shared: Mapping[str, str]  # locale -> digest of the globals every template of it sees
    site_wide: Mapping[str, Mapping[str, str]]  # locale -> {"posts": digest, "all_tags": digest}

    def template_job(
        self, kind: str, template: str, dest: str, locale: str, subject: object, *parts: object, source: str = ""
    ) -> Job:
        """Plan an output rendered through a template: its closure and the locale's globals are inputs."""
        base = (__version__, self.templates.info(template).digest, self.shared[locale])
        return Job(dest, kind, locale, subject, (*base, *parts), self.site_wide[locale], source)


def make_planner(contexts: Mapping[str, SiteContext], templates: TemplateDigests, pages: PageDigests) -> Planner:
    """Digest what every template of each locale sees, once per build."""
    return Planner(
        contexts,
        templates,
        pages,
        {code: context.shared_inputs() for code, context in contexts.items()},
        {
            code: {
                "posts": pages_digest(pages, context.site.posts),
                "all_tags": tags_digest(pages, context.site),
                **context.data_inputs(),
            }
            for code, context in contexts.items()
        },
    )


def pages_digest(pages: PageDigests, posts: Sequence[Page]) -> str:
    """Hash the digests of a list of pages."""
    return hashlib.sha256("".join(pages.of_all(posts)).encode("ascii")).hexdigest()[:32]


def tags_digest(pages: PageDigests, site: LocaleSite) -> str:
    """Hash every tag of a locale with the digests of its posts."""
    return hashlib.sha256(repr(pages.of_tags(site.tags)).encode("utf-8")).hexdigest()[:32]


def plan_pages(planner: Planner, site: LocaleSite) -> Iterator[Job]:
    """Plan every page and post published in this locale, with the files their readers made."""
    context = planner.contexts[site.locale]
    for page in (*site.pages, *site.posts):
        if not page.translated:  # listed here with fallback text, published in another locale
            continue
        newer, older = context.neighbours(page)
        body = ""
        if page.document.is_template:
            body = planner.templates.info_of_body(page.document.body, page.source_rel, page.document.body_line).digest
        neighbours = (planner.pages.of(newer), planner.pages.of(older))
        listed = tuple(planner.pages.of_all(group) for group in context.related(page))  # related posts, series
        parts = (planner.pages.of(page), body, neighbours, listed)
        yield planner.template_job("page", f"{page.layout}.html", page.dest, site.locale, page, *parts, source=page.source_rel)
        yield from plan_attachments(page)


def plan_attachments(page: Page) -> Iterator[Job]:
    """Plan the files a reader made beside a page (a notebook's images)."""
    from sitegen.site.links import attachment_dest

    for attachment in page.document.attachments:
        output = Output(attachment_dest(page, attachment.name), attachment.data, frozenset({page.source_rel}))
        yield file_job(output)


def plan_blog(planner: Planner, site: LocaleSite) -> Iterator[Job]:
    """Plan the pages of the blog listing."""
    for listing in site.blog:
        posts = planner.pages.of_all(listing.posts)
        yield planner.template_job("listing", "blog.html", listing.dest, site.locale, (listing, None), _listing_place(listing), posts)


def plan_tag_listings(planner: Planner, site: LocaleSite) -> Iterator[Job]:
    """Plan the listing pages of every tag and category: each shows its own posts, and any of the tag's when its template reads them."""
    for tag in (*site.tags, *site.categories):
        tag_posts = {TAG_POSTS: pages_digest(planner.pages, tag.posts)}
        listings = site.tag_listings if tag.kind == "tag" else site.category_listings
        for listing in listings[tag.slug]:
            posts = planner.pages.of_all(listing.posts)
            subject = (listing, tag)
            parts = (_listing_place(listing), posts, (tag.name, tag.slug, tag.url, tag.kind))
            job = planner.template_job("listing", "tag.html", listing.dest, site.locale, subject, *parts, source=_first_source(tag.posts))
            yield replace(job, site_wide={**job.site_wide, **tag_posts})


def _listing_place(listing: Listing) -> Listing:
    """Return a listing's own values (number, URLs), without its posts: they go in as digests."""
    return replace(listing, posts=())


def plan_tags_index(planner: Planner, site: LocaleSite, locales: Locales) -> Iterator[Job]:
    """Plan the page listing every tag of this locale, and the one listing its categories when it has them."""
    from sitegen.site.urls import locale_prefix, pretty_dest

    dest = pretty_dest(locale_prefix(site.locale, locales.default) + "blog/tags")
    yield planner.template_job("tags", "tags.html", dest, site.locale, None, planner.pages.of_tags(site.tags))
    if site.categories:
        dest = pretty_dest(locale_prefix(site.locale, locales.default) + "blog/categories")
        yield planner.template_job("tags", "tags.html", dest, site.locale, "category", planner.pages.of_tags(site.categories))


def plan_home(planner: Planner, site: LocaleSite, locales: Locales) -> Iterator[Job]:
    """Plan the home page when the content has none (content/index.md or .html)."""
    from sitegen.site.urls import locale_prefix

    if not any(page.id == "home" and page.translated for page in site.pages):
        dest = locale_prefix(site.locale, locales.default) + "index.html"
        yield planner.template_job("home", "home.html", dest, site.locale, None)


def plan_portfolio(planner: Planner, site: LocaleSite, locales: Locales) -> Iterator[Job]:
    """Plan the archive by year and a page for each project with a body, when the templates provide them."""
    from sitegen.site.urls import locale_prefix, pretty_dest

    context = planner.contexts[site.locale]
    templates = set(context.env.list_templates())
    if "archive.html" in templates:
        dest = pretty_dest(locale_prefix(site.locale, locales.default) + "blog/archive")
        yield planner.template_job("archive", "archive.html", dest, site.locale, None, planner.pages.of_all(site.posts))
    for project in context.data.get("projects", ()):
        if project["url"] and "project.html" in templates:
            dest = context.project_dest(project["slug"])
            yield planner.template_job("project", "project.html", dest, site.locale, project, project, source="data/projects.yaml")


def plan_not_found(planner: Planner, site: LocaleSite, locales: Locales) -> Iterator[Job]:
    """Plan 404.html (in the default locale) when the content has none."""
    if site.locale == locales.default and not any(page.id == "404" for page in site.pages):
        yield planner.template_job("404", "404.html", "404.html", site.locale, None)


def plan_feeds(planner: Planner, site: Site, config: Config, locales: Locales) -> Iterator[Job]:
    """Plan the Atom feed of each locale's blog and of each of its tags."""
    from sitegen.publish.feeds import collect_feeds

    settings = config.settings_fingerprint()
    for feed in collect_feeds(site, config, locales):
        place = (feed.dest, feed.title, feed.page_url, feed.locale)
        inputs = (__version__, settings, place, planner.pages.of_all(feed.posts))
        yield Job(feed.dest, "feed", feed.locale, feed, inputs, {}, _first_source(feed.posts))


def plan_cards(site: Site, config: Config, locales: Locales) -> Iterator[Job]:
    """Plan a social card for each post without an image: (drawn by the workers, from the cache when drawn before)."""
    if not config.social_cards:
        return
    from sitegen.engine.cache import Cache
    from sitegen.publish.cards import CACHE_FOLDER, card_key
    from sitegen.publish.cards import plan_cards as cards_of

    cache = Cache(config.cache_path / CACHE_FOLDER)
    for card in cards_of(site, config.title, lambda code, date: locales.get(code).format_date(date)):
        yield Job(card.dest, "card", "", (card, cache), (card_key(card),), {})


def plan_site_files(site: Site, pages: Sequence[str], config: Config, locales: Locales) -> Iterator[Job]:
    """Plan sitemap.xml, robots.txt, .nojekyll and CNAME; they are cheap, so they are made here."""
    from sitegen.publish.sitemap import render_site_files

    for output in render_site_files(site, pages, config, locales):
        yield file_job(output)


def plan_stylesheets(config: Config) -> Iterator[Job]:
    """Plan the code-highlighting stylesheet."""
    from sitegen.markup.highlight import render_pygments_css

    yield file_job(render_pygments_css(config))


def plan_copies(assets: Sequence[Source]) -> Iterator[Job]:
    """Plan the content assets and static files, copied as they are; their bytes are their inputs."""
    for asset in assets:
        data = hashlib.sha256(asset.path.read_bytes()).hexdigest()
        yield Job(asset.content_rel, "copy", "", asset, (asset.rel, data), {}, asset.rel)


def plan_search(jobs: Sequence[Job], config: Config) -> Iterator[Job]:
    """Plan the search index: it is made from every HTML page (Pagefind reads the written site)."""
    if config.search:
        pages = tuple((job.dest, job.inputs, sorted(job.site_wide.items())) for job in jobs if job.dest.endswith(".html"))
        yield Job(SEARCH_JOB, "search", "", None, (__version__, pages), {})


def file_job(output: Output) -> Job:
    """Plan a file whose bytes are already made: the bytes are its inputs."""
    return Job(output.dest, "file", "", output, (hashlib.sha256(output.data).hexdigest(),), {}, min(output.deps, default=""))


def _first_source(pages: Sequence[Page]) -> str:
    """Name the first file (by path) among the pages an output shows."""
    return min((page.source_rel for page in pages), default="")


def plan_site(
    site: Site,
    config: Config,
    locales: Locales,
    contexts: Mapping[str, SiteContext],
    templates: TemplateDigests,
    pages: PageDigests | None = None,
) -> tuple[Job, ...]:
    """Plan every output of the site, in a stable order: each locale's pages and listings, then site-wide files."""
    from sitegen.engine.deps import PageDigests

    planner = make_planner(contexts, templates, pages or PageDigests())
    jobs: list[Job] = []
    for locale_site in site.locales.values():
        jobs += plan_pages(planner, locale_site)
        jobs += plan_blog(planner, locale_site)
        jobs += plan_tags_index(planner, locale_site, locales)
        jobs += plan_home(planner, locale_site, locales)
        jobs += plan_tag_listings(planner, locale_site)
        jobs += plan_not_found(planner, locale_site, locales)
        jobs += plan_portfolio(planner, locale_site, locales)
    jobs += plan_feeds(planner, site, config, locales)
    jobs += plan_stylesheets(config)
    jobs += plan_copies(site.assets)
    jobs += plan_site_files(site, [job.dest for job in jobs if job.kind in TEMPLATE_KINDS], config, locales)
    jobs += plan_search(jobs, config)
    return tuple(jobs)
