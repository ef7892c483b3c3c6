"""The live preview: request mapping without a socket, then real HTTP and a real live-reload WebSocket client."""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import websocket
from hypothesis import given
from hypothesis import strategies as st

from sitegen.build import BuildReport
from sitegen.errors import SitegenError
from sitegen.model import Output
from sitegen.serve import preview as serve
from sitegen.serve.http import (
    Target,
    inject_script,
    is_page_request,
    live_script,
    render_error_page,
    resolve_request,
)
from sitegen.serve.preview import Preview, is_loopback, preview_output, reload_paths
from sitegen.serve.watch import (
    Change,
    changed_files,
    classify_changes,
    describe_changes,
    take_snapshot,
)
from tests.conftest import DEFAULT_SETTINGS, FIXTURE_SITES, REPO, MakeSite, PageParser, site_config

WAIT = 20.0  # the longest any test waits for one event


def post(title: str, body: str = "Body text.") -> str:
    return f"---\ntitle: {title}\ntags: ml\n---\n{body}\n"


FILES = {
    "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
    "content/notes.html": "---\ntitle: Notes\n---\n<p>Fine notes.</p>\n",
    **{f"content/blog/2024-01-0{day}-post-{day}.md": post(f"Post {day}") for day in range(1, 5)},
}
PROJECT_SETTINGS = DEFAULT_SETTINGS.replace('base_url = "https://example.org/"', 'base_url = "https://user.github.io/portfolio/"')


# --- Request paths to files, without a socket -------------------------------------------------


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    for dest in ("index.html", "blog/index.html", "blog/post-1/index.html", "css/site.css", ".sitegen-output", ".nojekyll"):
        (folder / dest).parent.mkdir(parents=True, exist_ok=True)
        (folder / dest).write_text(dest, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    return folder


@pytest.mark.parametrize(
    ("raw_path", "dest"),
    [
        ("/", "index.html"),
        ("/blog/", "blog/index.html"),
        ("/blog/post-1/", "blog/post-1/index.html"),
        ("/blog/post-1/index.html", "blog/post-1/index.html"),
        ("/css/site.css", "css/site.css"),
        ("/c%73s/site.css", "css/site.css"),
    ],
)
def test_a_request_path_maps_to_its_file(out: Path, raw_path: str, dest: str) -> None:
    assert resolve_request(raw_path, "/", out) == Target(path=(out / dest).resolve())


@pytest.mark.parametrize(
    "raw_path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/css/..%2f..%2fsecret.txt",
        "/css/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/blog/../../secret.txt",
        "/./index.html",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/css/%5c..%5csecret.txt",
        "/etc/passwd",
        "/leak.txt",
        "/.sitegen-output",
        "/.nojekyll",
        "/index.html%00.css",
        "/%ff",
        "/missing/",
        "/missing.html",
        "relative/index.html",
    ],
)
def test_paths_that_could_leave_the_output_folder_are_misses(out: Path, raw_path: str) -> None:
    assert resolve_request(raw_path, "/", out) == Target()


def test_a_folder_without_its_slash_redirects(out: Path) -> None:
    assert resolve_request("/blog", "/", out) == Target(location="/blog/")
    assert resolve_request("/blog/post-1", "/", out) == Target(location="/blog/post-1/")


def test_under_a_base_path_the_site_lives_below_it(out: Path) -> None:
    assert resolve_request("/", "/portfolio/", out) == Target(location="/portfolio/")
    assert resolve_request("/portfolio", "/portfolio/", out) == Target(location="/portfolio/")
    assert resolve_request("/portfolio/", "/portfolio/", out) == Target(path=(out / "index.html").resolve())
    assert resolve_request("/portfolio/blog", "/portfolio/", out) == Target(location="/portfolio/blog/")
    assert resolve_request("/portfolio/css/site.css", "/portfolio/", out) == Target(path=(out / "css/site.css").resolve())
    assert resolve_request("/blog/", "/portfolio/", out) == Target()
    assert resolve_request("/portfolio/../portfolio/index.html", "/portfolio/", out) == Target()
    assert resolve_request("/portfolioblog/", "/portfolio/", out) == Target()


@given(st.text(max_size=40))
def test_no_path_resolves_outside_the_output_folder(text: str) -> None:
    out = FIXTURE_SITES
    for raw_path in ("/" + text, "/" + quote(text, safe="/%.")):
        target = resolve_request(raw_path, "/", out)
        assert target.path is None or target.path.is_relative_to(out)
        assert not target.location or target.location.startswith("/") and not target.location.startswith("//")


