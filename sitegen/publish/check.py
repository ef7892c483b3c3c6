"""`sitegen check`: links, assets, #fragments, titles, languages and descriptions of the built site."""

from __future__ import annotations

import argparse
import logging
import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.errors import SitegenError
from sitegen.settings.config import Config
from sitegen.site.urls import dest_to_path

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NOT_FOUND_DEST = "404.html"
# Links that are not places on a web server.
_NOT_PATHS = ("mailto:", "tel:", "data:", "javascript:", "about:", "blob:")
# Attributes that hold one URL; srcset holds several.
_URL_ATTRIBUTES = frozenset({"href", "src", "poster", "data"})


@dataclass(frozen=True, slots=True)
class CheckProblem:
    """One thing wrong with the built site."""

    dest: str  # the output file it was found in
    problem: str  # "broken link", "missing fragment", "escapes the base path", "missing <title>", ...
    link: str = ""  # the link as written, or more detail

    def format(self) -> str:
        """Return the line `sitegen check` prints: `<dest>: <problem>: <link>`."""
        return f"{self.dest}: {self.problem}: {self.link}" if self.link else f"{self.dest}: {self.problem}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What a check looked at and what it found."""

    pages: int
    links: int
    problems: tuple[CheckProblem, ...]

    def summary(self) -> str:
        """Return the one summary line."""
        found = "no problems" if not self.problems else f"{len(self.problems)} problems"
        return f"checked {self.pages} pages, {self.links} links: {found}"


@dataclass(slots=True)
class PageScan:
    """What a check needs from one HTML page."""

    lang: str = ""
    title: str = ""
    has_title: bool = False
    description: str | None = None
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)


