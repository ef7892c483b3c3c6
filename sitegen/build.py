"""The build, top to bottom: config → discover → read → resolve and index → links → plan → render → write."""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.engine.plan import TEMPLATE_KINDS, Job
from sitegen.engine.record import BuildRecord, digest, lock_path, save_record
from sitegen.engine.stale import (
    fingerprint,
    inputs_digest,
    is_present,
    is_up_to_date,
    stale_jobs,
    trusted_record,
)
from sitegen.engine.write import (
    MARKER,
    Spare,
    Staging,
    changed_outputs,
    check_output_folder,
    mark_build,
    output_lock,
    read_build_id,
    recover,
)
from sitegen.errors import Problem, SitegenError
from sitegen.model import Document, Output, Site, Source
from sitegen.settings.config import Config

if TYPE_CHECKING:
    from sitegen.engine.memo import BuildMemo
    from sitegen.engine.render import Made
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
    config: Config, *, output: Path | None = None, jobs: int | None = None, memo: BuildMemo | None = None
) -> BuildReport:
    """Build the site into the output folder: it ends as the old site or the new one, never a mix.

    Only outputs whose inputs changed since the last build into the same folder
    are rendered again (engine/stale.py), and only files whose bytes changed are written.
    A long-running process (the preview) passes the same `memo` to every build:
    unchanged files are not read again, nor their digests and templates taken again.
    """
    started = time.perf_counter()
    out = (output or config.output_path).resolve()
    check_output_folder(out, config)
    with output_lock(lock_path(config.cache_path, out)):
        # What a killed build left goes first; a record that does not name the tree on disk is not used.
        recover(out)
        inputs = inputs_digest(config, out)
        record = trusted_record(config, out)
        if record is not None and is_up_to_date(record, inputs, config, out):
            return BuildReport(0, 0, _count_pages(record.fingerprints), 0, record.warnings, time.perf_counter() - started, out)
        return _build_changed(config, out, inputs, record, jobs, memo, started)


def _build_changed(
    config: Config,
    out: Path,
    inputs: str,
    record: BuildRecord | None,
    jobs: int | None,
    memo: BuildMemo | None,
    started: float,
) -> BuildReport:
    """Run every stage; only stale outputs are rendered, and the new tree replaces the old one in one step."""
    # The stages load Markdown, Jinja, Pygments and Babel: a build with nothing to do never imports them.
    from sitegen.engine.deps import PageDigests, TemplateDigests
    from sitegen.engine.plan import plan_cards, plan_site
    from sitegen.engine.render import make_contexts, make_environment
    from sitegen.engine.templates import template_label
    from sitegen.engine.workers import render_all
    from sitegen.jekyll.redirects import plan_redirects
    from sitegen.markup.highlight import CSS_DEST
    from sitegen.portfolio.stage import cite_site, load_portfolio
    from sitegen.publish.feeds import feed_dests
    from sitegen.site.links import resolve_site_links

    # Read everything and index the site before anything is written.
    locales, documents, site = load_site(config, jobs, memo.documents if memo else None)
    portfolio = load_portfolio(config)
    # Resolve links to the published URLs.
    generated = (CSS_DEST, *feed_dests(site, config, locales))
    site, link_warnings = resolve_site_links(site, config, locales, generated)
    # Format citations against the site's bibliography, per locale.
    site = cite_site(site, portfolio, config, locales)
    # Measure raster images; their smaller copies and the posts' social cards come from the cache when it has them.
    images, image_jobs = _responsive_images(site, config)
    card_jobs = tuple(plan_cards(site, config, locales))
    # Plan every output with its inputs, then make the stale ones.
    env = make_environment(config)
    contexts = make_contexts(site, config, locales, env, generated, portfolio, images)
    labels = functools.partial(template_label, config=config)
    templates, pages = TemplateDigests(env, labels, memo), PageDigests(memo)
    planned = plan_site(site, config, locales, contexts, templates, pages) + image_jobs + card_jobs
    templates.remember()
    pages.remember()
    _stop_on_collisions(planned, config)
    # Old URLs (`redirect_from:`, `aliases:`, an old feed path) answer too; they are listed nowhere.
    redirects, redirect_warnings = plan_redirects(site, config, planned)
    planned = (*planned, *redirects)
    stale = stale_jobs(planned, record, lambda dest: is_present(out, dest))
    made, cleaned = _clean_outputs(render_all([job for job in stale if job.kind != "search"], contexts, jobs), stale)
    made_warnings = dict.fromkeys(w for result in made.values() for w in result.warnings)
    warnings = (*site.warnings, *link_warnings, *redirect_warnings, *made_warnings, *cleaned)
    _stop_on_strict(config, warnings)
    # Write: the new tree, search index included, takes the old one's place; then the record says so.
    new_record = _new_record(inputs, planned, made, record, site, warnings)
    index = any(job.kind == "search" for job in stale)
    outputs = [result.output for result in made.values()]
    written, new_record = _write(out, outputs, planned, record, new_record, index, search_stamp(config, out))
    save_record(config.cache_path, out, new_record)
    return BuildReport(
        written=written,
        rendered=sum(1 for job in stale if job.kind in TEMPLATE_KINDS),
        pages=_count_pages(new_record.fingerprints),
        posts=sum(1 for s in site.locales.values() for p in s.posts if p.translated),
        warnings=warnings,
        seconds=time.perf_counter() - started,
        output_path=out,
        outputs=tuple(outputs),
        notebooks=sum(1 for d in documents if d.source.suffix == ".ipynb"),
        notebooks_cached=sum(1 for d in documents if d.from_cache is True),
    )


