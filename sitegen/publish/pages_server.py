"""Serve a built site on this machine the way GitHub Pages serves it, for tests and benchmarks.

The site lives under its base path (anything outside is a 404), a missing file
is answered with the site's own 404.html, and text may be gzipped. This is not
the preview (see serve.py): it serves a finished folder as it is.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COMPRESSED = frozenset({".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"})


@dataclass(frozen=True, slots=True)
class ServedSite:
    """A site being served: where, and every path asked for."""

    origin: str  # "http://127.0.0.1:PORT"
    base: str  # the base path the site lives under
    requests: list[str]

    def url(self, dest: str) -> str:
        """Return the full URL of an output file."""
        return self.origin + self.base + dest.removesuffix("index.html")


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serve one folder under a base path; a miss gets the site's 404.html."""

    base = "/"
    compress = False
    requests: list[str]

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.base):
            return str(Path(str(self.directory)) / ".outside-base-path")
        return super().translate_path("/" + clean[len(self.base) :])

    def do_HEAD(self) -> None:
        self.requests.append(self.path)
        super().do_HEAD()

    def do_GET(self) -> None:
        self.requests.append(self.path)
        path = Path(self.translate_path(self.path))
        if self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepts_gzip and path.suffix in COMPRESSED and path.is_file()):
            super().do_GET()  # also redirects /blog to /blog/ and answers misses with 404.html
            return
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a missing file with the site's 404.html, as GitHub Pages does."""
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_site(folder: Path, base: str = "/", *, compress: bool = False) -> Iterator[ServedSite]:
    """Serve a built folder on 127.0.0.1 (a free port) from a thread until the block ends."""
    requests: list[str] = []
    handler = type("Handler", (PagesHandler,), {"base": base, "compress": compress, "requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="pages-server", daemon=True)
    thread.start()
    try:
        yield ServedSite(f"http://127.0.0.1:{server.server_address[1]}", base, requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