def test_page_requests_are_folders_html_files_and_names_without_suffix() -> None:
    assert [is_page_request(path) for path in ("/", "/blog/", "/a.html", "/blog/post", "/css/site.css", "/cv.pdf")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_the_script_goes_before_the_end_of_head() -> None:
    script = live_script(8123)
    assert script == b'<script src="/livereload.js?port=8123"></script>'
    assert inject_script(b"<html><HEAD><title>x</title></HEAD><body></body></html>", b"<s>") == (
        b"<html><HEAD><title>x</title><s></HEAD><body></body></html>"
    )
    assert inject_script(b"<p>x</p></body>", b"<s>") == b"<p>x</p><s></body>"
    assert inject_script(b"<p>x</p>", b"<s>") == b"<p>x</p><s>"


def test_the_error_page_escapes_the_message() -> None:
    parser = PageParser()
    parser.feed(render_error_page("content/x.md:3: error: got '<script>alert(1)</script>'").decode())
    assert "content/x.md:3: error: got '<script>alert(1)</script>'" in "".join(parser.text)
    assert not parser.find_all("script")


def test_changes_are_sorted_into_content_template_static_and_config(make_site: MakeSite) -> None:
    config = site_config(make_site(FILES))
    rels = ["content/blog/2024-01-01-post-1.md", "templates/post.html", "static/css/site.css", "pyproject.toml", "locales.yaml"]
    assert classify_changes(rels, config) == (
        Change("locales.yaml", "config"),
        Change("pyproject.toml", "config"),
        Change("templates/post.html", "template"),
        Change("static/css/site.css", "static"),
        Change("content/blog/2024-01-01-post-1.md", "content"),
    )
    changes = classify_changes([f"content/{n}.md" for n in "abcde"] + ["templates/post.html"], config)
    assert describe_changes(changes) == (
        "template: templates/post.html; content: content/a.md, content/b.md, content/c.md and 2 more"
    )


def test_a_snapshot_sees_edits_additions_and_removals_but_not_hidden_files(make_site: MakeSite) -> None:
    root = make_site(FILES)
    config = site_config(root)
    before = take_snapshot(config)
    assert "content/about.md" in before and "pyproject.toml" in before and "templates/post.html" in before
    (root / "content/about.md").write_text("---\ntitle: About\n---\nAbout me, longer.\n", encoding="utf-8")
    (root / "content/new.md").write_text("New.\n", encoding="utf-8")
    (root / "content/blog/2024-01-04-post-4.md").unlink()
    (root / "content/.about.md.swp").write_text("editor state", encoding="utf-8")
    after = take_snapshot(config)
    assert changed_files(before, after) == {"content/about.md", "content/new.md", "content/blog/2024-01-04-post-4.md"}


def report_with(outputs: list[Output]) -> BuildReport:
    return BuildReport(1, 0, 0, 0, (), 0.0, Path("out"), tuple(outputs))


def test_only_stylesheet_changes_are_announced_by_their_url() -> None:
    css = Output("css/site.css", b"", frozenset({"static/css/site.css"}))
    report = report_with([Output("index.html", b""), css])
    styles = (Change("static/css/site.css", "static"),)
    assert reload_paths(styles, report, "/portfolio/") == ("/portfolio/css/site.css",)
    assert reload_paths((*styles, Change("templates/post.html", "template")), report, "/") == ("/",)
    assert reload_paths((Change("static/css/gone.css", "static"),), report, "/") == ("/",)  # removed: reload
    assert reload_paths(styles, None, "/") == ("/",)  # the build failed


def test_only_loopback_addresses_count_as_private() -> None:
    assert [is_loopback(host) for host in ("127.0.0.1", "127.0.0.2", "::1", "localhost", "0.0.0.0", "192.168.1.4", "example.org")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


# --- The running server, over real HTTP and WebSocket --------------------------------------------


def fetch(preview: Preview, path: str, method: str = "GET", host: str = "") -> tuple[int, dict[str, str], bytes]:
    """Send one request with the path exactly as given (no normalising, no redirects followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(preview), timeout=WAIT)
    try:
        connection.request(method, path, headers={"Host": host} if host else {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def port_of(preview: Preview) -> int:
    return int(preview.url.split(":")[2].split("/")[0])


def page_text(body: bytes) -> str:
    parser = PageParser()
    parser.feed(body.decode("utf-8"))
    return " ".join(" ".join(parser.text).split())


class LiveClient:
    """A live-reload client over a real WebSocket: the handshake livereload.js does, then messages."""

    def __init__(self, preview: Preview) -> None:
        self.socket = websocket.create_connection(f"ws://127.0.0.1:{port_of(preview)}/livereload", timeout=WAIT)
        self.socket.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        assert json.loads(self.socket.recv())["command"] == "hello"
        self.socket.send(json.dumps({"command": "info", "plugins": {}, "url": preview.url}))

    def next_message(self) -> dict[str, object]:
        message = json.loads(self.socket.recv())
        assert isinstance(message, dict)
        return message

    def has_nothing_waiting(self) -> bool:
        self.socket.settimeout(0.05)
        try:
            self.socket.recv()
        except websocket.WebSocketTimeoutException:
            return True
        finally:
            self.socket.settimeout(WAIT)
        return False

    def close(self) -> None:
        self.socket.close()


Start = Callable[..., tuple[Path, Preview, "LiveClient"]]


@pytest.fixture
def start(make_site: MakeSite) -> Iterator[Start]:
    """Return a function that writes a site, starts its preview on a free port and stops it afterwards."""
    started: list[tuple[Preview, list[LiveClient]]] = []

    def start_preview(files: dict[str, str] = FILES, settings: str = DEFAULT_SETTINGS) -> tuple[Path, Preview, LiveClient]:
        root = make_site(files, settings=settings)
        preview = Preview(lambda: site_config(root), port=0, interval=0.03)
        preview.start()
        client = LiveClient(preview)
        started.append((preview, [client]))
        assert preview.wait_until_settled(WAIT)
        return root, preview, client

    yield start_preview
    for preview, clients in started:
        for client in clients:
            client.close()
        preview.stop()


def save(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def test_pages_are_served_with_the_live_reload_script_from_the_package(start: Start) -> None:
    root, preview, _ = start()
    status, headers, body = fetch(preview, "/blog/post-1/")
    assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert "Post 1" in page_text(body)
    parser = PageParser()
    parser.feed(body.decode())
    assert {"src": f"/livereload.js?port={port_of(preview)}"} in parser.find_all("script")
    status, headers, body = fetch(preview, "/livereload.js")
    assert status == 200 and "javascript" in headers["content-type"] and b"LiveReload" in body
    status, headers, _ = fetch(preview, "/css/site.css")
    assert (status, headers["content-type"]) == (200, "text/css")
    assert fetch(preview, "/blog")[:2][0] == 302 and fetch(preview, "/blog")[1]["location"] == "/blog/"
    status, _, body = fetch(preview, "/no/such/page/")
    assert status == 404 and b"livereload.js" in body
    status, headers, body = fetch(preview, "/blog/post-1/", "HEAD")
    assert (status, body) == (200, b"") and int(headers["content-length"]) > 0
    assert not (root / "_site").exists()  # the preview has its own folder
    assert preview_output(preview.config).is_dir()


def test_an_edited_post_is_rebuilt_and_the_browser_reloads(start: Start) -> None:
    root, preview, client = start()
    save(root, "content/blog/2024-01-02-post-2.md", post("Post 2", "A fresh paragraph."))
    message = client.next_message()
    assert message["command"] == "reload" and not str(message["path"]).endswith(".css")
    assert "A fresh paragraph." in page_text(fetch(preview, "/blog/post-2/")[2])


def test_an_edited_template_reloads_every_page_that_uses_it(start: Start) -> None:
    root, preview, client = start()
    template = root / "templates/post.html"
    save(root, "templates/post.html", template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<p>Template mark</p>", 1))
    assert client.next_message()["command"] == "reload"
    assert "Template mark" in page_text(fetch(preview, "/blog/post-3/")[2])


def test_an_edited_stylesheet_is_swapped_in_place(start: Start) -> None:
    root, preview, client = start()
    css = root / "static/css/site.css"
    save(root, "static/css/site.css", css.read_text(encoding="utf-8") + "\n.marker { color: red; }\n")
    message = client.next_message()
    assert (message["command"], message["path"], message["liveCSS"]) == ("reload", "/css/site.css", True)
    assert b".marker { color: red; }" in fetch(preview, "/css/site.css")[2]


def test_a_burst_of_saves_makes_one_rebuild(start: Start) -> None:
    root, preview, client = start()
    before = preview.rebuilds
    for day in range(1, 5):
        save(root, f"content/blog/2024-01-0{day}-post-{day}.md", post(f"Post {day}", f"Saved together {day}."))
    assert client.next_message()["command"] == "reload"
    assert preview.wait_until_settled(WAIT)
    assert preview.rebuilds == before + 1
    assert client.has_nothing_waiting()
    assert "Saved together 4." in page_text(fetch(preview, "/blog/post-4/")[2])


def test_a_broken_file_shows_an_error_page_until_it_is_fixed(start: Start) -> None:
    root, preview, client = start()
    good = (root / "content/notes.html").read_text(encoding="utf-8")
    save(root, "content/notes.html", "---\ntitle: Notes\n---\n<p>{{ link('images/<b>x</b>.png') }}</p>\n")
    assert client.next_message()["command"] == "reload"
    status, headers, body = fetch(preview, "/blog/post-1/")
    expected = "content/notes.html:4: error: link('images/<b>x</b>.png'): no such file in content/ or static/"
    assert (status, headers["content-type"]) == (500, "text/html; charset=utf-8")
    assert expected in page_text(body)
    assert b"<b>x</b>" not in body  # escaped
    assert live_script(port_of(preview)) in body  # so it can recover by itself
    assert fetch(preview, "/css/site.css")[0] == 200  # files other than pages are still served
    save(root, "content/notes.html", good)
    assert client.next_message()["command"] == "reload"
    status, _, body = fetch(preview, "/notes/")
    assert status == 200 and "Fine notes." in page_text(body)


def test_a_stylesheet_that_fixes_the_build_reloads_the_whole_page(start: Start) -> None:
    root, preview, client = start()
    save(root, "content/notes.html", "---\ntitle: Notes\n---\n<link rel=stylesheet href=\"{{ link('css/extra.css') }}\">\n")
    assert client.next_message()["path"] == "/"
    assert fetch(preview, "/notes/")[0] == 500
    save(root, "static/css/extra.css", "p { color: green; }\n")
    assert client.next_message()["path"] == "/"  # the browser shows the error page: swapping styles would not help
    assert fetch(preview, "/notes/")[0] == 200
    save(root, "static/css/extra.css", "p { color: red; }\n")
    assert client.next_message()["path"] == "/css/extra.css"


def test_a_site_that_is_broken_from_the_start_is_served_once_fixed(start: Start) -> None:
    broken = {**FILES, "content/blog/2024-01-01-post-1.md": "---\ndate: March 5\n---\nbody\n"}
    root, preview, client = start(broken)
    status, _, body = fetch(preview, "/")
    assert status == 500
    assert "content/blog/2024-01-01-post-1.md:2: error: 'date' must be a date like" in page_text(body)
    save(root, "content/blog/2024-01-01-post-1.md", post("Post 1"))
    assert client.next_message()["command"] == "reload"
    assert fetch(preview, "/blog/post-1/")[0] == 200


def test_edited_settings_apply_to_the_next_build(start: Start) -> None:
    root, preview, client = start()
    save(root, "pyproject.toml", DEFAULT_SETTINGS.replace('title = "Test Site"', 'title = ["Broken"'))
    assert client.next_message()["command"] == "reload"
    status, _, body = fetch(preview, "/")
    assert status == 500 and "pyproject.toml:3:1: error: invalid TOML: Unclosed array" in page_text(body)
    save(root, "pyproject.toml", DEFAULT_SETTINGS.replace('title = "Test Site"', 'title = "Renamed Site"'))
    assert client.next_message()["command"] == "reload"
    assert "Renamed Site" in page_text(fetch(preview, "/")[2])


TRAVERSALS = (
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/css/..%2f..%2fpyproject.toml",
    "/css/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/.sitegen-output",
)


def test_traversal_attempts_get_404(start: Start) -> None:
    _, preview, _ = start()
    for raw_path in TRAVERSALS:
        status, _, body = fetch(preview, raw_path)
        assert status == 404 and b"root:" not in body and b"[tool.sitegen]" not in body, raw_path


def test_nothing_but_get_is_accepted(start: Start) -> None:
    root, preview, client = start()
    before = {path: path.stat().st_mtime_ns for path in (root / ".sitegen-cache").rglob("*")}
    for path in ("/livereload", "/livereload.js", "/", "/blog/post-1/index.html", "/new.html"):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert fetch(preview, path, method)[0] == 405, (method, path)
    assert not (preview.showing.output_path / "new.html").exists()
    assert {path: path.stat().st_mtime_ns for path in (root / ".sitegen-cache").rglob("*")} == before
    client.socket.send("not json")  # the live-reload socket takes protocol commands only
    assert preview.wait_until_settled(WAIT) and fetch(preview, "/")[0] == 200


def test_requests_naming_another_host_are_refused(start: Start) -> None:
    _, preview, _ = start()
    port = port_of(preview)
    assert fetch(preview, "/", host=f"localhost:{port}")[0] == 200
    assert fetch(preview, "/", host=f"[::1]:{port}")[0] == 200
    assert fetch(preview, "/", host=f"attacker.example:{port}")[0] == 403  # DNS rebinding
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(f"ws://127.0.0.1:{port}/livereload", timeout=WAIT, host="attacker.example")


def test_a_port_in_use_is_reported(make_site: MakeSite) -> None:
    root = make_site(FILES)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        preview = Preview(lambda: site_config(root), port=port)
        with pytest.raises(SitegenError) as raised:
            preview.start()
    assert raised.value.format() == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n  hint: choose another --port"
    )
    assert not preview_output(preview.config).exists()  # nothing was built


def test_a_project_site_is_served_under_its_base_path(start: Start) -> None:
    root, preview, client = start(settings=PROJECT_SETTINGS)
    assert preview.url.endswith("/portfolio/")
    status, headers, _ = fetch(preview, "/")
    assert (status, headers["location"]) == (302, "/portfolio/")
    status, _, body = fetch(preview, "/portfolio/")
    assert status == 200
    parser = PageParser()
    parser.feed(body.decode())
    links = [value for name, value in parser.links if value.startswith("/") and not value.startswith("/livereload")]
    assert links and all(link.startswith("/portfolio/") for link in links)
    assert all(fetch(preview, link.split("#")[0])[0] == 200 for link in links)
    assert fetch(preview, "/blog/")[0] == 404
    css = root / "static/css/site.css"
    save(root, "static/css/site.css", css.read_text(encoding="utf-8") + "\n.x { color: blue; }\n")
    message = client.next_message()
    assert (message["path"], message["liveCSS"]) == ("/portfolio/css/site.css", True)


def read_lines(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    for line in process.stderr or ():
        lines.put(line)


def test_the_command_serves_until_interrupted(make_site: MakeSite) -> None:
    root = make_site(FILES)
    command = [sys.executable, "-m", "sitegen", "serve", "--root", str(root), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=read_lines, args=(process, lines), daemon=True).start()
    try:
        line = ""
        while not line.startswith("Serving "):
            line = lines.get(timeout=WAIT)
        url = line.split()[1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        host, port = url.removeprefix("http://").rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        connection.request("GET", "/about/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0, "".join(lines.queue)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)


class StoppedPreview:
    """Stands in for the server: interrupted as soon as it starts (Ctrl+C)."""

    url = "http://0.0.0.0:8000/"
    stopped = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def start(self) -> None:
        raise KeyboardInterrupt

    def stop(self) -> None:
        StoppedPreview.stopped = True


def test_listening_beyond_this_machine_prints_a_warning(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(serve, "Preview", StoppedPreview)
    arguments = argparse.Namespace(host="0.0.0.0", port=8000, open=False, root=Path("."), drafts=False, base_url=None)
    with caplog.at_level(logging.INFO, logger="sitegen.serve.preview"):
        assert serve.run(arguments) == 0
    assert caplog.messages[0] == (
        "warning: serving on 0.0.0.0 makes the preview reachable from other machines; "
        "use --host 127.0.0.1 unless that is what you want"
    )
    assert StoppedPreview.stopped


# --- What the preview and the benchmark rely on in the engine ------------------------------------

BUILD_IN_NEW_PROCESS = """
import sys
from pathlib import Path
from tests.conftest import build_root
print(build_root(Path(sys.argv[1])).rendered)
"""


def build_in_new_process(root: Path, hash_seed: str) -> int:
    """Build in a fresh interpreter (as `sitegen build` runs) and return how many outputs it rendered."""
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-c", BUILD_IN_NEW_PROCESS, str(root)]
    done = subprocess.run(command, env=environment, cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    return int(done.stdout.split()[-1])


def test_a_build_in_a_new_process_renders_only_the_edited_post(make_site: MakeSite) -> None:
    # Fingerprints must not depend on the hash seed (a frozenset in a hashed repr once made every
    # `sitegen build` render every page); each `sitegen build` is a new process with its own seed.
    root = make_site(FILES)
    build_in_new_process(root, "1")
    save(root, "content/blog/2024-01-02-post-2.md", post("Post 2", "Body text.\n\nA second paragraph, not in the summary."))
    # Its page, its neighbours, the blog page and tag pages that list it, the tags index, the home page,
    # the archive and the post that lists it among related posts.
    assert build_in_new_process(root, "2") == 9
    assert build_in_new_process(root, "3") == 0


@pytest.mark.parametrize(
    "raw_path", ["/" + "a" * 10_000, "/a" * 5_000, "/%" * 1_000, "/" + "é" * 300 + "/", "/" + "b" * 300 + ".html"]
)
def test_long_and_malformed_paths_are_misses_or_too_long_never_an_error(out: Path, raw_path: str) -> None:
    target = resolve_request(raw_path, "/", out)
    assert target.path is None and not target.location
    assert target.too_long == (len(raw_path) > 2048)


def test_abusive_request_paths_get_404_or_414_over_http(start: Start) -> None:
    _, preview, _ = start()
    assert fetch(preview, "/" + "a" * 10_000)[0] == 414
    assert fetch(preview, "/a" * 5_000)[0] == 414
    assert fetch(preview, "/%" * 1_000)[0] == 404
    assert fetch(preview, "/" + "a" * 300)[0] == 404  # one name longer than the file system allows
    assert fetch(preview, "/%ff%fe/")[0] == 404
    assert fetch(preview, "/")[0] == 200


def test_the_live_reload_socket_checks_the_origin(start: Start) -> None:
    _, preview, _ = start()
    port = port_of(preview)
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(f"ws://127.0.0.1:{port}/livereload", timeout=WAIT, origin="http://evil.example")
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(f"ws://127.0.0.1:{port}/livereload", timeout=WAIT, origin=f"http://127.0.0.1:{port + 1}")
    same = websocket.create_connection(f"ws://127.0.0.1:{port}/livereload", timeout=WAIT, origin=f"http://127.0.0.1:{port}")
    same.close()


def test_the_preview_after_a_sequence_of_edits_equals_a_clean_build(start: Start, tmp_path: Path) -> None:
    from tests.conftest import build_root, tree_bytes

    locales = (REPO / "locales.yaml").read_text(encoding="utf-8")
    tag_page = (
        '{% extends "base.html" %}{% block main %}<h1>{{ tag.name }} ({{ tag.posts | length }})</h1>'
        '{% with posts = listing.posts %}{% include "partials/post-list.html" %}{% endwith %}{% endblock %}'
    )
    files = {**FILES, "locales.yaml": locales, "content/blog/2024-01-03-post-3.fr.md": post("Billet 3")}
    root, preview, _ = start(files)
    blog = root / "content/blog"
    edits = [
        lambda: save(root, "content/blog/2024-01-02-post-2.md", post("Post two", "An edited body.")),
        lambda: (blog / "2024-01-04-post-4.md").unlink(),
        lambda: (blog / "2024-01-01-post-1.md").rename(blog / "2024-01-05-post-five.md"),
        lambda: save(root, "templates/tag.html", tag_page),
        lambda: save(root, "locales.yaml", locales.replace("read_more: Read more", "read_more: Read on")),
        lambda: save(root, "content/blog/2024-01-03-post-3.md", post("Post 3", "Now with more to say.")),
        lambda: save(root, "content/blog/2024-01-06-post-6.md", post("Post 6")),
    ]
    for number, edit in enumerate(edits):
        before = preview.rebuilds
        edit()
        assert preview.wait_until_settled(WAIT) and preview.rebuilds > before
        assert preview.showing.failure == ""
        clean = tmp_path / f"clean-{number}"
        build_root(root, output=clean)
        assert tree_bytes(preview.showing.output_path) == tree_bytes(clean), f"after edit {number}"
    assert "Read on" in (preview.showing.output_path / "blog/index.html").read_text(encoding="utf-8")
    assert "ml (4)" in (preview.showing.output_path / "blog/tags/ml/index.html").read_text(encoding="utf-8")
