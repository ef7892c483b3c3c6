"""Render pages, listings and tag pages through Jinja templates into `Output` values.

Rendering is planned first: each output becomes a `Job` with the fingerprint of
everything it is made from (see deps.py). A job whose fingerprint matches the
last build's is not rendered again.
"""

from __future__ import annotations

import html
import re
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from sitegen.engine.deps import TemplateDigests, page_card, page_identity
from sitegen.engine.record import digest
from sitegen.errors import Problem, SitegenError, TemplateError
from sitegen.model import LocaleSite, Output, Page, Site, Source
from sitegen.publish.cards import card_dest, needs_card
from sitegen.publish.images import ImageSet, responsive_images
from sitegen.settings.config import Config
from sitegen.settings.locales import Locale, Locales
from sitegen.site.links import ATTACHMENT, attachment_dest, link_table, rewrite_links
from sitegen.site.urls import absolute_url, locale_prefix, pretty_dest, url_for_dest


class _MissingTarget(Exception):
    """Raised by url() and link() inside a template; turned into a located error."""


@dataclass(frozen=True, slots=True)
class Job:
    """One output to make: where it goes, its fingerprint, and how to make it."""

    dest: str
    fingerprint: str
    make: Callable[[], tuple[Output, tuple[Problem, ...]]]


@dataclass(frozen=True, slots=True)
class Rendered:
    """What the render stage produced."""

    outputs: tuple[Output, ...]  # only the outputs that were (re)rendered
    fingerprints: Mapping[str, str]  # every planned dest -> fingerprint
    warnings: tuple[Problem, ...]


