"""The build, top to bottom: config → discover → read → resolve and index → render → write."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import Config
from sitegen.discover import discover_sources
from sitegen.errors import Problem, SitegenError
from sitegen.feeds import feed_dests, render_feeds
from sitegen.highlight import CSS_DEST, render_pygments_css
from sitegen.sitemap import render_site_files
from sitegen.index import Layouts, build_site
from sitegen.locales import Locales, load_locales
from sitegen.model import Document, Output, Source
from sitegen.readers import READABLE_SUFFIXES, read_document
from sitegen.render import available_layouts, make_environment, render_assets, render_site
from sitegen.write import write_tree

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line and for tests."""

    outputs: tuple[Output, ...]
    written: int  # files written (0 when the output was already up to date)
    pages: int  # HTML pages among the outputs
    posts: int
    warnings: tuple[Problem, ...]
    seconds: float
    output_path: Path

    def summary(self) -> str:
        """Return the one summary line a build prints."""
        state = "unchanged" if self.written == 0 else f"{self.written} files written"
        warned = f", {len(self.warnings)} warnings" if self.warnings else ""
        return f"Built {self.pages} pages ({self.posts} posts){warned} in {self.seconds:.2f} s: {state} in {self.output_path.name}/"


def build(config: Config, *, output: Path | None = None) -> BuildReport:
    """Build the whole site into the output folder; on any error the old output stays as it was."""
    started = time.perf_counter()
    # Settings and locales first: every later stage reads them.
    locales = load_locales(config.root)
    _check_default_locale(config, locales)
    layouts = Layouts(available_layouts(config))
    # Find every source, then read all of them before anything is written.
    sources = discover_sources(config, READABLE_SUFFIXES, tuple(locales.by_code))
    documents = read_documents([s for s in sources if s.kind in ("page", "post")], config)
    assets = tuple(s for s in sources if s.kind in ("asset", "static"))
    # Resolve each document per locale and index posts, tags and listings.
    site = build_site(documents, assets, config, locales, layouts)
    # Render every page, then the files copied as they are.
    generated = (CSS_DEST, *feed_dests(site, config, locales))
    rendered = render_site(site, config, locales, make_environment(config), generated)
    outputs = (*rendered.outputs, render_pygments_css(config), *render_feeds(site, config, locales))
    outputs += (*render_site_files(site, outputs, config, locales), *render_assets(site.assets))
    warnings = (*site.warnings, *rendered.warnings)
    _stop_on_strict(config, warnings)
    # Swap the complete new tree in.
    out = output or config.output_path
    written = write_tree(outputs, out, config)
    return BuildReport(
        outputs=tuple(outputs),
        written=written,
        pages=sum(1 for o in outputs if o.dest.endswith(".html")),
        posts=sum(1 for s in site.locales.values() for p in s.posts if p.translated),
        warnings=warnings,
        seconds=time.perf_counter() - started,
        output_path=out,
    )


def read_documents(sources: Sequence[Source], config: Config) -> tuple[Document, ...]:
    """Read every content file; report all files that fail, not just the first."""
    documents: list[Document] = []
    problems: list[Problem] = []
    for source in sources:
        try:
            documents.append(read_document(source, config))
        except SitegenError as error:
            problems.extend(error.problems)
    if problems:
        raise SitegenError.collect(problems)
    return tuple(documents)


def _check_default_locale(config: Config, locales: Locales) -> None:
    if config.default_locale and config.default_locale != locales.default:
        raise SitegenError(
            f"default_locale '{config.default_locale}' differs from locales.yaml's default '{locales.default}'",
            "pyproject.toml",
        )


def _stop_on_strict(config: Config, warnings: Sequence[Problem]) -> None:
    if config.strict and warnings:
        raise SitegenError.collect([Problem(w.message, w.path, w.line, w.column, w.hint) for w in warnings])
