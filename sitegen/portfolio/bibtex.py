"""BibTeX files into `Publication` values, with pybtex.

pybtex was chosen over bibtexparser after trying the cases that break
publication lists: it decodes LaTeX accents (`{\\"u}` -> ü) through its rich
text, splits `and others` into a person of its own, expands month macros and
`@string` abbreviations, and its syntax errors carry the line. Each entry's
source text is cut from the file here, for the copy-BibTeX control and for
errors that name the entry's line.
"""

from __future__ import annotations

import functools
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
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?")
_STRAY_FIELD = re.compile(r"\s*,?\s*(\w+)\s*=\s*[{\"\w]")
_QUOTED = re.compile(r"'([^']+)'|key (\S+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Text-formatting commands pybtex's LaTeX reader keeps as words; their argument is the text.
_FORMATTING = re.compile(r"\\(?:textbf|textit|textsl|textsc|texttt|textrm|textsf|textup|textmd|emph|mbox|url|mathrm|mathit|mathbf)\s*(?=\{)")
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
    authors: tuple[Author, ...]  # may be empty: a proceedings volume or a web page names none
    editors: tuple[Author, ...]
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
    from pybtex.database import parse_string
    from pybtex.database.input.bibtex import UndefinedMacro
    from pybtex.exceptions import PybtexError
    from pybtex.scanner import PybtexSyntaxError

    spans = _entry_spans(text, rel)
    try:
        database = parse_string(text, "bibtex")
    except UndefinedMacro as exc:
        raise ContentError(f"invalid BibTeX: undefined @string abbreviation '{exc.args[0]}'", rel, exc.lineno,
                           hint="define it with @string{name = {text}}, or put the value in braces") from None
    except PybtexSyntaxError as exc:
        raise ContentError(f"invalid BibTeX: {exc.args[0] if exc.args else exc}", rel, exc.lineno) from None
    except PybtexError as exc:  # bad names, duplicate fields: pybtex gives no line, the text it quotes finds one
        raise ContentError(f"invalid BibTeX: {exc}", rel, _line_of_quoted(text, str(exc), spans)) from None
    strings = _strings(text)
    entries = []
    for key, entry in database.entries.items():
        line, source = spans.get(key.lower(), (1, ""))  # a key pybtex reads differently from the scan
        parent = _crossref(entry, database.entries, key, rel, line)
        entries.append(_publication(key, entry, parent, _reader_copy(source, strings), rel, line))
    return tuple(entries)


def _line_of_quoted(text: str, message: str, spans: Mapping[str, tuple[int, str]]) -> int | None:
    """Find the line of what a pybtex message quotes: a name ('A, B, C') or an entry key."""
    match = _QUOTED.search(message)
    if match is None:
        return None
    if match.group(2):
        return spans.get(match.group(2).lower(), (None, ""))[0]
    found = text.find(match.group(1))
    return text.count("\n", 0, found) + 1 if found >= 0 else None


def _crossref(entry: Any, entries: Mapping[str, Any], key: str, rel: str, line: int) -> Any:
    """Return the entry this one inherits missing fields from (`crossref`), or None."""
    target = entry.fields.get("crossref", "")
    if not target:
        return None
    parent = entries.get(target)  # pybtex's entry mapping ignores case, as BibTeX does
    if parent is None:
        raise ContentError(f"BibTeX entry '{key}': crossref '{target}' is not in this file", rel, line)
    return parent


def _entry_spans(text: str, rel: str) -> dict[str, tuple[int, str]]:
    """Find each entry's line and source text; a key given twice is an error at its second line."""
    spans: dict[str, tuple[int, str]] = {}
    line, counted = 1, 0  # lines are counted on from the previous entry: a 5,000-entry file stays linear
    for match in _ENTRY.finditer(text):
        kind = match.group(1).lower()
        if kind in ("string", "preamble", "comment"):
            continue
        line, counted = line + text.count("\n", counted, match.start()), match.start()
        key = match.group(2)
        if key.lower() in spans:
            raise ContentError(f"BibTeX key '{key}' is used twice (first at line {spans[key.lower()][0]})", rel, line)
        source = _cut_entry(text, match.start())
        if source is None:
            raise ContentError(f"invalid BibTeX: entry '{key}' is never closed", rel, line,
                               hint="a '{' in one of its fields has no matching '}'")
        _check_after(text, match.start() + len(source), key, rel)
        spans[key.lower()] = (line, source)
    return spans


def _check_after(text: str, end: int, key: str, rel: str) -> None:
    """Stop at a field after an entry's end: an extra closing brace ended it early, and BibTeX would drop the rest."""
    stray = _STRAY_FIELD.match(text, end)
    if stray is not None:
        line = text.count("\n", 0, stray.end()) + 1
        raise ContentError(f"invalid BibTeX: field '{stray.group(1)}' after the end of entry '{key}'", rel, line,
                           hint="an extra '}' closes the entry early; check the braces of the field before it")


def _cut_entry(text: str, at: int) -> str | None:
    """Return the entry that starts at `at` (its `@`) up to the brace or parenthesis that closes it, or None."""
    found = _OPENER.search(text, at)
    if found is None:
        return None
    opener = found.group(0)
    closer = "}" if opener == "{" else ")"
    depth = 0
    for index in range(found.start(), len(text)):
        depth += (text[index] == opener) - (text[index] == closer)
        if depth == 0:
            return text[at : index + 1]
    return None


def _publication(key: str, entry: Any, parent: Any, source: str, rel: str, line: int) -> Publication:
    fields = _inherited(parent) | {name.lower(): latex_to_text(value) for name, value in entry.fields.items()}
    fields.pop("crossref", None)
    persons = {**(dict(parent.persons) if parent is not None else {}), **dict(entry.persons)}
    if not fields.get("title"):
        raise ContentError(f"BibTeX entry '{key}' has no title", rel, line)
    year, month = _date(fields, key, rel, line)
    return Publication(
        key=key,
        type=entry.type.lower(),
        title=fields["title"],
        authors=tuple(_author(person) for person in persons.get("author", ())),
        editors=tuple(_author(person) for person in persons.get("editor", ())),
        year=year,
        month=month,
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


def _inherited(parent: Any) -> dict[str, str]:
    """The fields a crossref'd entry lends: all of them, its title as the book title (as BibTeX does)."""
    if parent is None:
        return {}
    fields = {name.lower(): latex_to_text(value) for name, value in parent.fields.items()}
    if "title" in fields:
        fields.setdefault("booktitle", fields.pop("title"))
    return fields


def _date(fields: Mapping[str, str], key: str, rel: str, line: int) -> tuple[int | None, int | None]:
    """Year and month from `year` and `month`, or from biblatex's `date` (2021-05-03) when there is no year."""
    if not fields.get("year") and (match := _DATE.match(fields.get("date", ""))):
        month = int(match.group(2)) if match.group(2) else None
        return int(match.group(1)), month if month and 1 <= month <= 12 else None
    return _year(fields.get("year", ""), key, rel, line), _month(fields.get("month", ""))


@functools.lru_cache(maxsize=4096)
def latex_to_text(value: str) -> str:
    """Decode LaTeX accents and drop protective braces and formatting: `\\emph{M{\\"u}ller}` -> `Müller`."""
    from pybtex.backends.plaintext import Backend
    from pybtex.richtext import Text

    # Text.render with the backend itself: render_as("text") looks the backend up among the
    # installed packages' entry points on every call, over 30 ms each (minutes for a large .bib).
    text = Text.from_latex(_FORMATTING.sub("", value)).render(Backend())
    return " ".join(_CONTROL.sub("", text).split())


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
    for role, people in (("author", publication.authors), ("editor", publication.editors)):
        if people:
            item[role] = [{"family": a.family, "given": a.given} for a in people if not a.others]
    if publication.year:
        item["issued"] = {"date-parts": [[publication.year, *([publication.month] if publication.month else [])]]}
    if publication.venue:
        item["container-title"] = publication.venue
    for name, csl in (("volume", "volume"), ("number", "issue"), ("pages", "page"), ("publisher", "publisher"), ("doi", "DOI")):
        if publication.field(name):
            item[csl] = publication.field(name)
    return item