def _responsive_images(site: Site, config: Config) -> tuple[Mapping[str, ImageSet], tuple[Job, ...]]:
    """Plan the copies of every raster image and make them (from the cache when it has them)."""
    if not config.responsive_images:
        return {}, ()
    from sitegen.engine.cache import Cache
    from sitegen.engine.plan import file_job
    from sitegen.publish.images import (
        CACHE_FOLDER,
        measure_images,
        raster_files,
        render_variants,
        social_images,
    )

    files = raster_files(site)
    sets = measure_images(files, social_images(site, config.base_path, config.image))
    made = render_variants(files, sets, Cache(config.cache_path / CACHE_FOLDER))
    log.debug("%d image copies, %d encoded", len(made.outputs), made.encoded)
    return made.sets, tuple(file_job(output) for output in made.outputs)


def load_site(
    config: Config, jobs: int | None = None, memo: DocumentMemo | None = None
) -> tuple[Locales, tuple[Document, ...], Site]:
    """Run the stages up to the index: locales, discover, read, resolve and index."""
    from sitegen.engine.templates import available_layouts
    from sitegen.readers import READABLE_SUFFIXES
    from sitegen.settings.locales import load_locales
    from sitegen.site.discover import discover_sources, outside_links
    from sitegen.site.index import Layouts, build_site

    # Settings and locales first: every later stage reads them.
    locales = load_locales(config.root)
    _check_default_locale(config, locales)
    layouts = Layouts(available_layouts(config))
    # Find every source (links out of the site are never read), then read all of them.
    skipped = outside_links(config)
    if skipped and config.outside_links == "error":
        raise SitegenError.collect(skipped)
    sources = discover_sources(config, READABLE_SUFFIXES, tuple(locales.by_code))
    documents = read_documents([s for s in sources if s.kind in ("page", "post")], config, jobs, memo)
    assets = tuple(s for s in sources if s.kind in ("asset", "static"))
    # Resolve each document per locale; index posts, tags and listings.
    site = build_site(documents, assets, config, locales, layouts)
    return locales, documents, replace(site, warnings=(*skipped, *site.warnings))


def read_documents(
    sources: Sequence[Source], config: Config, jobs: int | None = None, memo: DocumentMemo | None = None
) -> tuple[Document, ...]:
    """Read every content file; report all files that fail, not just the first.

    Files the memo holds unchanged are not read again; files whose conversion
    is not cached are read on every core when there are enough of them.
    """
    from sitegen.jekyll.frontmatter import is_liquid
    from sitegen.readers import is_cheap_to_read

    contents = {source.rel: source.path.read_bytes() for source in sources} if memo else {}
    results: dict[str, Document | SitegenError] = {}
    for source in sources:
        remembered = memo.get(source, contents[source.rel]) if memo else None
        # A Liquid page also depends on its includes, data and the other posts: read it again.
        if remembered is not None and not is_liquid(remembered.meta, config):
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
    from sitegen.engine.workers import die_with_parent

    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        results = pool.map(_read_one, sources, [config] * len(sources), chunksize=chunk)
        return {source.rel: result for source, result in zip(sources, results, strict=True)}


def _read_one(source: Source, config: Config) -> Document | SitegenError:
    """Read one file; a user mistake comes back as a value so every file gets read."""
    from sitegen.readers import read_document

    try:
        return read_document(source, config)
    except SitegenError as error:
        return error
    except (ValueError, TypeError, LookupError, ArithmeticError, RecursionError, OSError) as exc:
        # What a reader did not foresee still names the file, instead of stopping the build with a traceback.
        reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{exc} ({type(exc).__name__})"
        unforeseen = SitegenError(f"cannot read this file: {reason}", source.rel)
        unforeseen.__cause__ = exc
        return unforeseen


