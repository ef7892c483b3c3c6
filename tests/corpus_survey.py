"""Survey: import each Jekyll site of the shared corpus, build and check it, and count what went wrong.

Run `python -m tests.corpus_survey` for the table; tests/test_corpus.py asserts every count is 0.
The counts are taken from the sources and the built pages independently of sitegen's own
parsing: math by `$$` pairs and `\\begin{…}` environments, tables by their `|---|` rows.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.build import build
from sitegen.errors import SitegenError
from sitegen.jekyll.importer import import_jekyll
from sitegen.jekyll.permalink import dest_for_permalink
from sitegen.jekyll.site import document_url
from sitegen.publish.check import check_site
from sitegen.settings.config import load_config

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SITES = (
    "alshedivat+al-folio",
    "andrewbanchich+forty-jekyll-theme",
    "fastai+fastpages",
    "kitian616+jekyll-TeXt-theme",
    "poole+poole",
)
_SYNTAX = re.compile(r"\{%.*?(?:%\}|$)|\{\{.*?(?:\}\}|$)|\{:.*?(?:\}|$)", re.MULTILINE)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.DOTALL | re.MULTILINE)
_NOT_PROSE = re.compile(
    r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}|\{%-?\s*highlight\b.*?\{%-?\s*endhighlight\s*-?%\}|<!--.*?-->"
    r"|<(pre|code|script|style)\b.*?</\1>|(`+)[^`].*?\2",
    re.DOTALL,
)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?![\d$])")
_ENVIRONMENT = re.compile(r"\\begin\{(equation|align|gather|multline|eqnarray)\*?\}")
# A table: lines starting with `|` (at most three spaces in), one of them a separator such as `|---|:-:|`.
_TABLE = re.compile(r"(?:^[ ]{0,3}\|.*\n?)+", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ ]{0,3}\|[ \t]*[-=:][-=:+| \t]*$", re.MULTILINE)
_LINK_TAG = re.compile(r"\{%\s*link\s+(\S+)\s*%\}")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the tests' pinned clock


@dataclass
class SiteCounts:
    """What went wrong in one corpus site: each a list of the files (or URLs) concerned."""

    files: int = 0  # content files imported and looked at
    visible_syntax: list[str] = field(default_factory=list)  # Liquid or kramdown syntax left in the text
    layout_stops: list[str] = field(default_factory=list)  # build errors naming a layout
    build_errors: list[str] = field(default_factory=list)  # any other build error
    math_mismatches: list[str] = field(default_factory=list)  # "<math" count differs from the source's
    tables_lost: list[str] = field(default_factory=list)  # fewer <table> than table rules in the source
    broken_links: list[str] = field(default_factory=list)  # images and internal links that do not resolve
    missing_in_corpus: list[str] = field(default_factory=list)  # files the corpus does not hold (text files only)
    old_urls_lost: list[str] = field(default_factory=list)  # old permalinks that do not answer

    def totals(self) -> dict[str, int]:
        """Return each count."""
        return {key: value if isinstance(value, int) else len(value) for key, value in asdict(self).items()}


class _Visible(HTMLParser):
    """Text and attribute values outside code, and the <math> and <table> elements of a page's prose."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("pre", "code", "script", "style", "textarea"):
            self.code += 1
        if not self.code:
            self.text += [value or "" for name, value in attrs if name not in ("alttext", "content")]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "code", "script", "style", "textarea"):
            self.code = max(0, self.code - 1)

    def handle_data(self, data: str) -> None:
        if not self.code:
            self.text.append(data)


def source_counts(path: Path) -> tuple[int, int]:
    """Count the math expressions and tables a source file holds, outside code."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        text = "\n\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                           for c in cells if c.get("cell_type") == "markdown")
        inline = True  # Jupyter reads single dollars as math
    else:
        text = path.read_text(encoding="utf-8")
        inline = False  # kramdown: math is `$$…$$` only
    text = _NOT_PROSE.sub(" ", _FENCE.sub(" ", text))
    maths = len(_DISPLAY.findall(text))
    rest = _DISPLAY.sub(" ", text)
    maths += len(_ENVIRONMENT.findall(rest)) + (len(_INLINE.findall(rest)) if inline else 0)
    tables = sum(1 for block in _TABLE.findall(text) if _TABLE_RULE.search(block))
    return maths, tables


def left_in_text(visible: str, source: str) -> list[str]:
    """Return the Liquid or kramdown syntax in a page's visible text, except what `{% raw %}` shows on purpose."""
    shown = " ".join(" ".join(raw.split()) for raw in _RAW.findall(source))
    return [found for found in _SYNTAX.findall(visible) if " ".join(found.split()) not in shown]


