"""Render jobs into `Output` values: pages, listings and tag pages through Jinja, feeds and copied files.

`SiteContext` holds what every template of one locale sees: the Jinja
environment, the site's settings and the helpers (`t`, `url`, `link`...).
`render_job` makes one planned job (plan.py) with the renderer its kind
names. While a template renders, the environment notes which site-wide
values (`posts`, `all_tags`) it read, so that only outputs that read them
depend on every post (stale.py).
"""

from __future__ import annotations

import html
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import jinja2
import jinja2.runtime
from markupsafe import Markup

from sitegen.engine.inputs import environment_inputs
from sitegen.engine.plan import TAG_POSTS, Job
from sitegen.engine.record import digest
from sitegen.engine.templates import make_loader, template_label, theme_style
from sitegen.errors import Problem, SitegenError, TemplateError
from sitegen.model import Listing, LocaleSite, Output, Page, Site, Source, Tag
from sitegen.portfolio.stage import (
    DataView,
    Portfolio,
    archive_years,
    by_year,
    related_posts,
    scholarly_articles,
    series_parts,
    site_data,
)
from sitegen.publish.cards import card_dest, needs_card
from sitegen.publish.images import ImageSet, image_dest, render_image, responsive_images
from sitegen.settings.config import Config
from sitegen.settings.locales import Locale, Locales
from sitegen.site.links import ATTACHMENT, link_table, rewrite_links
from sitegen.site.urls import absolute_url, locale_prefix, pretty_dest, url_for_dest

# The globals whose value is every post of a locale: an output depends on each post's digest
# only when its templates actually read one of them (noted while rendering, kept in the record).
SITE_WIDE = ("posts", "all_tags")
_READS = "__sitegen_reads__"  # the context entry that collects what a render read

# The menu when the settings name none: each of these that exists (the blog always does).
DEFAULT_MENU = ("about", "deep-learning", "blog")


class _MissingTarget(Exception):
    """Raised by url() and link() inside a template; turned into a located error."""


# What an expression in a template can raise ({{ 1/0 }}, {{ url() }}, a macro that calls itself):
# each becomes an error at the template's line.
EXPRESSION_ERRORS = (ArithmeticError, TypeError, ValueError, AttributeError, LookupError, RecursionError, jinja2.TemplateError)


@dataclass(frozen=True, slots=True)
class Made:
    """One rendered job."""

    output: Output
    warnings: tuple[Problem, ...] = ()
    reads: tuple[str, ...] = ()  # the site-wide globals (SITE_WIDE) its templates read


class _Reads:
    """The site-wide values one render may read, and the names of those it did."""

    def __init__(self, watched: Mapping[str, object]) -> None:
        self.watched = watched
        self.names: set[str] = set()


class _TrackingContext(jinja2.runtime.Context):
    """A template context that notes when a template reads a watched site-wide value.

    A value counts only when it is the watched object itself, so a partial that
    lists `posts` bound by `{% with posts = listing.posts %}` does not count.
    """

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        reads = self.parent.get(_READS)
        if isinstance(reads, _Reads) and key in reads.watched and value is reads.watched[key]:
            if key == "data" and isinstance(value, Mapping):  # noted file by file: data.<name>
                return DataView(value, reads.names)
            reads.names.add(key)
        return value


def make_environment(config: Config) -> jinja2.Environment:
    """Make the Jinja environment: autoescape on, undefined variables are errors."""
    env = jinja2.Environment(
        loader=make_loader(config),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Each build makes its own environment, so a template never changes under it: without
        # auto_reload every include inside a loop is a dictionary lookup instead of a stat().
        auto_reload=False,
        cache_size=-1,
    )
    env.context_class = _TrackingContext
    return env


def make_contexts(
    site: Site,
    config: Config,
    locales: Locales,
    env: jinja2.Environment,
    generated: Sequence[str] = (),
    portfolio: Portfolio | None = None,
    images: Mapping[str, ImageSet] | None = None,
) -> dict[str, SiteContext]:
    """Make the template context of every built locale.

    `generated` names the files other stages make (css/pygments.css, feeds), so links to them resolve;
    `images` the raster images with smaller copies, which pages offer through srcset.
    """
    return {
        code: SiteContext(locale_site, site, config, locales, locales.get(code), env, generated, portfolio, images or {})
        for code, locale_site in site.locales.items()
    }


def render_job(job: Job, contexts: Mapping[str, SiteContext]) -> Made:
    """Make one planned output with the renderer its kind names."""
    return RENDERERS[job.kind](job, contexts.get(job.locale))


