"""Render pages, listings and tag pages through Jinja templates into `Output` values."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError, TemplateError
from urllib.parse import quote

from sitegen.links import ATTACHMENT, LinkTable, attachment_dest, rewrite_links
from sitegen.locales import Locale, Locales
from sitegen.model import Listing, LocaleSite, Output, Page, Site, Source, Tag
from sitegen.urls import absolute_url, locale_prefix, pretty_dest, url_for_dest


class _MissingTarget(Exception):
    """Raised by url() and link() inside a template; turned into a located error."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """What the render stage produced: the files and the warnings it met."""

    outputs: tuple[Output, ...]
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


def link_table(
    site: LocaleSite, all_sites: Site, config: Config, locales: Locales, generated: Sequence[str] = ()
) -> LinkTable:
    """Collect where every page, file and listing of one locale is published."""
    pages = (*site.pages, *site.posts)
    prefix = locale_prefix(site.locale, locales.default)
    special = {
        "home": url_for_dest(prefix + "index.html", config.base_path),
        "blog": site.blog[0].url,
        "tags": url_for_dest(pretty_dest(prefix + "blog/tags"), config.base_path),
        "feed": url_for_dest(prefix + "feed.xml", config.base_path),
        "404": url_for_dest("404.html", config.base_path),
    }
    files = {rel: url_for_dest(rel, config.base_path) for rel in (*generated, *(a.content_rel for a in all_sites.assets))}
    return LinkTable(
        pages_by_source={page.document.source.content_rel: page for page in pages}
        | {_original_rel(page): page for page in pages},
        pages_by_id={page.id: page for page in pages},
        files=files,
        special=special,
        base_path=config.base_path,
    )


def _original_rel(page: Page) -> str:
    source = page.document.source
    if not source.locale:
        return source.content_rel
    return source.content_rel.replace(f".{source.locale}.", ".", 1)


def render_site(
    site: Site, config: Config, locales: Locales, env: jinja2.Environment, generated: Sequence[str] = ()
) -> Rendered:
    """Render every page of every locale, plus listings, tag pages and the 404 page.

    `generated` names the files other stages make (css/pygments.css, feeds), so links to them resolve.
    """
    outputs: list[Output] = []
    warnings: list[Problem] = []
    for code, locale_site in site.locales.items():
        context = SiteContext(locale_site, site, config, locales, locales.get(code), env, generated)
        for output, problems in context.render_all():
            outputs.append(output)
            warnings.extend(problems)
    return Rendered(tuple(outputs), tuple(dict.fromkeys(warnings)))


class SiteContext:
    """Renders one locale of the site; holds what every template of that locale sees."""

    def __init__(
        self,
        site: LocaleSite,
        whole: Site,
        config: Config,
        locales: Locales,
        locale: Locale,
        env: jinja2.Environment,
        generated: Sequence[str] = (),
    ) -> None:
        self.site = site
        self.whole = whole
        self.config = config
        self.locales = locales
        self.locale = locale
        self.env = env
        self.links = link_table(site, whole, config, locales, generated)

    def render_all(self) -> Iterator[tuple[Output, tuple[Problem, ...]]]:
        """Yield every output of this locale with the warnings met while rendering it."""
        for page in (*self.site.pages, *self.site.posts):
            if not page.translated:
                continue  # published in another locale; listed here only
            yield self.render_page(page)
            for attachment in page.document.attachments:
                dest = attachment_dest(page, attachment.name)
                yield Output(dest, attachment.data, frozenset({page.source_rel})), ()
        for listing in self.site.blog:
            yield self._render("blog.html", listing.dest, {"listing": listing, "tag": None}), ()
        yield self._render("tags.html", self._tags_dest(), {"tags": self.site.tags}), ()
        if not any(p.id == "home" and p.translated for p in self.site.pages):
            home = locale_prefix(self.locale.code, self.locales.default) + "index.html"
            yield self._render("home.html", home, {"content": Markup("")}), ()
        for tag in self.site.tags:
            for listing in self.site.tag_listings[tag.slug]:
                yield self._render("tag.html", listing.dest, {"listing": listing, "tag": tag}), ()
        if self.locale.code == self.locales.default and not any(p.id == "404" for p in self.site.pages):
            yield self._render("404.html", "404.html", {}), ()

    def _tags_dest(self) -> str:
        return pretty_dest(locale_prefix(self.locale.code, self.locales.default) + "blog/tags")

    def render_page(self, page: Page) -> tuple[Output, tuple[Problem, ...]]:
        """Render one page or post through its layout."""
        body = self._body(page)
        source_text = _read_source_text(page.document.source)
        body, problems = rewrite_links(body, page, self.links, source_text)
        summary, _ = rewrite_links(page.summary, page, self.links, source_text)
        page = replace(page, summary=summary)
        extra = {
            "page": page,
            "content": Markup(body),
            "source_links": self._source_links(page),
            **self._neighbours(page),
        }
        return self._render(f"{page.layout}.html", page.dest, extra, page), problems

    def _source_links(self, page: Page) -> list[tuple[str, str]]:
        """Resolve the links a reader made (notebook download, Colab, Binder): (UI string key, URL)."""
        return [
            (key, self.url_for_link(page, href)) for key, href in sorted(page.document.extra_links.items())
        ]

    def url_for_link(self, page: Page, href: str) -> str:
        """Resolve one link a reader made: an attachment of the page or an external URL."""
        if href.startswith(ATTACHMENT):
            return page.url + quote(href[len(ATTACHMENT) :])
        return href

    def _body(self, page: Page) -> str:
        if not page.document.is_template:
            return page.document.body
        try:
            template = self.env.from_string(page.document.body)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error", page.source_rel, page.document.body_line + exc.lineno - 1) from exc
        try:
            return template.render(self.globals(page))
        except (jinja2.UndefinedError, _MissingTarget) as exc:
            line = _template_line(exc, "<template>")
            raise TemplateError(_message(exc), page.source_rel, page.document.body_line + line - 1 if line else None) from exc

    def _neighbours(self, page: Page) -> dict[str, Page | None]:
        if page.kind != "post" or page not in self.site.posts:
            return {"newer": None, "older": None}
        index = self.site.posts.index(page)
        newer = self.site.posts[index - 1] if index > 0 else None
        older = self.site.posts[index + 1] if index + 1 < len(self.site.posts) else None
        return {"newer": newer, "older": older}

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
        return Output(dest, html.encode("utf-8"), frozenset(_deps(page, template_name)))

    def alternates(self, dest: str, page: Page | None) -> list[tuple[Locale, str]]:
        """Return (locale, url) of this output in every built locale that has it, in build order."""
        if dest == "404.html":
            return []
        if page is not None:
            found = self.whole.alternates(page.key)
        else:
            rest = dest.removeprefix(locale_prefix(self.locale.code, self.locales.default))
            found = {
                code: url_for_dest(locale_prefix(code, self.locales.default) + rest, self.config.base_path)
                for code in self.locales.build
            }
        return [(self.locales.get(code), found[code]) for code in self.locales.build if code in found]

    def globals(self, page: Page | None, dest: str = "") -> dict[str, Any]:
        """Return what every template sees: site, locale, text and URL helpers."""
        folder = page.document.source.folder if page else ""
        alternates = self.alternates(dest or (page.dest if page else ""), page)
        return {
            "alternates": alternates,
            "default_locale": self.locales.default_locale,
            "site": self.site_info(),
            "locale": self.locale,
            "locales": self.locales,
            "posts": self.site.posts,
            "all_tags": self.site.tags,
            "t": self.locale.text,
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
        menu = [(self._menu_title(item), self.url(item), item) for item in config.menu]
        return {
            "title": config.title,
            "author": config.author,
            "description": config.description,
            "email": config.email,
            "base_url": config.base_url,
            "base_path": config.base_path,
            "menu": menu,
            "repository": config.repository,
            "build_year": config.now.year,
        }

    def _menu_title(self, item: str) -> str:
        if item == "blog":
            return self.locale.text("posts")
        if item == "home":
            return self.locale.text("home")
        page = self.links.pages_by_id.get(item)
        if page is None:
            raise SitegenError(f"menu entry '{item}' is not a page id", "pyproject.toml", hint="menu lists page ids such as 'about' or 'blog'")
        return page.title

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


def _deps(page: Page | None, template_name: str) -> list[str]:
    deps = [f"template:{template_name}"]
    if page is not None:
        deps.append(page.source_rel)
    return deps


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


def _read_source_text(source: Source) -> str:
    try:
        return source.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def render_assets(assets: Sequence[Source]) -> tuple[Output, ...]:
    """Copy content assets and static files as they are."""
    return tuple(Output(asset.content_rel, asset.path.read_bytes(), frozenset({asset.rel})) for asset in assets)


Renderer = Callable[[Site, Config, Locales], Sequence[Output]]
