"""BibTeX files into `Publication` values, with pybtex.

pybtex was chosen over bibtexparser after trying the cases that break
publication lists: it decodes LaTeX accents (`{\\"u}` -> ü) through its rich
text, splits `and others` into a person of its own, expands month macros and
`@string` abbreviations, and its syntax errors carry the line. Each entry's
source text is cut from the file here, for the copy-BibTeX control and for
errors that name the entry's line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sitegen.errors import ContentError

# Fields that become links, in the order a publication shows them: (field, label key).
LINK_FIELDS = (
    ("pdf", "pdf"),
    ("arxiv", "arxiv"),
    ("eprint", "arxiv"),
    ("code", "code"),
    ("slides", "slides"),
    ("video", "video"),
    ("doi", "doi"),
    ("url", "html"),
)
VENUE_FIELDS = ("journal", "booktitle", "school", "institution", "publisher", "howpublished")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s]*)\s*,?")
_OPENER = re.compile(r"[{(]")
_STRING = re.compile(r"@\s*string\s*[{(]\s*(\w+)\s*=\s*[\"{](.*?)[\"}]\s*[})]", re.IGNORECASE)
_MACRO_FIELD = re.compile(r"^(\s*\w+\s*=\s*)([A-Za-z_][\w-]*)(\s*,?\s*)$")
# Custom fields that only this site uses; they are left out of the BibTeX readers copy.
SITE_FIELDS = frozenset({"pdf", "code", "slides", "video", "award", "selected", "abbr", "preview", "arxiv"})


@dataclass(frozen=True, slots=True)
class Author:
    """One author as written in the .bib."""

    given: str
    family: str
    others: bool = False  # `and others`: shown as "et al."

    def is_named(self, name: str) -> bool:
        """Tell whether this author is the person called `name` ("Mira Okafor")."""
        words = name.split()
        return bool(words) and not self.others and self.family == words[-1] and self.given[:1] == words[0][:1]

    @property
    def full(self) -> str:
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True, slots=True)
class Publication:
    """One BibTeX entry, decoded for display."""

    key: str
    type: str  # article, inproceedings, misc…
    title: str
    authors: tuple[Author, ...]
    year: int | None
    month: int | None
    venue: str
    links: tuple[tuple[str, str], ...]  # (label key, URL), e.g. ("pdf", "https://…")
    award: str
    selected: bool
    abbr: str  # short venue label ("NeurIPS")
    abstract: str
    bibtex: str  # the entry as a reader would copy it
    rel: str
    line: int
    fields: tuple[tuple[str, str], ...]  # every field, decoded

    def field(self, name: str) -> str:
        """Return a field's decoded text, or ""."""
        return dict(self.fields).get(name, "")


def parse_bibtex(text: str, rel: str) -> tuple[Publication, ...]:
    """Parse BibTeX text; syntax errors and unusable entries name their line in `rel`."""
    from pybtex.database import BibliographyDataError, parse_string
    from pybtex.scanner import PybtexSyntaxError

    spans = _entry_spans(text, rel)
    try:
        database = parse_string(text, "bibtex")
    except PybtexSyntaxError as exc:
        raise ContentError(f"invalid BibTeX: {exc.args[0] if exc.args else exc}", rel, exc.lineno) from None
    except BibliographyDataError as exc:
        raise ContentError(f"invalid BibTeX: {exc}", rel) from None
    strings = _strings(text)
    entries = []
    for key, entry in database.entries.items():
        line, source = spans.get(key.lower(), (1, ""))  # a key pybtex reads differently from the scan
        entries.append(_publication(key, entry, _reader_copy(source, strings), rel, line))
    return tuple(entries)


def _entry_spans(text: str, rel: str) -> dict[str, tuple[int, str]]:
    """Find each entry's line and source text; a key given twice is an error at its second line."""
    spans: dict[str, tuple[int, str]] = {}
    for match in _ENTRY.finditer(text):
        kind = match.group(1).lower()
        if kind in ("string", "preamble", "comment"):
            continue
        line = text.count("\n", 0, match.start()) + 1
        key = match.group(2)
        if key.lower() in spans:
            raise ContentError(f"BibTeX key '{key}' is used twice (first at line {spans[key.lower()][0]})", rel, line)
        spans[key.lower()] = (line, _cut_entry(text, match.start()))
    return spans


def _cut_entry(text: str, at: int) -> str:
    """Return the entry that starts at `at` (its `@`) up to the brace or parenthesis that closes it."""
    found = _OPENER.search(text, at)
    if found is None:
        return text[at:]
    opener = found.group(0)
    closer = "}" if opener == "{" else ")"
    depth = 0
    for index in range(found.start(), len(text)):
        depth += (text[index] == opener) - (text[index] == closer)
        if depth == 0:
            return text[at : index + 1]
    return text[at:]