def _render_page(job: Job, context: SiteContext | None) -> Made:
    assert context is not None and isinstance(job.subject, Page)
    return context.render_page(job.subject)


def _render_listing(job: Job, context: SiteContext | None) -> Made:
    assert context is not None and isinstance(job.subject, tuple)
    listing, tag = job.subject
    assert isinstance(listing, Listing) and (tag is None or isinstance(tag, Tag))
    reads = _Reads(context.watched())
    shown = TagView(tag, reads.names) if tag else None
    return context.render("tag.html" if tag else "blog.html", job.dest, {"listing": listing, "tag": shown}, None, reads)


class TagView:
    """The tag of a tag listing as its templates see it: reading its posts is noted (plan.TAG_POSTS)."""

    __slots__ = ("_names", "_tag")

    def __init__(self, tag: Tag, names: set[str]) -> None:
        self._tag = tag
        self._names = names

    @property
    def name(self) -> str:
        """The tag as written."""
        return self._tag.name

    @property
    def slug(self) -> str:
        """The tag in its URL."""
        return self._tag.slug

    @property
    def url(self) -> str:
        """The tag's first listing page."""
        return self._tag.url

    @property
    def kind(self) -> str:
        """"tag", or "category" (a Jekyll category listed apart)."""
        return self._tag.kind

    @property
    def posts(self) -> tuple[Page, ...]:
        """Every post of the tag, newest first: the page now depends on each of them."""
        self._names.add(TAG_POSTS)
        return self._tag.posts


def _render_tags(job: Job, context: SiteContext | None) -> Made:
    assert context is not None
    listed = context.site.categories if job.subject == "category" else context.site.tags
    return context.render("tags.html", job.dest, {"tags": listed, "kind": job.subject or "tag"})


def _render_home(job: Job, context: SiteContext | None) -> Made:
    assert context is not None
    return context.render("home.html", job.dest, {"content": Markup("")})


def _render_not_found(job: Job, context: SiteContext | None) -> Made:
    assert context is not None
    return context.render("404.html", job.dest, {})


def _render_archive(job: Job, context: SiteContext | None) -> Made:
    assert context is not None
    return context.render("archive.html", job.dest, {"years": archive_years(context.site.posts)})


def _render_project(job: Job, context: SiteContext | None) -> Made:
    assert context is not None and isinstance(job.subject, Mapping)
    body = Markup(_project_body(job.subject, context.config))
    return context.render("project.html", job.dest, {"project": job.subject, "content": body})


def _project_body(project: Mapping[str, Any], config: Config) -> str:
    """Render a project's Markdown body."""
    from sitegen.markup.markdown import render_markdown

    return render_markdown(str(project["body"]), config.pygments_style).html


def _render_file(job: Job, context: SiteContext | None) -> Made:
    """A file made while planning (sitemap, robots.txt, the code stylesheet, a notebook's images)."""
    assert isinstance(job.subject, Output)
    return Made(job.subject)


def _render_copy(job: Job, context: SiteContext | None) -> Made:
    """A content asset or static file, copied as it is."""
    assert isinstance(job.subject, Source)
    return Made(Output(job.dest, job.subject.path.read_bytes(), frozenset({job.subject.rel})))


def _render_feed(job: Job, context: SiteContext | None) -> Made:
    from sitegen.publish.feeds import Feed, render_feed

    assert context is not None and isinstance(job.subject, Feed)
    return Made(Output(job.dest, render_feed(job.subject, context.config)))


def _render_card(job: Job, context: SiteContext | None) -> Made:
    """A post's social card, drawn here or taken from the cache."""
    from sitegen.engine.cache import Cache
    from sitegen.publish.cards import Card, missing_glyphs, render_card

    card, cache = job.subject if isinstance(job.subject, tuple) else (None, None)
    assert isinstance(card, Card) and isinstance(cache, Cache)
    return Made(render_card(card, cache), missing_glyphs((card,)))


RENDERERS: Mapping[str, Callable[[Job, SiteContext | None], Made]] = {
    "page": _render_page,
    "listing": _render_listing,
    "tags": _render_tags,
    "home": _render_home,
    "404": _render_not_found,
    "archive": _render_archive,
    "project": _render_project,
    "feed": _render_feed,
    "file": _render_file,
    "copy": _render_copy,
    "card": _render_card,
}


