"""The citation modes citeproc-py lacks, made from the CSL style itself: author-only and suppress-author.

citeproc-py renders a citation only the way the style's `<citation>` layout says; it has no
"author-only" or "suppress-author" mode (citeproc-js has both). A narrative citation, "Okafor
et al. (2021)", is the two put together, so this module writes two variants of the style:

- author-only: the citation layout keeps only its author part, the first element whose output
  comes from `<names>` (directly or through macros), without its own or the layout's affixes. A style whose
  citation names nobody (a numeric style) lends the author part of its bibliography, with short
  names and "et al." after the first of three or more, as running text needs.
  In running text names are joined with the locale's word, not "&" (APA: "Müller and Okafor
  (2024)" but "(Müller & Okafor, 2024)"), as Pandoc's citeproc does.
- suppress-author: the citation layout without that author part.

Either way the names, their form, "et al." and the punctuation come from the style and its
locale through citeproc, so changing the style changes narrative citations with the rest.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping

FULL = "full"
AUTHOR_ONLY = "author-only"
SUPPRESS_AUTHOR = "suppress-author"

_CS = "{http://purl.org/net/xbiblio/csl}"
_IN_TEXT_NAMES = {"form": "short", "et-al-min": "3", "et-al-use-first": "1"}


def style_variant(xml: bytes, mode: str) -> bytes:
    """Return the style's XML for one mode: unchanged (FULL), AUTHOR_ONLY or SUPPRESS_AUTHOR."""
    if mode == FULL:
        return xml
    root = ET.fromstring(xml)
    macros = {str(macro.get("name")): macro for macro in root.iter(f"{_CS}macro")}
    layout = root.find(f"{_CS}citation/{_CS}layout")
    if layout is None:
        return xml
    author = author_part(layout, macros)
    if mode == SUPPRESS_AUTHOR:
        if author is not None:
            _parent(layout, author).remove(author)
    else:
        _keep_only_author(root, layout, author, macros)
    return bytes(ET.tostring(root, encoding="utf-8"))


def author_part(layout: ET.Element, macros: Mapping[str, ET.Element]) -> ET.Element | None:
    """Find the first element of a layout whose output comes from `<names>`."""
    for element in layout.iter():
        if element.tag == f"{_CS}names" or (element.tag == f"{_CS}text" and _names_in(element, macros, set())):
            return element
    return None


def _names_in(element: ET.Element, macros: Mapping[str, ET.Element], seen: set[str]) -> bool:
    """Tell whether an element renders names, following the macros it calls."""
    return any(inner.tag == f"{_CS}names" for inner in _rendered(element, macros, seen))


def _rendered(element: ET.Element, macros: Mapping[str, ET.Element], seen: set[str]) -> Iterator[ET.Element]:
    """Yield every element an element renders, through the macros it calls (each macro once)."""
    for inner in element.iter():
        yield inner
        name = inner.get("macro") or ""
        if inner.tag == f"{_CS}text" and name in macros and name not in seen:
            seen.add(name)
            yield from _rendered(macros[name], macros, seen)


def _keep_only_author(root: ET.Element, layout: ET.Element, author: ET.Element | None, macros: Mapping[str, ET.Element]) -> None:
    """Make the citation layout render the author part alone, names joined as running text."""
    short = False
    if author is None:
        bibliography = root.find(f"{_CS}bibliography/{_CS}layout")
        author = author_part(bibliography, macros) if bibliography is not None else None
        short = True
    for child in list(layout):
        layout.remove(child)
    layout.attrib.clear()
    if author is None:
        return  # the style names no one anywhere: the caller keeps the full citation
    author = copy.deepcopy(author)
    for affix in ("prefix", "suffix", "display"):  # they belong to the part's place in its layout
        author.attrib.pop(affix, None)
    layout.append(author)
    for name in _names_of(author, macros, set()):
        if name.get("and") == "symbol":
            name.set("and", "text")
        if short:
            name.attrib.update(_IN_TEXT_NAMES)
    citation = root.find(f"{_CS}citation")
    if citation is not None and citation.get("and") == "symbol":
        citation.set("and", "text")


def _names_of(element: ET.Element, macros: Mapping[str, ET.Element], seen: set[str]) -> Iterator[ET.Element]:
    """Yield the `<name>` elements an element renders, through the macros it calls."""
    return (inner for inner in _rendered(element, macros, seen) if inner.tag == f"{_CS}name")


def _parent(root: ET.Element, child: ET.Element) -> ET.Element:
    """Return the element that holds child (ElementTree keeps no parent links)."""
    return next(parent for parent in root.iter() if child in list(parent))
