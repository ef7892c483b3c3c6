"""Format the citations Markdown marked (`<cite class="citation">`) with a CSL style, and list the references.

citeproc-py does the formatting from CSL-JSON made from the site's BibTeX; the
style is the `citation_style` setting: a bundled style name ("apa", "ieee") or
the path of a .csl file in the site. Each citation links to its reference and
each reference links back to every place that cites it.
"""

from __future__ import annotations

import functools
import html
import io
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen.errors import ContentError
from sitegen.markup.citations import LOCATOR_LABELS, PLACEHOLDER, CiteItem, decode_items
from sitegen.model import Page, with_body
from sitegen.portfolio.bibtex import Publication, to_csl
from sitegen.portfolio.cslmodes import AUTHOR_ONLY, FULL, SUPPRESS_AUTHOR, style_variant
from sitegen.settings.locales import Locale

log = logging.getLogger(__name__)

BUNDLED_STYLES = Path(__file__).resolve().parents[1] / "data" / "csl"
_LOCATOR = re.compile(rf"^({LOCATOR_LABELS})\.?\s*(.+)$", re.IGNORECASE)
_LOCATOR_TERMS = {"p": "page", "pp": "page", "pages": "page", "ch": "chapter", "chap": "chapter", "sec": "section",
                  "§": "section", "fig": "figure", "vol": "volume", "l": "line"}


@dataclass(frozen=True, slots=True)
class CitationStyle:
    """A CSL style file."""

    path: Path


def load_style(name: str, root: Path) -> CitationStyle:
    """Find a style: a bundled name, or a .csl path relative to the site's folder."""
    path = BUNDLED_STYLES / f"{name}.csl" if "/" not in name and not name.endswith(".csl") else root / name
    if not path.is_file():
        bundled = ", ".join(sorted(p.stem for p in BUNDLED_STYLES.glob("*.csl")))
        raise ContentError(f"citation style '{name}' not found", "pyproject.toml", hint=f"bundled styles: {bundled}; or give a .csl file")
    return CitationStyle(path)


def has_citations(html_text: str) -> bool:
    """Tell whether rendered HTML holds citation placeholders."""
    return '<cite class="citation"' in html_text


def cite_page(page: Page, entries: Mapping[str, Publication], style: CitationStyle, locale: Locale) -> Page:
    """Format a page's citations and append its reference list; an unknown bracketed key is an error."""
    body = page.document.body
    found = [(decode_items(html.unescape(m.group(1))), m.group(2)) for m in PLACEHOLDER.finditer(body)]
    cited = [(items, mode) for items, mode in found if all(item.key in entries for item in items)]
    for items, mode in found:
        missing = [item.key for item in items if item.key not in entries]
        if missing and mode == "paren":
            raise ContentError(f"unknown citation key '{missing[0]}'", page.source_rel, _line_of(page, missing[0]),
                               hint="keys come from data/*.bib or the page's 'bibliography:'")
    if not cited:
        return replace(page, document=with_body(page.document, _unmark(body)), summary=_unmark(page.summary))
    formatted, references = _format(cited, entries, style, _csl_locale(locale.code))
    numbers = iter(range(1, len(cited) + 1))
    backrefs: dict[str, list[int]] = {}

    def substitute(match: re.Match[str]) -> str:
        items = decode_items(html.unescape(match.group(1)))
        if not all(item.key in entries for item in items):
            return match.group(3)  # `@name` that is no key: a handle, left as written
        number = next(numbers)
        for item in items:
            backrefs.setdefault(item.key, []).append(number)
        text = formatted[number - 1]
        return f'<cite class="citation" id="cite-{number}"><a href="#ref-{items[0].key}" role="doc-biblioref">{text}</a></cite>'

    new_body = PLACEHOLDER.sub(substitute, body) + _reference_list(references, backrefs, locale)
    return replace(page, document=replace(page.document, body=new_body), summary=_cite_summary(page.summary, entries, formatted))


def _unmark(text: str) -> str:
    return PLACEHOLDER.sub(lambda m: m.group(3), text)


def _cite_summary(summary: str, entries: Mapping[str, Publication], formatted: Sequence[str]) -> str:
    """Format the citations of a listing's summary, without links (the reference list is on the post).

    The summary is the start of the body, so its citations are the body's first ones, in order.
    """
    numbers = iter(range(len(formatted)))

    def substitute(match: re.Match[str]) -> str:
        items = decode_items(html.unescape(match.group(1)))
        if not all(item.key in entries for item in items):
            return match.group(3)
        return f'<cite class="citation">{formatted[next(numbers)]}</cite>'

    return PLACEHOLDER.sub(substitute, summary)


