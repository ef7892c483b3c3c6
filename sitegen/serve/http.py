"""The preview's HTTP side: map request paths to built files, show build errors, speak live reload.

The WebSocket endpoint (`/livereload`) and the client script (`/livereload.js`)
are the `livereload` package's own handlers, so the package keeps speaking its
protocol; this module only decides which files may be served and when to tell
the browsers to reload. Nothing here writes a file: every route answers GET
(and HEAD) only, so POST, PUT and DELETE get 405.
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import json
import logging
import mimetypes
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import escape, web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError

from sitegen.engine.write import MARKER

log = logging.getLogger(__name__)

# A request that arrives during a rebuild waits for it (so no half-written site
# is served, as in mkdocs' livereload server) but never longer than this.
BUILD_WAIT = 60.0
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Showing:
    """What the server shows; the builder swaps in a new value after each build."""

    output_path: Path  # the preview's own output folder
    base_path: str  # "/" or "/portfolio/": the site is served under it
    failure: str = ""  # the problems of the last build, one per line ("" when it succeeded)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request path leads: a file, a redirect, or nothing (404)."""

    path: Path | None = None  # the file to send
    location: str = ""  # redirect here instead
    too_long: bool = False  # the path is longer than any the site has: 414


# Longer request paths are answered 414 before any file-system call (a name over 255 bytes is an OSError).
MAX_REQUEST_PATH = 2048


def resolve_request(raw_path: str, base_path: str, out: Path) -> Target:
    """Map a request's raw (still percent-encoded) path to a file inside the output folder.

    Anything that could leave the folder is a miss: `..` and `.` segments,
    encoded separators, empty segments (`//etc/passwd`), hidden names and
    symbolic links that resolve outside. `/` and the base path without its
    slash redirect to the base path.
    """
    if len(raw_path) > MAX_REQUEST_PATH:
        return Target(too_long=True)
    if not raw_path.startswith("/") or _ENCODED_SEPARATOR.search(raw_path):
        return Target()
    try:
        url = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return Target()
    if base_path != "/" and url in ("/", base_path.rstrip("/")):
        return Target(location=base_path)
    if not url.startswith(base_path) or "\\" in url or "\x00" in url:
        return Target()
    rest = url[len(base_path) :]
    is_folder = rest == "" or rest.endswith("/")
    names = rest.split("/")[:-1] if is_folder else rest.split("/")
    if any(not name or name.startswith(".") for name in names):
        return Target()
    candidate = out.joinpath(*names)
    try:
        if not is_folder and candidate.is_dir():
            return Target(location=raw_path + "/")
        return _inside(candidate / "index.html" if is_folder else candidate, out)
    except (OSError, ValueError):  # a name too long for the file system, or a link loop: nothing to serve
        return Target()


def _inside(path: Path, out: Path) -> Target:
    """Return the file if it exists and, with links resolved, lies inside the output folder."""
    resolved = path.resolve()
    root = out.resolve()
    if resolved.is_file() and resolved.is_relative_to(root) and resolved.name != MARKER:
        return Target(path=resolved)
    return Target()


def is_loopback(host: str) -> bool:
    """Tell whether an address (or a Host header's name) is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def is_same_origin(origin: str, host: str) -> bool:
    """Tell whether an Origin header names the host (and port) the request was sent to."""
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and bool(host) and parts.netloc.lower() == host.lower()


def is_page_request(raw_path: str) -> bool:
    """Tell whether a request asks for an HTML page (a folder, a .html file or a name without suffix)."""
    last = raw_path.rsplit("/", 1)[-1]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


def live_script(port: int) -> bytes:
    """Return the tag that loads the live-reload client from this server (never a CDN)."""
    return f'<script src="/livereload.js?port={port}"></script>'.encode()


def inject_script(page: bytes, script: bytes) -> bytes:
    """Put the live-reload script before `</head>` (or `</body>`, or at the end)."""
    for closing in (b"</head>", b"</body>"):
        index = page.lower().find(closing)
        if index >= 0:
            return page[:index] + script + page[index:]
    return page + script


def render_error_page(failure: str) -> bytes:
    """Render the page shown instead of every page while the last build failed."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · sitegen</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }}
