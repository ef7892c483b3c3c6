"""The build, top to bottom: config → discover → read → resolve and index → render → write."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.engine.record import BuildRecord, inputs_fingerprint, load_record, save_record
from sitegen.engine.write import MARKER, check_output_folder, update_tree, write_tree
from sitegen.errors import Problem, SitegenError
from sitegen.model import Document, Output, Site, Source
from sitegen.publish.search import SEARCH_DIR, index_site
from sitegen.settings.config import LOCALES_FILE, Config

if TYPE_CHECKING:
    from sitegen.publish.images import ImageSet
    from sitegen.readers import DocumentMemo
    from sitegen.settings.locales import Locales

log = logging.getLogger(__name__)

# Below this many documents a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line and for tests."""

    written: int  # files written or removed (0 when the output was already up to date)
    rendered: int  # outputs rendered through templates this time
    pages: int  # HTML pages in the site
    posts: int  # published posts, all locales
    warnings: tuple[Problem, ...]
    seconds: float
    output_path: Path
    outputs: tuple[Output, ...] = ()  # what this build rendered or generated
    notebooks: int = 0
    notebooks_cached: int = 0

    def summary(self) -> str:
        """Return the one summary line a build prints."""
        if self.rendered == 0 and self.written == 0 and not self.outputs:
            return f"Nothing changed: {self.pages} pages in {self.output_path.name}/ ({self.seconds:.2f} s)"
        state = "nothing changed" if self.written == 0 else f"{self.written} files written"
        warned = f", {len(self.warnings)} warnings" if self.warnings else ""
        notebooks = f", {self.notebooks} notebooks, {self.notebooks_cached} from cache" if self.notebooks else ""
        return (
            f"Built {self.pages} pages ({self.posts} posts{notebooks}){warned} in {self.seconds:.2f} s: "
            f"{state} in {self.output_path.name}/"
        )


def build(
    config: Config, *, output: Path | None = None, jobs: int | None = None, memo: DocumentMemo | None = None
) -> BuildReport:
    """Build the site into the output folder; on any error the old output stays as it was.

    Only outputs whose inputs changed since the last build into the same folder
    are rendered again, and only files whose bytes changed are written.
    """
    started = time.perf_counter()
    out = (output or config.output_path).resolve()
    check_output_folder(out, config)
    # Nothing changed since the last build into this folder: nothing to do.
    inputs = inputs_fingerprint(input_files(config), config.root, _run_options(config, out))
    record = load_record(config.cache_path, out) if (out / MARKER).is_file() else None
    if record is not None and not record.files:
        record = None  # a record that does not list the files cannot drive an in-place update
    if record and record.inputs == inputs and not _is_due(record, config) and not _needs_index(config, out):
        return BuildReport(0, 0, _count_pages(record), 0, record.warnings, time.perf_counter() - started, out)
    return _build_changed(config, out, inputs, record, jobs, memo, started)