def _format(
    cited: Sequence[tuple[tuple[CiteItem, ...], str]],
    entries: Mapping[str, Publication],
    style: CitationStyle,
    csl_locale: str,
) -> tuple[list[str], list[tuple[str, str]]]:
    """Format each citation and the reference list: (citation texts, [(key, reference HTML)]).

    A narrative citation is the style's author part, then the citation with the author left out,
    both rendered by citeproc from variants of the style (see sitegen.portfolio.cslmodes).
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    keys = sorted({item.key for items, _ in cited for item in items})
    source = CiteProcJSON([to_csl(entries[key]) for key in keys])

    def render(mode: str) -> tuple[Any, list[str]]:
        """Register every citation in page order (so numbers agree) and render each in one mode."""
        bibliography = CitationStylesBibliography(_style(style.path, csl_locale, mode), source, formatter.html)
        citations = [Citation([CitationItem(item.key, **_locator(item.locator)) for item in items]) for items, _ in cited]
        for citation in citations:
            bibliography.register(citation)
        return bibliography, [str(bibliography.cite(citation, _ignore)) for citation in citations]

    bibliography, texts = render(FULL)
    if any(mode == "narrative" for _, mode in cited):
        authors, rests = render(AUTHOR_ONLY)[1], render(SUPPRESS_AUTHOR)[1]
        texts = [
            f"{author} {rest}" if mode == "narrative" and author.strip() else text
            for (_, mode), text, author, rest in zip(cited, texts, authors, rests, strict=True)
        ]
    bibliography.sort()
    references = [(str(key), str(item)) for key, item in zip(bibliography.keys, bibliography.bibliography(), strict=True)]
    return texts, references


def _ignore(item: object) -> None:
    """citeproc reports keys it lacks through a callback; every key was checked before."""


def _style(path: Path, csl_locale: str, mode: str) -> Any:
    """Load a style in one citation mode, again only when the file's bytes changed (a preview edit)."""
    return _parsed_style(path.read_bytes(), csl_locale, mode)


@functools.lru_cache(maxsize=16)
def _parsed_style(xml: bytes, csl_locale: str, mode: str) -> Any:
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(io.BytesIO(style_variant(xml, mode)), locale=csl_locale, validate=False)


def _locator(text: str) -> dict[str, Any]:
    from citeproc import Locator

    if not text:
        return {}
    match = _LOCATOR.match(text.strip())
    if match is None:
        return {"locator": Locator("page", text.strip())}
    label = match.group(1).lower()
    return {"locator": Locator(_LOCATOR_TERMS.get(label, label), match.group(2))}


def _reference_list(references: Sequence[tuple[str, str]], backrefs: Mapping[str, Sequence[int]], locale: Locale) -> str:
    heading = html.escape(locale.text("references"))
    items = []
    for key, text in references:
        links = "".join(
            f' <a class="backref" href="#cite-{n}" aria-label="{html.escape(locale.text("back_to_citation", number=n))}">↩</a>'
            for n in backrefs.get(key, ())
        )
        items.append(f'<li id="ref-{html.escape(key)}">{_strip_number(text)}{links}</li>')
    return (
        f'\n<section class="references" role="doc-bibliography" aria-labelledby="references">'
        f'<h2 id="references">{heading}</h2><ol class="reference-list">{"".join(items)}</ol></section>\n'
    )


def _strip_number(text: str) -> str:
    """Numeric styles write "[1]" before each reference; the ordered list numbers them already."""
    return re.sub(r"^\[\d+\]", "", text).strip()


@functools.lru_cache(maxsize=1)
def _csl_dialects() -> Mapping[str, str]:
    import citeproc

    path = Path(citeproc.__file__).parent / "data" / "locales" / "locales.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))["primary-dialects"])


def _csl_locale(code: str) -> str:
    """Map a site locale code (fr, zh-Hans, en-GB) to a CSL locale (fr-FR, zh-CN, en-GB)."""
    special = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
    if code in special:
        return special[code]
    dialects = _csl_dialects()
    if "-" in code and code in dialects.values():
        return code
    return dialects.get(code.split("-")[0], "en-US")


def _line_of(page: Page, key: str) -> int | None:
    """Find the line of the first `@key` in the page's source file (only on the error path)."""
    try:
        text = page.document.source.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    match = re.search(rf"@{re.escape(key)}(?![\w:.-]*\w)", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def cite_pages(
    pages: Sequence[Page],
    entries: Mapping[str, Publication],
    style: Callable[[], CitationStyle],
    locale: Locale,
    extra: Callable[[Page], Mapping[str, Publication]],
) -> tuple[Page, ...]:
    """Format the citations of every page that has some; the style is loaded only when one does."""
    return tuple(
        cite_page(page, {**entries, **extra(page)}, style(), locale) if has_citations(page.document.body) else page
        for page in pages
    )