pre {{ background: #fff1f0; border-left: 4px solid #c0392b; padding: 1rem; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>Build failed</h1>
<pre>{html.escape(failure)}</pre>
<p>Fix the file and save it: this page reloads by itself.</p>
</body>
</html>
""".encode()


def reload_message(path: str) -> str:
    """Return the protocol's reload command; the client swaps a stylesheet in place when `path` ends in .css."""
    return json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": False})


class Browsers:
    """The WebSocket clients of one server; touched on the server's event loop only."""

    def __init__(self) -> None:
        self.open: set[ReloadSocket] = set()
        self.listening: set[ReloadSocket] = set()  # completed the hello/info handshake

    def send(self, message: str) -> None:
        """Send a message to every browser that finished the handshake."""
        for browser in list(self.listening):
            try:
                browser.write_message(message)
            except WebSocketClosedError:
                self.listening.discard(browser)

    def close_all(self) -> None:
        """Close every connection (the server is stopping)."""
        for browser in list(self.open):
            browser.close()


def check_host(handler: web.RequestHandler, loopback_only: bool) -> None:
    """Refuse a request whose Host header names another machine while serving on loopback.

    A web page can point a name it controls at 127.0.0.1 (DNS rebinding) and
    then read the preview, drafts included; such requests carry its name.
    """
    if loopback_only and not is_loopback(handler.request.host_name):
        raise web.HTTPError(403, "unexpected Host header")


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's WebSocket handler, with its browsers kept per server.

    The package keeps its browsers in a class-wide set; each server here moves
    them into its own `Browsers`, so two servers (tests) never share clients.
    """

    def initialize(self, browsers: Browsers, loopback_only: bool) -> None:
        self.browsers = browsers
        self.loopback_only = loopback_only

    def prepare(self) -> None:
        check_host(self, self.loopback_only)

    def check_origin(self, origin: str) -> bool:
        """Accept the upgrade only from a page of this server (livereload's own handler accepts any origin)."""
        return is_same_origin(origin, self.request.host)

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.browsers.open.add(self)

    def on_message(self, message: str | bytes) -> None:
        try:
            parsed = json.loads(message)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("command"), str):
            self.close(1003, "expected a livereload protocol command")
            return
        super().on_message(message)
        if self in LiveReloadHandler.waiters:
            LiveReloadHandler.waiters.discard(self)
            self.browsers.listening.add(self)

    def on_close(self) -> None:
        super().on_close()
        self.browsers.open.discard(self)
        self.browsers.listening.discard(self)


class SiteHandler(web.RequestHandler):
    """Serve the preview's output folder; pages get the live-reload script, or the error page."""

    def initialize(self, showing: Callable[[], Showing], idle: threading.Event, script: bytes, loopback_only: bool) -> None:
        self._showing = showing
        self._idle = idle
        self._script = script
        self._loopback_only = loopback_only

    def prepare(self) -> None:
        check_host(self, self._loopback_only)

    async def get(self) -> None:
        if not self._idle.is_set():
            await IOLoop.current().run_in_executor(None, self._idle.wait, BUILD_WAIT)
        showing = self._showing()
        raw_path = self.request.path
        target = resolve_request(raw_path, showing.base_path, showing.output_path)
        self.set_header("Cache-Control", "no-cache")
        if target.too_long:
            self._send_page(414, b"<!doctype html><title>URI too long</title><h1>URI too long</h1>")
        elif target.location:
            self.redirect(target.location)
        elif showing.failure and (is_page_request(raw_path) or _is_html(target.path)):
            self._send_page(500, render_error_page(showing.failure))
        elif target.path is not None:
            self._send_file(target.path)
        else:
            self._send_missing(showing.output_path)

    async def head(self) -> None:
        await self.get()

    def _send_file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # removed between the lookup and the read
            self._send_missing(self._showing().output_path)
            return
        if _is_html(path):
            self._send_page(200, data)
            return
        kind, encoding = mimetypes.guess_type(path.name)
        self.set_header("Content-Type", kind if kind and not encoding else "application/octet-stream")
        self.finish(data)

    def _send_missing(self, out: Path) -> None:
        page = out / "404.html"
        self._send_page(404, page.read_bytes() if page.is_file() else b"<!doctype html><title>Not found</title><h1>Not found</h1>")

    def _send_page(self, status: int, page: bytes) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(inject_script(page, self._script))

def _is_html(path: Path | None) -> bool:
    return path is not None and path.suffix.lower() in (".html", ".htm")


def make_application(
    showing: Callable[[], Showing], idle: threading.Event, browsers: Browsers, port: int, *, loopback_only: bool
) -> web.Application:
    """Route the live-reload endpoints to livereload's handlers and everything else to the site."""
    site = {"showing": showing, "idle": idle, "script": live_script(port), "loopback_only": loopback_only}
    return web.Application(
        [
            (r"/livereload", ReloadSocket, {"browsers": browsers, "loopback_only": loopback_only}),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/.*", SiteHandler, site),
        ],
        log_function=_log_request,
    )


def _log_request(handler: web.RequestHandler) -> None:
    """Log requests at debug level only: the terminal is for build results (tornado logs crashes itself)."""
    request = handler.request
    log.debug("%d %s %s", handler.get_status(), request.method, escape.to_unicode(request.uri))


class HttpServer:
    """The tornado server on its own thread and event loop; start, send messages, stop."""

    def __init__(
        self, sockets: Sequence[socket.socket], showing: Callable[[], Showing], idle: threading.Event, *, loopback_only: bool
    ) -> None:
        self._sockets = sockets
        self._browsers = Browsers()
        self.port = int(sockets[0].getsockname()[1])
        self._application = make_application(showing, idle, self._browsers, self.port, loopback_only=loopback_only)
        self._loop: IOLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sitegen-http", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        """Start serving on the bound sockets."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the preview server did not start")

    def send(self, messages: Sequence[str]) -> None:
        """Send messages to every connected browser (from any thread)."""
        if self._loop is not None:
            for message in messages:
                self._loop.add_callback(self._browsers.send, message)

    def stop(self, timeout: float = 10.0) -> None:
        """Close every connection, stop the event loop and wait for its thread."""
        if self._loop is not None and self._stopped is not None:
            self._loop.add_callback(self._stopped.set)
        if self._thread.is_alive():
            self._thread.join(timeout)
        elif not self._ready.is_set():  # never started: nobody else will close the sockets
            for listening in self._sockets:
                listening.close()

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        server = HTTPServer(self._application)
        server.add_sockets(self._sockets)
        self._stopped = asyncio.Event()
        self._loop = IOLoop.current()
        self._ready.set()
        try:
            await self._stopped.wait()
        finally:
            server.stop()
            self._browsers.close_all()
            await asyncio.wait_for(server.close_all_connections(), 5)