def _publication(key: str, entry: Any, source: str, rel: str, line: int) -> Publication:
    fields = {name.lower(): latex_to_text(value) for name, value in entry.fields.items()}
    authors = tuple(_author(person) for person in entry.persons.get("author", ()))
    if not fields.get("title"):
        raise ContentError(f"BibTeX entry '{key}' has no title", rel, line)
    if not authors:
        raise ContentError(f"BibTeX entry '{key}' has no author", rel, line)
    return Publication(
        key=key,
        type=entry.type.lower(),
        title=fields["title"],
        authors=authors,
        year=_year(fields.get("year", ""), key, rel, line),
        month=_month(fields.get("month", "")),
        venue=next((fields[name] for name in VENUE_FIELDS if fields.get(name)), ""),
        links=_links(fields),
        award=fields.get("award", ""),
        selected=fields.get("selected", "").lower() in ("true", "yes", "1"),
        abbr=fields.get("abbr", ""),
        abstract=fields.get("abstract", ""),
        bibtex=source,
        rel=rel,
        line=line,
        fields=tuple(sorted(fields.items())),
    )


def latex_to_text(value: str) -> str:
    """Decode LaTeX accents and drop protective braces: `M{\\"u}ller` -> `Müller`."""
    from pybtex.richtext import Text

    return " ".join(Text.from_latex(value).render_as("text").split())


def _author(person: Any) -> Author:
    family = " ".join(latex_to_text(str(part)) for part in (*person.prelast_names, *person.last_names))
    if family == "others" and not person.first_names:
        return Author("", "", others=True)
    given = " ".join(latex_to_text(str(part)) for part in (*person.first_names, *person.middle_names))
    return Author(given, family)


def _year(value: str, key: str, rel: str, line: int) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ContentError(f"BibTeX entry '{key}': 'year' must be a number, got '{value}'", rel, line)
    return int(value)


def _month(value: str) -> int | None:
    text = value.strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    for number, name in enumerate(MONTHS, 1):
        if text and name.startswith(text[:3]):
            return number
    return None


def _links(fields: dict[str, str]) -> tuple[tuple[str, str], ...]:
    links: dict[str, str] = {}
    for name, label in LINK_FIELDS:
        value = fields.get(name, "").strip()
        if not value or label in links:
            continue
        if label == "arxiv" and not value.startswith("http"):
            value = f"https://arxiv.org/abs/{value.removeprefix('arXiv:')}"
        elif label == "doi" and not value.startswith("http"):
            value = f"https://doi.org/{value}"
        links[label] = value
    return tuple(links.items())


def _reader_copy(source: str, strings: Mapping[str, str]) -> str:
    """Return the entry as readers copy it: without the site's own fields, @string abbreviations spelled out."""
    kept: list[str] = []
    skipping = 0  # open braces of a dropped field that spans lines
    for line in source.splitlines():
        if skipping:
            skipping += line.count("{") - line.count("}")
            continue
        name = line.split("=", 1)[0].strip().lower() if "=" in line else ""
        if name in SITE_FIELDS:
            skipping = max(0, line.count("{") - line.count("}"))
            continue
        macro = _MACRO_FIELD.match(line)
        if macro and macro.group(2).lower() in strings:
            line = f"{macro.group(1)}{{{strings[macro.group(2).lower()]}}}{macro.group(3)}"
        kept.append(line)
    return "\n".join(kept)


def _strings(text: str) -> dict[str, str]:
    """Return the file's @string abbreviations (lower-case name -> text)."""
    return {m.group(1).lower(): m.group(2) for m in _STRING.finditer(text)}


def to_csl(publication: Publication) -> dict[str, Any]:
    """Describe a publication as CSL-JSON, for the citation processor."""
    kinds = {"article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
             "book": "book", "phdthesis": "thesis", "mastersthesis": "thesis", "techreport": "report",
             "incollection": "chapter", "misc": "article"}
    item: dict[str, Any] = {"id": publication.key, "type": kinds.get(publication.type, "article"), "title": publication.title}
    # `and others` has no CSL equivalent: the style shortens long author lists itself.
    item["author"] = [{"family": a.family, "given": a.given} for a in publication.authors if not a.others]
    if publication.year:
        item["issued"] = {"date-parts": [[publication.year, *([publication.month] if publication.month else [])]]}
    if publication.venue:
        item["container-title"] = publication.venue
    for name, csl in (("volume", "volume"), ("number", "issue"), ("pages", "page"), ("publisher", "publisher"), ("doi", "DOI")):
        if publication.field(name):
            item[csl] = publication.field(name)
    return item