def _build_changed(
    config: Config,
    out: Path,
    inputs: str,
    record: BuildRecord | None,
    jobs: int | None,
    memo: DocumentMemo | None,
    started: float,
) -> BuildReport:
    """Run every stage; only outputs whose fingerprint changed are rendered and written."""
    # The stages load Markdown, Jinja, Pygments and Babel: a build with nothing to do never imports them.
    from sitegen.engine.render import make_environment, plan_site, render_assets, render_jobs
    from sitegen.markup.highlight import CSS_DEST, render_pygments_css
    from sitegen.publish.feeds import feed_dests, render_feeds
    from sitegen.publish.sitemap import render_site_files
    from sitegen.site.links import resolve_site_links

    # Read everything and index the site before anything is written.
    locales, documents, site = load_site(config, jobs, memo)
    assets = site.assets
    # Resolve links to the published URLs.
    generated = (CSS_DEST, *feed_dests(site, config, locales))
    site, link_warnings = resolve_site_links(site, config, locales, generated)
    # Measure raster images and make their smaller copies (cached by content hash).
    images, image_outputs = _responsive_images(site, config)
    image_outputs += _social_cards(site, config, locales)
    # Render what changed; feeds, sitemap and copied files are made every time (they are cheap).
    plan = plan_site(site, config, locales, make_environment(config), generated, images)
    previous = record.fingerprints if record else {}
    rendered = render_jobs(plan, previous, present=lambda dest: (out / dest).is_file())
    extras = (render_pygments_css(config), *render_feeds(site, config, locales))
    extras += (*render_site_files(site, sorted(rendered.fingerprints), config, locales), *render_assets(assets))
    extras += image_outputs
    warnings = (*site.warnings, *link_warnings, *rendered.warnings)
    _stop_on_strict(config, warnings)
    # Write: swap a complete new tree in, or update the files that changed.
    files = sorted({*rendered.fingerprints, *(output.dest for output in extras)})
    written = _write(rendered.outputs, extras, files, out, config, record)
    # Search: index the pages just written (one Pagefind index per <html lang>).
    if config.search and (written or _needs_index(config, out)):
        index_site(out)
    republish = site.republish_at.isoformat() if site.republish_at else ""
    save_record(config.cache_path, out, BuildRecord(inputs, rendered.fingerprints, republish, warnings, tuple(files)))
    return BuildReport(
        written=written,
        rendered=len(rendered.outputs),
        pages=sum(1 for dest in rendered.fingerprints if dest.endswith(".html")),
        posts=sum(1 for s in site.locales.values() for p in s.posts if p.translated),
        warnings=warnings,
        seconds=time.perf_counter() - started,
        output_path=out,
        outputs=(*rendered.outputs, *extras),
        notebooks=sum(1 for d in documents if d.source.suffix == ".ipynb"),
        notebooks_cached=sum(1 for d in documents if d.from_cache is True),
    )


def _responsive_images(site: Site, config: Config) -> tuple[Mapping[str, ImageSet], tuple[Output, ...]]:
    """Plan the copies of every raster image and render them (from the cache when it has them)."""
    if not config.responsive_images:
        return {}, ()
    from sitegen.engine.cache import Cache
    from sitegen.publish.images import CACHE_FOLDER, measure_images, raster_files, render_variants

    files = raster_files(site)
    sets = measure_images(files)
    outputs, encoded = render_variants(files, sets, Cache(config.cache_path / CACHE_FOLDER))
    log.debug("%d image copies, %d encoded", len(outputs), encoded)
    return sets, outputs


def _social_cards(site: Site, config: Config, locales: Locales) -> tuple[Output, ...]:
    """Draw a card for each post without an image: (from the cache when it was drawn before)."""
    if not config.social_cards:
        return ()
    from sitegen.engine.cache import Cache
    from sitegen.publish.cards import CACHE_FOLDER, plan_cards, render_cards

    cards = plan_cards(site, config.title, lambda code, date: locales.get(code).format_date(date))
    return render_cards(cards, Cache(config.cache_path / CACHE_FOLDER))


def load_site(
    config: Config, jobs: int | None = None, memo: DocumentMemo | None = None
) -> tuple[Locales, tuple[Document, ...], Site]:
    """Run the stages up to the index: locales, discover, read, resolve and index."""
    from sitegen.engine.render import available_layouts
    from sitegen.readers import READABLE_SUFFIXES
    from sitegen.settings.locales import load_locales
    from sitegen.site.discover import discover_sources
    from sitegen.site.index import Layouts, build_site

    # Settings and locales first: every later stage reads them.
    locales = load_locales(config.root)
    _check_default_locale(config, locales)
    layouts = Layouts(available_layouts(config))
    # Find every source, then read all of them.
    sources = discover_sources(config, READABLE_SUFFIXES, tuple(locales.by_code))
    documents = read_documents([s for s in sources if s.kind in ("page", "post")], config, jobs, memo)
    assets = tuple(s for s in sources if s.kind in ("asset", "static"))
    # Resolve each document per locale; index posts, tags and listings.
    return locales, documents, build_site(documents, assets, config, locales, layouts)