def make_environment(config: Config) -> jinja2.Environment:
    """Make the Jinja environment: autoescape on, undefined variables are errors."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.templates_path)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def available_layouts(config: Config) -> frozenset[str]:
    """Return the layout names the templates folder provides."""
    folder = config.templates_path
    if not folder.is_dir():
        raise SitegenError(f"no templates folder '{config.templates_dir}'", config.templates_dir)
    return frozenset(path.stem for path in folder.glob("*.html"))


def plan_site(
    site: Site,
    config: Config,
    locales: Locales,
    env: jinja2.Environment,
    generated: Sequence[str] = (),
    images: Mapping[str, ImageSet] | None = None,
) -> tuple[Job, ...]:
    """Plan every output of every locale: pages, attachments, listings, tag pages, home and 404.

    `generated` names the files other stages make (css/pygments.css, feeds), so links to them resolve;
    `images` the raster images with smaller copies, which pages offer through srcset.
    """
    templates = TemplateDigests(env, config.templates_dir)
    jobs: list[Job] = []
    for code, locale_site in site.locales.items():
        context = SiteContext(locale_site, site, config, locales, locales.get(code), env, generated, templates, images or {})
        jobs.extend(context.plan())
    return tuple(jobs)


def render_jobs(jobs: Sequence[Job], previous: Mapping[str, str], present: Callable[[str], bool]) -> Rendered:
    """Make the jobs whose fingerprint changed (or whose file is missing); skip the rest."""
    outputs: list[Output] = []
    warnings: list[Problem] = []
    for job in jobs:
        if previous.get(job.dest) == job.fingerprint and present(job.dest):
            continue
        output, problems = job.make()
        outputs.append(output)
        warnings.extend(problems)
    fingerprints = {job.dest: job.fingerprint for job in jobs}
    return Rendered(tuple(outputs), fingerprints, tuple(dict.fromkeys(warnings)))


class SiteContext:
    """Plans and renders one locale of the site; holds what every template of that locale sees."""

    def __init__(
        self,
        site: LocaleSite,
        whole: Site,
        config: Config,
        locales: Locales,
        locale: Locale,
        env: jinja2.Environment,
        generated: Sequence[str],
        templates: TemplateDigests,
        images: Mapping[str, ImageSet],
    ) -> None:
        self.site = site
        self.whole = whole
        self.config = config
        self.locales = locales
        self.locale = locale
        self.env = env
        self.templates = templates
        self.images = images
        self.links = link_table(site, whole, config, locales, generated)
        self.info = self.site_info()
        self.positions = {page.id: index for index, page in enumerate(site.posts)}
        self.shared = digest(
            config.settings_fingerprint(), locales, self.links.addresses(), self.info, whole.translations, sorted(images.values(), key=lambda s: s.dest)
        )
        self._card_digests: dict[int, str] = {}
        self.cards = digest(self.card_list(site.posts), [tag.slug for tag in site.tags])

    def plan(self) -> Iterator[Job]:
        """Yield a job for every output of this locale."""
        for page in (*self.site.pages, *self.site.posts):
            if page.translated:  # an untranslated page is listed here, published in another locale
                yield from self._page_jobs(page)
        for listing in self.site.blog:
            yield self._job("blog.html", listing.dest, {"listing": listing, "tag": None}, self.card_list(listing.posts))
        yield self._job("tags.html", self._tags_dest(), {"tags": self.site.tags}, self.cards)
        if not any(p.id == "home" and p.translated for p in self.site.pages):
            home = locale_prefix(self.locale.code, self.locales.default) + "index.html"
            yield self._job("home.html", home, {"content": Markup("")}, "")
        for tag in self.site.tags:
            for listing in self.site.tag_listings[tag.slug]:
                extra = {"listing": listing, "tag": tag}
                yield self._job("tag.html", listing.dest, extra, (tag.name, self.card_list(listing.posts)))
        if self.locale.code == self.locales.default and not any(p.id == "404" for p in self.site.pages):
            yield self._job("404.html", "404.html", {}, "")

    def _page_jobs(self, page: Page) -> Iterator[Job]:
        template = f"{page.layout}.html"
        newer, older = self._neighbours(page)
        parts = (page_identity(page), newer and page_card(newer), older and page_card(older))
        yield Job(page.dest, self._fingerprint(template, page.dest, parts), lambda: self.render_page(page))
        for attachment in page.document.attachments:
            dest = attachment_dest(page, attachment.name)
            output = Output(dest, attachment.data, frozenset({page.source_rel}))
            yield Job(dest, digest(attachment.data), lambda output=output: (output, ()))  # type: ignore[misc]

    def card_list(self, posts: Sequence[Page]) -> tuple[str, ...]:
        """Return a digest of each post's card; a post is listed on many pages, its digest is taken once."""
        digests = self._card_digests
        for post in posts:
            if id(post) not in digests:
                digests[id(post)] = digest(page_card(post))
        return tuple(digests[id(post)] for post in posts)

    def _job(self, template: str, dest: str, extra: Mapping[str, Any], parts: object) -> Job:
        fingerprint = self._fingerprint(template, dest, parts)
        return Job(dest, fingerprint, lambda: (self._render(template, dest, extra), ()))

    def _fingerprint(self, template: str, dest: str, parts: object) -> str:
        info = self.templates.info(template)
        site_wide = self.cards if info.site_wide else ""
        return digest(self.shared, info.digest, site_wide, dest, self.locale.code, parts)

    def _tags_dest(self) -> str:
        return pretty_dest(locale_prefix(self.locale.code, self.locales.default) + "blog/tags")

    def render_page(self, page: Page) -> tuple[Output, tuple[Problem, ...]]:
        """Render one page or post through its layout."""
        problems: tuple[Problem, ...] = ()
        body = page.document.body
        if page.document.is_template:
            body, problems = rewrite_links(self._template_body(page), page, self.links)
        if self.images:
            body = responsive_images(body, self.images, self.config.base_path)
        newer, older = self._neighbours(page)
        extra = {
            "page": page,
            "content": Markup(localize_labels(body, self.locale)),
            "source_links": self._source_links(page),
            "newer": newer,
            "older": older,
        }
        return self._render(f"{page.layout}.html", page.dest, extra, page), problems

    def _source_links(self, page: Page) -> list[tuple[str, str]]:
        """Resolve the links a reader made (notebook download, Colab, Binder): (UI string key, URL)."""
        links = sorted(page.document.extra_links.items())
        return [(key, page.url + quote(href[len(ATTACHMENT) :]) if href.startswith(ATTACHMENT) else href) for key, href in links]

    def _template_body(self, page: Page) -> str:
        try:
            template = self.env.from_string(page.document.body)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error", page.source_rel, page.document.body_line + exc.lineno - 1) from exc
        try:
            return template.render(self.globals(page))
        except (jinja2.UndefinedError, _MissingTarget) as exc:
            line = _template_line(exc, "<template>")
            raise TemplateError(_message(exc), page.source_rel, page.document.body_line + line - 1 if line else None) from exc

    def _neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        """Return the newer and the older post next to a post."""
        index = self.positions.get(page.id) if page.kind == "post" else None
        if index is None:
            return None, None
        posts = self.site.posts
        return (posts[index - 1] if index > 0 else None), (posts[index + 1] if index + 1 < len(posts) else None)

    def _render(self, template_name: str, dest: str, extra: Mapping[str, Any], page: Page | None = None) -> Output:
        try:
            template = self.env.get_template(template_name)
            html = template.render({**self.globals(page, dest), "dest": dest, **extra})
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error", f"{self.config.templates_dir}/{exc.name}", exc.lineno) from exc
        except jinja2.TemplateNotFound as exc:
            where = page.source_rel if page else None
            raise TemplateError(f"template '{exc.name}' not found in {self.config.templates_dir}/", where) from exc
        except (jinja2.UndefinedError, _MissingTarget) as exc:
            name, line = _failing_template(exc, self.config.templates_path)
            where = f"{self.config.templates_dir}/{name}" if name else template_name
            rendering = f" (rendering {page.source_rel})" if page else ""
            raise TemplateError(_message(exc) + rendering, where, line) from exc
        return Output(dest, html.encode("utf-8"))

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
            "posts": self.site.posts,
            "all_tags": self.site.tags,
            "t": self.text,
            "format_date": self.locale.format_date,
            "url": self.url,
            "link": lambda target: self.link(target, folder),
            "asset": lambda target: self.link(target, ""),
            "absolute": lambda url: absolute_url(url, self.config.base_url),
            "page": page,
        }

    def site_info(self) -> dict[str, Any]:
        """Return the site-wide settings templates show."""
        config = self.config
        menu = [(self._menu_title(item), self._menu_url(item), item) for item in config.menu]
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
            "build_year": config.now.year,
            "giscus": {
                "repo": config.giscus_repo,
                "repo-id": config.giscus_repo_id,
                "category": config.giscus_category,
                "category-id": config.giscus_category_id,
                "mapping": config.giscus_mapping,
                "src": config.giscus_src,
            },
        }

    def _menu_title(self, item: str) -> str:
        if item in ("blog", "home"):
            return self.locale.text("posts" if item == "blog" else "home")
        page = self.links.pages_by_id.get(item)
        if page is None:
            raise SitegenError(f"menu entry '{item}' is not a page id", "pyproject.toml", hint="menu lists page ids such as 'about' or 'blog'")
        return page.title

    def _menu_url(self, item: str) -> str:
        found = self.links.url_of(item)
        assert found is not None  # _menu_title checked it
        return found

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
        found = self.links.url_of(page_id)
        if found is None:
            raise _MissingTarget(f"url('{page_id}'): no page with that id")
        return found

    def link(self, target: str, folder: str) -> str:
        """Return the URL of a file relative to the page's folder (or content/ and static/)."""
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
    return str(exc)


def _failing_template(exc: BaseException, folder: Path) -> tuple[str | None, int | None]:
    """Find the innermost template frame of a rendering error: (template name, line)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.suffix == ".html" and folder in path.parents:
            found = (path.relative_to(folder).as_posix(), frame.lineno)
    return found


def _template_line(exc: BaseException, name: str) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name:
            line = frame.lineno
    return line


def render_assets(assets: Sequence[Source]) -> tuple[Output, ...]:
    """Copy content assets and static files as they are."""
    return tuple(Output(asset.content_rel, asset.path.read_bytes(), frozenset({asset.rel})) for asset in assets)
