"""`sitegen serve`: build into a preview folder, serve it, rebuild on every save and reload the browser.

The preview builds with the same engine as `sitegen build` (only stale outputs
are rendered), into a folder of its own under the cache so it never touches
the deployable `_site/`. A watcher thread gathers each burst of saves into one
rebuild; the server sorts the changes (content, template, static, config) for
the log line and to decide how the browser updates: changed stylesheets are
swapped in place, anything else reloads the page. A failed build shows its
problems in the terminal and in the browser, and the server keeps running.
"""

from __future__ import annotations

import argparse
import logging
import threading
import webbrowser
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Self

from tornado.netutil import bind_sockets

from sitegen.build import BuildReport, build
from sitegen.engine.memo import BuildMemo
from sitegen.errors import SitegenError
from sitegen.serve.http import HttpServer, Showing, is_loopback, reload_message
from sitegen.serve.watch import Change, Watcher, classify_changes, describe_changes
from sitegen.settings.config import Config
from sitegen.site.urls import url_for_dest

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def run(args: argparse.Namespace) -> int:
    """Serve the site until Ctrl+C."""
    from sitegen.cli import config_from_args

    if not is_loopback(args.host):
        log.warning(
            "warning: serving on %s makes the preview reachable from other machines; "
            "use --host 127.0.0.1 unless that is what you want",
            args.host,
        )
    preview = Preview(lambda: config_from_args(args), host=args.host, port=args.port)
    try:
        preview.start()
        log.info("Serving %s (Ctrl+C to stop)", preview.url)
        if args.open:
            webbrowser.open(preview.url)
        threading.Event().wait()
    except KeyboardInterrupt:
        log.info("Stopped")
    finally:
        preview.stop()
    return 0


def preview_output(config: Config) -> Path:
    """Return the preview's own output folder, beside the build cache (never the deployable _site/)."""
    return config.cache_path / "serve" / "preview"


def reload_paths(changes: Collection[Change], report: BuildReport | None, base_path: str) -> tuple[str, ...]:
    """Return the paths to announce: each stylesheet's URL when only stylesheets changed, else the base path.

    The livereload client swaps a stylesheet in place only when the path it is
    sent ends in `.css`; any other path reloads the page.
    """
    changed = {change.rel for change in changes}
    if report is not None and changed and all(rel.endswith(".css") for rel in changed):
        styles = [output for output in report.outputs if output.dest.endswith(".css") and output.deps & changed]
        made_from = set().union(*(output.deps for output in styles)) & changed
        if made_from == changed:
            return tuple(sorted(url_for_dest(output.dest, base_path) for output in styles))
    return (base_path,)


class Preview:
    """A running preview: the first build, the HTTP server and the watcher; a context manager.

    `load_config` is called before every build, so edited settings apply and
    the clock moves on (a future post appears when it becomes due).
    """

    def __init__(
        self,
        load_config: Callable[[], Config],
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        interval: float = 0.1,
        settle: float = 0.15,
    ) -> None:
        self._load_config = load_config
        self._host = host
        self._port = port
        self._interval = interval  # seconds between polls of the sources
        self._settle = settle  # a burst of saves ends after this long without one
        self.config = load_config()  # the settings of the last build that could read them
        self.showing = Showing(preview_output(self.config).resolve(), self.config.base_path)
        self.rebuilds = 0  # builds after the first, failed ones included
        self._memo = BuildMemo()  # the last build's documents, digests and template parses, kept for the next
        self._idle = threading.Event()  # set while no build runs; requests wait for it (none before the first build)
        self._watcher: Watcher | None = None
        self._http: HttpServer | None = None

    @property
    def url(self) -> str:
        """Return the site's address on this server."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        port = self._http.port if self._http else self._port
        return f"http://{host}:{port}{self.showing.base_path}"

    def start(self) -> None:
        """Listen, build the site, then watch the sources; requests made during the first build wait for it."""
        try:
            sockets = bind_sockets(self._port, self._host)
        except OSError as error:
            raise SitegenError(f"cannot listen on {self._host}:{self._port}: {error.strerror}", hint="choose another --port") from error
        self._http = HttpServer(sockets, lambda: self.showing, self._idle, loopback_only=is_loopback(self._host))
        try:
            self._http.start()
            # The watcher's first snapshot comes before the build, so a save during the build is not lost.
            self._watcher = Watcher(lambda: self.config, self.rebuild, interval=self._interval, settle=self._settle)
            self._build()
            self._watcher.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop watching and serving."""
        if self._watcher is not None:
            self._watcher.stop()
        if self._http is not None:
            self._http.stop()

    def wait_until_settled(self, timeout: float = 10.0) -> bool:
        """Wait until every save made before this call has been built (for tests and benchmarks)."""
        return self._watcher is not None and self._watcher.wait_until_settled(timeout)

    def rebuild(self, changed: Collection[str]) -> None:
        """Rebuild after a burst of saves and tell the browsers what to update."""
        changes = classify_changes(changed, self.config)
        log.info("Changed %s", describe_changes(changes))
        had_failed = bool(self.showing.failure)
        report = self._build()
        self.rebuilds += 1
        if report is None or had_failed:
            paths: tuple[str, ...] = (self.showing.base_path,)  # show the error page, or the site again
        elif report.written == 0:
            return  # saved without a difference in the output: nothing to reload
        else:
            paths = reload_paths(changes, report, self.showing.base_path)
        if self._http is not None:
            self._http.send([reload_message(path) for path in paths])

    def _build(self) -> BuildReport | None:
        """Build once; a failure is shown in the terminal and the browser instead of stopping the server."""
        self._idle.clear()
        try:
            report, failure = self._try_build()
            self.showing = replace(self.showing, failure=failure)
        finally:
            self._idle.set()
        if failure:
            log.error("%s", failure)
        elif report is not None:
            for problem in report.warnings:
                log.warning("%s", problem.format())
            log.info("%s", report.summary())
        return report

    def _try_build(self) -> tuple[BuildReport | None, str]:
        try:
            self.config = config = self._load_config()
            self.showing = Showing(preview_output(config).resolve(), config.base_path, self.showing.failure)
            return build(config, output=self.showing.output_path, memo=self._memo), ""
        except SitegenError as error:
            return None, error.format()
        except Exception as error:  # an engine bug must not stop the preview:
            # the traceback goes to the terminal and the message to the browser, and the next save retries.
            log.exception("internal error while building")
            return None, f"internal error: {type(error).__name__}: {error} (the traceback is in the terminal)"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