def input_files(config: Config) -> Iterator[Path]:
    """Yield every file a build reads: settings, locales, content, templates and static files."""
    for name in ("pyproject.toml", LOCALES_FILE):
        if (config.root / name).is_file():
            yield config.root / name
    for folder in (config.content_path, config.templates_path, config.static_path):
        if folder.is_dir():
            yield from (path for path in folder.rglob("*") if path.is_file())


def read_documents(
    sources: Sequence[Source], config: Config, jobs: int | None = None, memo: DocumentMemo | None = None
) -> tuple[Document, ...]:
    """Read every content file; report all files that fail, not just the first.

    Files the memo holds unchanged are not read again; files whose conversion
    is not cached are read on every core when there are enough of them.
    """
    from sitegen.readers import is_cheap_to_read

    contents = {source.rel: source.path.read_bytes() for source in sources} if memo else {}
    results: dict[str, Document | SitegenError] = {}
    for source in sources:
        remembered = memo.get(source, contents[source.rel]) if memo else None
        if remembered is not None:
            results[source.rel] = remembered
    pending = [source for source in sources if source.rel not in results]
    slow = [source for source in pending if not is_cheap_to_read(source, config)]
    results.update(_read_many(slow, config, jobs or os.cpu_count() or 1))
    results.update({source.rel: _read_one(source, config) for source in pending if source.rel not in results})
    ordered = [results[source.rel] for source in sources]
    problems = [problem for result in ordered if isinstance(result, SitegenError) for problem in result.problems]
    if problems:
        raise SitegenError.collect(problems)
    documents = tuple(result for result in ordered if isinstance(result, Document))
    if memo:
        memo.keep(documents, contents)
    return documents


def _read_many(sources: Sequence[Source], config: Config, workers: int) -> dict[str, Document | SitegenError]:
    """Read files whose conversion is not cached, on every core when there are enough of them."""
    if workers < 2 or len(sources) < PARALLEL_THRESHOLD:
        return {source.rel: _read_one(source, config) for source in sources}
    chunk = max(1, len(sources) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_read_one, sources, [config] * len(sources), chunksize=chunk)
        return {source.rel: result for source, result in zip(sources, results, strict=True)}


def _read_one(source: Source, config: Config) -> Document | SitegenError:
    """Read one file; a user mistake comes back as a value so every file gets read."""
    from sitegen.readers import read_document

    try:
        return read_document(source, config)
    except SitegenError as error:
        return error


def _write(
    rendered: Sequence[Output], extras: Sequence[Output], files: Sequence[str], out: Path, config: Config, record: BuildRecord | None
) -> int:
    """Update the files that changed when the last build's record is there, else swap in a whole new tree."""
    if record is not None:
        return update_tree((*rendered, *extras), set(files), out, record.files)
    return write_tree((*rendered, *extras), out, config)


def _run_options(config: Config, out: Path) -> tuple[object, ...]:
    """The options of a run that change its output besides the files."""
    return (config.drafts, config.strict, config.search, config.base_url, str(out))


def _is_due(record: BuildRecord, config: Config) -> bool:
    """Tell whether a future-dated post has become due since the recorded build."""
    from datetime import datetime

    return bool(record.republish_at) and datetime.fromisoformat(record.republish_at) <= config.now


def _needs_index(config: Config, out: Path) -> bool:
    """Tell whether search is on but the output has no index (yet, or any more)."""
    return config.search and not (out / SEARCH_DIR / "pagefind.js").is_file()


def _count_pages(record: BuildRecord) -> int:
    return sum(1 for dest in record.fingerprints if dest.endswith(".html"))


def _check_default_locale(config: Config, locales: Locales) -> None:
    if config.default_locale and config.default_locale != locales.default:
        raise SitegenError(
            f"default_locale '{config.default_locale}' differs from locales.yaml's default '{locales.default}'",
            "pyproject.toml",
        )


def _stop_on_strict(config: Config, warnings: Sequence[Problem]) -> None:
    if config.strict and warnings:
        raise SitegenError.collect([Problem(w.message, w.path, w.line, w.column, w.hint) for w in warnings])