def page_counts(html: str) -> tuple[int, int, str]:
    """Count <math> and <table> in a built page's article, and return its visible text."""
    start = html.find('<div class="prose"')
    end = html.find("</article>", start)
    article = html[start:end] if start >= 0 else html
    parser = _Visible()
    parser.feed(html)
    return article.count("<math"), article.count("<table"), " ".join(parser.text)


def with_linked_files(src: Path, copy: Path, counts: SiteCounts) -> Path:
    """Copy a corpus site, adding a stand-in for each file a `{% link %}` names that the corpus lacks (text files only)."""
    shutil.copytree(src, copy)
    for path in sorted(copy.rglob("*.md")):
        for target in _LINK_TAG.findall(path.read_text(encoding="utf-8")):
            if not (copy / target).exists():
                (copy / target).parent.mkdir(parents=True, exist_ok=True)
                (copy / target).write_bytes(b"\xff\xd8\xff")
                counts.missing_in_corpus.append(f"{path.relative_to(copy)}: {{% link {target} %}}")
    return copy


def survey_site(name: str, work: Path) -> SiteCounts:
    """Import, build and check one corpus site in `work`; count what went wrong."""
    counts = SiteCounts()
    src = with_linked_files(CORPUS / name, work / "src" / name, counts)
    dest = work / name
    report = import_jekyll(src, dest)
    try:
        build(load_config(dest, now=NOW, drafts=True))
    except SitegenError as error:
        for problem in error.problems:
            where = f"{problem.path}:{problem.line}: {problem.message}"
            (counts.layout_stops if "layout" in problem.message else counts.build_errors).append(where)
        return counts
    config = load_config(dest, now=NOW, drafts=True)
    out = config.output_path
    for planned in report.plan.files:
        if not planned.rel.startswith("content/") or not planned.rel.endswith((".md", ".markdown", ".html", ".ipynb")):
            continue
        path = dest / planned.rel
        if any(part.startswith("_") for part in Path(planned.rel).parts[1:]):
            continue  # a part for include_relative, not a page
        url = document_url(config, path)[0]
        built = out / dest_for_permalink(url.removeprefix(config.base_path.rstrip("/")))
        if not built.is_file():
            continue  # a draft or an unpublished post
        counts.files += 1
        maths, tables, visible = page_counts(built.read_text(encoding="utf-8"))
        expected_maths, expected_tables = source_counts(src / planned.source)
        if left_in_text(visible, (src / planned.source).read_text(encoding="utf-8")):
            counts.visible_syntax.append(planned.source)
        if maths != expected_maths:
            counts.math_mismatches.append(f"{planned.source}: {maths} <math>, {expected_maths} in the source")
        if tables < expected_tables:
            counts.tables_lost.append(f"{planned.source}: {tables} <table>, {expected_tables} in the source")
    base = urlsplit(config.base_url)
    for problem in check_site(out, config.base_path, origin=f"{base.scheme}://{base.netloc}"):
        text = problem.format()
        target = text.rpartition(" ")[2]
        page = text.split(":", 1)[0]
        local = unquote(target.split("#")[0])
        local = local.removeprefix(config.base_path.rstrip("/")) if local.startswith("/") else posixpath.join("/", posixpath.dirname(page), local)
        local = posixpath.normpath(local).lstrip("/")
        if local and not (src / local).exists():  # the corpus holds text files only, and not every page
            counts.missing_in_corpus.append(text)
        else:
            counts.broken_links.append(text)
    for old in report.plan.urls:
        if "not published" in old.new:
            continue
        if not (out / dest_for_permalink(old.old.removeprefix(config.base_path.rstrip("/")))).is_file():
            counts.old_urls_lost.append(old.old)
    return counts


def survey(work: Path) -> dict[str, SiteCounts]:
    """Survey every corpus site."""
    return {name: survey_site(name, work) for name in SITES}


def main() -> int:
    """Print the counts of every corpus site, then the files behind any count that is not 0."""
    with tempfile.TemporaryDirectory() as folder:
        results = survey(Path(folder))
    keys = list(SiteCounts().totals())
    print("site".ljust(36) + "".join(key[:14].rjust(15) for key in keys))
    for name, counts in results.items():
        print(name.ljust(36) + "".join(str(value).rjust(15) for value in counts.totals().values()))
    for name, counts in results.items():
        for key, value in asdict(counts).items():
            if isinstance(value, list) and value and key != "missing_in_corpus":
                print(f"{name} {key}:", *value, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