class _PageScanner(HTMLParser):
    """Collect the language, title, description, ids and links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.scan.lang = values.get("lang", "").strip()
        elif tag == "title":
            self.scan.has_title = True
            self._in_title = True
        elif tag == "meta" and values.get("name", "").lower() == "description":
            self.scan.description = values.get("content", "")
        for name in ("id", "name") if tag in ("a", "map") else ("id",):
            if values.get(name):
                self.scan.ids.add(values[name])
        self.scan.links.extend(_links_of(tag, values))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.scan.title += data


def _links_of(tag: str, values: Mapping[str, str]) -> Iterator[str]:
    for name, value in values.items():
        if name in _URL_ATTRIBUTES and not (tag == "object" and name != "data"):
            yield value.strip()
        elif name in ("srcset", "imagesrcset"):
            yield from (c.split()[0] for c in value.split(",") if c.strip())
    if tag == "meta" and values.get("property", values.get("name", "")) in ("og:url", "og:image", "twitter:image"):
        yield values.get("content", "").strip()


def scan_page(html: str) -> PageScan:
    """Parse one HTML page."""
    scanner = _PageScanner()
    scanner.feed(html)
    scanner.close()
    return scanner.scan


class SiteChecker:
    """Checks every link of a built site against the files it holds."""

    def __init__(self, out: Path, base_path: str, origin: str = "") -> None:
        self.out = out
        self.base_path = base_path
        self.origin = origin.rstrip("/").lower()  # "https://user.github.io": absolute links to it are internal
        self.scans: dict[str, PageScan] = {}
        self.links = 0

    def check(self) -> CheckReport:
        """Check every HTML page and XML file below the output folder."""
        files = sorted(path.relative_to(self.out).as_posix() for path in self.out.rglob("*") if path.is_file())
        pages = [dest for dest in files if dest.endswith(".html")]
        problems: list[CheckProblem] = []
        for dest in pages:
            problems += self.check_page(dest)
        for dest in (dest for dest in files if dest.endswith(".xml")):
            problems += self.check_xml(dest)
        return CheckReport(len(pages), self.links, tuple(dict.fromkeys(problems)))

    def scan(self, dest: str) -> PageScan:
        """Parse a page once and remember it."""
        if dest not in self.scans:
            self.scans[dest] = scan_page((self.out / dest).read_text(encoding="utf-8", errors="replace"))
        return self.scans[dest]

    def check_page(self, dest: str) -> list[CheckProblem]:
        """Check one page's metadata and every link it makes."""
        scan = self.scan(dest)
        problems = []
        if not scan.has_title or not scan.title.strip():
            problems.append(CheckProblem(dest, "missing <title>"))
        if not scan.lang:
            problems.append(CheckProblem(dest, "missing <html lang>"))
        if scan.description is None or not scan.description.strip():
            problems.append(CheckProblem(dest, "missing meta description"))
        for link in scan.links:
            problem = self.check_link(dest, link)
            if problem:
                problems.append(CheckProblem(dest, problem, link))
        return problems

    def check_xml(self, dest: str) -> list[CheckProblem]:
        """Check that a feed or sitemap parses and that the pages it names exist."""
        try:
            root = ET.parse(self.out / dest).getroot()
        except ET.ParseError as exc:
            return [CheckProblem(dest, "invalid XML", str(exc))]
        links = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
        links += [link.get("href", "") for link in root.iter(f"{ATOM}link")]
        problems = []
        for link in links:
            problem = self.check_link(dest, link.strip(), listed=True)
            if problem:
                problems.append(CheckProblem(dest, problem, link))
        return problems

    def check_link(self, dest: str, link: str, *, listed: bool = False) -> str | None:
        """Return what is wrong with one link from `dest`, or None.

        `listed` links (sitemap, feeds) must be absolute URLs under the site's base URL.
        """
        parts = urlsplit(link)
        if not link or link.lower().startswith(_NOT_PATHS):
            return None
        if parts.scheme or parts.netloc:
            origin = f"{parts.scheme or urlsplit(self.origin).scheme}://{parts.netloc}".lower()
            if not self.origin or origin != self.origin:
                return "outside the base URL" if listed and self.origin else None
        elif listed:
            return "not an absolute URL"
        elif dest == NOT_FOUND_DEST and not link.startswith(("/", "#", "?")):
            # GitHub Pages serves 404.html at any missing path, where relative links point elsewhere.
            return "relative link in 404 page"
        self.links += 1
        page_url = self.base_path + dest_to_path(dest)
        path = urlsplit(urljoin(page_url, link)).path
        if not (path.startswith(self.base_path) or path + "/" == self.base_path):
            return "escapes the base path"
        target = self.find_target(unquote(path[len(self.base_path) :]))
        if target is None:
            return "broken link"
        fragment = unquote(parts.fragment)
        if fragment and fragment != "top" and target.endswith(".html") and fragment not in self.scan(target).ids:
            return "missing fragment"
        return None

    def find_target(self, rel: str) -> str | None:
        """Return the output file a path below the base path is served from, or None."""
        folder = rel == "" or rel.endswith("/")
        # Dot segments are gone after urljoin, but percent-encoded ones come back with unquote.
        rel = posixpath.normpath("/" + rel).lstrip("/")
        rel = rel + "/" if folder and rel else rel
        candidates = [rel + "index.html"] if rel == "" or rel.endswith("/") else [rel, rel + "/index.html"]
        for candidate in candidates:
            if (self.out / candidate).is_file():
                return candidate
        return None


def check_site(out: Path, base_path: str, *, origin: str = "") -> list[CheckProblem]:
    """Check a built site; return every problem found (none: the site is sound)."""
    return list(SiteChecker(out, base_path, origin).check().problems)


def run(args: argparse.Namespace) -> int:
    """Check the built site: print each problem and exit 1 on any, else one summary line."""
    from sitegen.cli import config_from_args

    config = config_from_args(args)
    if args.translations:
        return _report_translations(config)
    out = args.output.resolve() if args.output else config.output_path
    if not (out / "index.html").is_file():
        raise SitegenError(f"no built site in {out.name}/ (no index.html)", hint="run 'sitegen build' first")
    parts = urlsplit(config.base_url)
    report = SiteChecker(out, config.base_path, f"{parts.scheme}://{parts.netloc}").check()
    for problem in report.problems:
        print(problem.format())
    print(report.summary())
    return 1 if report.problems else 0


def _report_translations(config: Config) -> int:
    """Print what is left to translate; this is information, not a failure."""
    from sitegen.build import load_site
    from sitegen.publish.coverage import translation_gaps

    locales, _, site = load_site(config)
    for gaps in translation_gaps(site, locales):
        for line in gaps.format():
            print(line)
    return 0