def _new_record(
    inputs: str, planned: Sequence[Job], made: Mapping[str, Made], record: BuildRecord | None, site: Site, warnings: Sequence[Problem]
) -> BuildRecord:
    """Record each output's fingerprint: new for what was made, as recorded for the rest."""
    fingerprints: dict[str, str] = {}
    reads: dict[str, tuple[str, ...]] = {}
    for job in planned:
        result = made.get(job.dest)
        if result is None and record is not None and job.kind != "search":
            fingerprints[job.dest] = record.fingerprints[job.dest]
            reads[job.dest] = record.reads.get(job.dest, ())
        else:
            reads[job.dest] = result.reads if result else ()
            fingerprints[job.dest] = fingerprint(job, reads[job.dest])
    republish = site.republish_at.isoformat() if site.republish_at else ""
    return BuildRecord(inputs, fingerprints, republish, tuple(warnings), {dest: names for dest, names in reads.items() if names})


def _write(
    out: Path,
    outputs: Sequence[Output],
    planned: Sequence[Job],
    record: BuildRecord | None,
    new: BuildRecord,
    index: bool,
    stamp: Path,
) -> tuple[int, BuildRecord]:
    """Put the new tree in place in one step; return how many files were written or removed, and the record.

    With a trusted record only the changed files are written and the files no
    longer made removed; without one, every file not planned goes.
    """
    from sitegen.publish.search import index_site

    dests = {job.dest for job in planned}
    changed = changed_outputs(outputs, out) if record is not None else list(outputs)
    gone = sorted(set(record.fingerprints) - dests) if record is not None else []
    if record is not None and not changed and not gone and not index:
        if read_build_id(out) != new.build_id:
            mark_build(out, new.build_id)  # same files, other fingerprints (a template comment changed)
        return 0, replace(new, spare=record.spare, delta=record.delta)
    spare = Spare(record.spare, record.delta) if record is not None and record.spare else None
    with Staging(out, spare) as staging:
        if record is None:
            changed = changed_outputs(outputs, staging.path)
            gone = [rel for rel in staging.files() if rel not in dests and rel != MARKER]
        sources = {job.dest: job.source for job in planned}
        staging.write(changed, sources)
        staging.remove(gone)
        searched = index_site(staging.path, stamp, sources) if index else ()
        staging.commit(new.build_id)
    delta = (*(output.dest for output in changed), *gone, *searched)
    return len(changed) + len(gone), replace(new, spare=staging.replaced, delta=tuple(sorted(set(delta))))


def search_stamp(config: Config, out: Path) -> Path:
    """Return where the fingerprint of the pages in the output folder's search index is kept."""
    return config.cache_path / f"search-{digest(str(out))[:16]}.txt"


def _count_pages(fingerprints: Mapping[str, str]) -> int:
    return sum(1 for dest in fingerprints if dest.endswith(".html"))


def _check_default_locale(config: Config, locales: Locales) -> None:
    if config.default_locale and config.default_locale != locales.default:
        raise SitegenError(
            f"default_locale '{config.default_locale}' differs from locales.yaml's default '{locales.default}'",
            config.settings_file,
        )


def _clean_outputs(made: Mapping[str, Made], stale: Sequence[Job]) -> tuple[dict[str, Made], tuple[Problem, ...]]:
    """Remove control characters XML and HTML cannot carry that reached a rendered page or feed (copies stay as they are)."""
    from sitegen.publish.xmltext import clean_output

    copied = {job.dest for job in stale if _is_from_source(job) and job.kind != "page"}
    cleaned: dict[str, Made] = {}
    problems: list[Problem] = []
    for dest, result in made.items():
        output, problem = (result.output, None) if dest in copied else clean_output(result.output)
        cleaned[dest] = replace(result, output=output) if problem else result
        problems += [problem] if problem else []
    return cleaned, tuple(problems)


def _stop_on_collisions(planned: Sequence[Job], config: Config) -> None:
    """Stop when a source would write a generated file (a feed, the sitemap, a tag page, a locale's home)."""
    from sitegen.site.collisions import generated_collisions

    owners = [(job.dest, job.source if _is_from_source(job) else "") for job in planned if job.kind != "search"]
    problems = generated_collisions(owners, config.search)
    if problems:
        raise SitegenError.collect(problems)


def _is_from_source(job: Job) -> bool:
    """Tell whether a job writes a content file's own output: its page, a copy, or a file its reader made."""
    return job.kind in ("page", "copy") or (job.kind == "file" and bool(job.source))


def _stop_on_strict(config: Config, warnings: Sequence[Problem]) -> None:
    if config.strict and warnings:
        raise SitegenError.collect([Problem(w.message, w.path, w.line, w.column, w.hint) for w in warnings])