class SiteContext:
    """What every template of one locale sees: the environment, the settings and the helpers."""

    def __init__(
        self,
        site: LocaleSite,
        whole: Site,
        config: Config,
        locales: Locales,
        locale: Locale,
        env: jinja2.Environment,
        generated: Sequence[str],
        portfolio: Portfolio | None = None,
        images: Mapping[str, ImageSet] | None = None,
    ) -> None:
        self.site = site
        self.images = images or {}
        self.whole = whole
        self.config = config
        self.locales = locales
        self.locale = locale
        self.env = env
        self.links = link_table(site, whole, config, locales, generated)
        self.info = self.site_info()
        self.positions = {page.id: index for index, page in enumerate(site.posts)}
        self._related = related_posts(site.posts)
        self._dates: dict[date, str] = {}  # Babel is slow, and each post's date is on many listings
        self.portfolio = portfolio or Portfolio({}, ())
        self.data = site_data(self.portfolio, locales, locale, self.links.url_of, self.project_url)

    def shared_inputs(self) -> str:
        """Digest every global a template sees except the site-wide ones (SITE_WIDE) and the page itself."""
        images = sorted(self.images.values(), key=lambda image: image.dest)
        return digest(self.config.settings_fingerprint(), self.locales, self.links.addresses(), self.info, self.whole.translations, images)

    def render_page(self, page: Page) -> Made:
        """Render one page or post through its layout."""
        problems: tuple[Problem, ...] = ()
        body = page.document.body
        reads = _Reads(self.watched())
        if page.document.is_template:
            body, problems = rewrite_links(self._template_body(page, reads), page, self.links)
        if self.images:
            body = responsive_images(body, self.images, self.config.base_path)
        newer, older = self.neighbours(page)
        extra = {
            "page": page,
            "content": Markup(localize_labels(body, self.locale)),
            "content_lang": self.body_language(page),
            "source_links": self._source_links(page),
            "newer": newer,
            "older": older,
            "related": self.related(page)[0],
            "series": self.related(page)[1],
        }
        template = f"{page.layout}.html"
        if page.layout == "archive":
            # A page on the archive layout: its own text when it has one (a Jekyll archive.md loops over
            # site.posts itself), else the posts by year, as on the blog's archive.
            if body.strip():
                template = "page.html"
            else:
                extra["years"] = archive_years(self.site.posts)
                reads.names.add("posts")
        made = self.render(template, page.dest, extra, page, reads)
        return Made(made.output, problems, made.reads)

    def _source_links(self, page: Page) -> list[tuple[str, str]]:
        """Resolve the links a reader made (notebook download, Colab, Binder): (UI string key, URL)."""
        links = sorted(page.document.extra_links.items())
        folder = page.url.rpartition("/")[0] + "/"  # a page at /x/ or, with a permalink, at /x/y.html
        return [(key, folder + quote(href[len(ATTACHMENT) :]) if href.startswith(ATTACHMENT) else href) for key, href in links]

    def _template_body(self, page: Page, reads: _Reads) -> str:
        try:
            template = self.env.from_string(page.document.body)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error", page.source_rel, page.document.body_line + exc.lineno - 1) from exc
        try:
            return template.render({**self.globals(page), _READS: reads})
        except jinja2.TemplateNotFound as exc:
            line = _template_line(exc, "<template>")
            raise TemplateError(
                f"template '{exc.name}' not found in {self.config.templates_dir}/ or the theme",
                page.source_rel,
                page.document.body_line + line - 1 if line else None,
            ) from exc
        except (jinja2.UndefinedError, _MissingTarget, *EXPRESSION_ERRORS) as exc:
            line = _template_line(exc, "<template>")
            raise TemplateError(_message(exc), page.source_rel, page.document.body_line + line - 1 if line else None) from exc

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        """Return the newer and the older post next to a post."""
        index = self.positions.get(page.id) if page.kind == "post" else None
        if index is None:
            return None, None
        posts = self.site.posts
        return (posts[index - 1] if index > 0 else None), (posts[index + 1] if index + 1 < len(posts) else None)

    def render(
        self, template_name: str, dest: str, extra: Mapping[str, Any], page: Page | None = None, reads: _Reads | None = None
    ) -> Made:
        """Render a template with this locale's globals and `extra`; note the site-wide values it read."""
        reads = reads or _Reads(self.watched())
        try:
            template = self.env.get_template(template_name)
            html = template.render({**self.globals(page, dest), "dest": dest, **extra, _READS: reads})
        except jinja2.TemplateSyntaxError as exc:
            label = template_label(exc.filename, self.config) or f"{self.config.templates_dir}/{exc.name}"
            raise TemplateError(exc.message or "syntax error", label, exc.lineno) from exc
        except jinja2.TemplateNotFound as exc:
            where = page.source_rel if page else None
            raise TemplateError(f"template '{exc.name}' not found in {self.config.templates_dir}/ or the theme", where) from exc
        except (jinja2.UndefinedError, _MissingTarget, *EXPRESSION_ERRORS) as exc:
            name, line = _failing_template(exc, self.config)
            rendering = f" (rendering {page.source_rel})" if page else ""
            raise TemplateError(_message(exc) + rendering, name or template_name, line) from exc
        return Made(Output(dest, html.encode("utf-8")), (), tuple(sorted(reads.names)))

    def watched(self) -> dict[str, object]:
        """Return the values whose reads are noted: the site-wide ones and `data`."""
        return {**self.site_wide(), "data": self.data}

    def data_inputs(self) -> dict[str, str]:
        """Digest each data file as `data.<name>`, and the list of names as `data`, for the reads noted."""
        files = self.portfolio.files
        return {"data": digest(sorted(files)), **{f"data.{name}": file.fingerprint for name, file in files.items()}}

    def related(self, page: Page) -> tuple[tuple[Page, ...], tuple[Page, ...]]:
        """Return a post's related posts and the parts of its series."""
        if page.kind != "post":
            return (), ()
        return self._related.get(page.id, ()), series_parts(page, self.site.posts)

    def project_url(self, slug: str) -> str:
        """Return the URL of a project's own page."""
        return url_for_dest(self.project_dest(slug), self.config.base_path)

    def project_dest(self, slug: str) -> str:
        """Return where a project's own page is written."""
        return pretty_dest(f"{locale_prefix(self.locale.code, self.locales.default)}projects/{slug}")

    def site_wide(self) -> dict[str, object]:
        """Return the globals whose value is every post (SITE_WIDE), by name."""
        values: dict[str, object] = {"posts": self.site.posts, "all_tags": self.site.tags}
        assert set(values) == set(SITE_WIDE)
        return values

    def alternates(self, dest: str, page: Page | None) -> list[tuple[Locale, str]]:
        """Return (locale, url) of this output in every built locale that has it, in build order."""
        if dest == "404.html":
            return []
        if page is not None:
            found = self.whole.translations.get(page.key, {})
        else:
            rest = dest.removeprefix(locale_prefix(self.locale.code, self.locales.default))
            found = {
                code: url_for_dest(locale_prefix(code, self.locales.default) + rest, self.config.base_path)
                for code in self.locales.build
            }
        return [(self.locales.get(code), found[code]) for code in self.locales.build if code in found]

    def body_language(self, page: Page) -> str:
        """Return the language of a page's body when it is not this locale's (a fallback), else ""."""
        written = page.document.source.locale or self.locales.default  # a file without a locale suffix is in the default locale
        return "" if written == self.locale.code else written

    def card_url(self, page: Page | None) -> str:
        """Return the URL of the generated social card of a post without an image:, or ""."""
        if page is None or not self.config.social_cards or not needs_card(page):
            return ""
        return url_for_dest(card_dest(page), self.config.base_path)

    def locale_homes(self) -> list[tuple[Locale, str]]:
        """Return (locale, url) of the home page of every built locale, in build order."""
        default = self.locales.default
        return [
            (self.locales.get(code), url_for_dest(locale_prefix(code, default) + "index.html", self.config.base_path))
            for code in self.locales.build
        ]

    def globals(self, page: Page | None, dest: str = "") -> dict[str, Any]:
        """Return what every template sees: site, locale, text and URL helpers."""
        folder = page.document.source.folder if page else ""
        return {
            "alternates": self.alternates(dest or (page.dest if page else ""), page),
            "locale_homes": self.locale_homes(),
            "card_url": self.card_url(page),
            "default_locale": self.locales.default_locale,
            "site": self.info,
            "locale": self.locale,
            "locales": self.locales,
            **self.site_wide(),
            "t": self.text,
            "format_date": self.format_date,
            "url": self.url,
            "link": lambda target: self.link(target, folder),
            "asset": lambda target: self.link(target, ""),
            "image": self.image_tag,
            "social_image": self.social_image,
            "absolute": lambda url: absolute_url(url, self.config.base_url),
            "page": page,
            "data": self.data,
            "by_year": by_year,
            "scholarly_articles": lambda items: scholarly_articles(items, self.config.base_url),
        }

    def social_image(self, target: str, folder: str) -> dict[str, Any] | None:
        """Return the URL, width and height of the copy of a page's image: link previews get, or None."""
        image_set = self.images.get(image_dest(target, folder, self.config.base_path))
        if image_set is None:
            return None
        dest, width, height = image_set.social()
        return {"url": url_for_dest(dest, self.config.base_path), "width": width, "height": height}

    def image_tag(self, src: str, alt: str = "", lazy: bool = True, **attributes: str) -> Markup:
        """Return a template's `<img>` for an image URL: with its copies in a srcset when it has them."""
        shown = {"alt": alt, **{name.replace("_", "-"): str(value) for name, value in attributes.items()}}
        return Markup(render_image(src, shown, self.images, self.config.base_path, lazy=lazy))

    def site_info(self) -> dict[str, Any]:
        """Return the site-wide settings templates show."""
        config = self.config
        menu = [(self._menu_title(item), self._menu_url(item), item) for item in self._menu_items()]
        return {
            "title": config.title,
            "author": config.author,
            "description": config.description,
            "email": config.email,
            "base_url": config.base_url,
            "base_path": config.base_path,
            "menu": menu,
            "repository": config.repository,
            "image": config.image,
            "search": config.search,
            "build_year": environment_inputs(config)["year"],
            "giscus": {
                "repo": config.giscus_repo,
                "repo-id": config.giscus_repo_id,
                "category": config.giscus_category,
                "category-id": config.giscus_category_id,
                "mapping": config.giscus_mapping,
                "src": config.giscus_src,
            },
            "social": config.social,
            "style": theme_style(config),
        }

    def _menu_items(self) -> tuple[str, ...]:
        """Return the menu's page ids: as set, or else the default entries whose pages exist."""
        if self.config.menu is not None:
            return self.config.menu
        return tuple(item for item in DEFAULT_MENU if item == "blog" or item in self.links.pages_by_id)

    def _menu_title(self, item: str) -> str:
        if item in ("blog", "home"):
            return self.locale.text("posts" if item == "blog" else "home")
        page = self.links.pages_by_id.get(item)
        if page is None:
            raise SitegenError(
                f"menu entry '{item}' is not a page id", self.config.settings_file, hint="menu lists page ids such as 'about' or 'blog'"
            )
        return page.title

    def _menu_url(self, item: str) -> str:
        found = self.links.url_of(item)
        assert found is not None  # _menu_title checked it
        return found

    def format_date(self, value: date | datetime) -> str:
        """Format a date the way this locale writes it (the `format_date()` of templates)."""
        day = value.date() if isinstance(value, datetime) else value  # what the locale formats
        if day not in self._dates:
            self._dates[day] = self.locale.format_date(day)
        return self._dates[day]

    def text(self, key: str, **values: Any) -> str:
        """Return a UI string of this locale (the `t()` of templates)."""
        if key not in self.locale.strings:
            raise _MissingTarget(f"t('{key}'): no UI string with that key in locales.yaml")
        try:
            return self.locale.text(key, **values)
        except (KeyError, IndexError, ValueError) as exc:
            raise _MissingTarget(f"t('{key}'): the string does not fit its placeholders ({exc})") from exc

    def url(self, page_id: str) -> str:
        """Return the URL of a page id (about, blog/attention, blog, tags, feed, home)."""
        if not isinstance(page_id, str):
            raise _MissingTarget(f"url({page_id!r}): a page id is a text such as 'about'")
        found = self.links.url_of(page_id)
        if found is None:
            raise _MissingTarget(f"url('{page_id}'): no page with that id")
        return found

    def link(self, target: str, folder: str) -> str:
        """Return the URL of a file relative to the page's folder (or content/ and static/)."""
        if not isinstance(target, str):
            raise _MissingTarget(f"link({target!r}): a link target is a text such as 'photo.png'")
        for base in (folder, ""):
            found = self.links.resolve(base, target.lstrip("/"))
            if found:
                return found
        raise _MissingTarget(f"link('{target}'): no such file in content/ or static/")


_UI_LABEL = re.compile(r'(<summary data-ui="([a-z_]+)">)[^<]*(</summary>)')


def localize_labels(body: str, locale: Locale) -> str:
    """Put the locale's UI strings into labels readers wrote in English (notebook <details>)."""
    return _UI_LABEL.sub(lambda m: m.group(1) + html.escape(locale.text(m.group(2))) + m.group(3), body)


def _message(exc: Exception) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined template variable: {exc.message}"
    if isinstance(exc, _MissingTarget):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "a template calls itself without end (RecursionError)"
    return f"template expression failed: {exc} ({type(exc).__name__})"


def _failing_template(exc: BaseException, config: Config) -> tuple[str | None, int | None]:
    """Find the innermost template frame of a rendering error: (template label, line)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        label = template_label(frame.filename, config) if frame.filename.endswith(".html") else None
        if label:
            found = (label, frame.lineno)
    return found


def _template_line(exc: BaseException, name: str) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name:
            line = frame.lineno
    return line
