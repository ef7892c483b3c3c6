"""Citation syntax in Markdown: `[@key]`, `[@a; @b]`, `[@key, p. 3]`, narrative `@key` and `@key [p. 3]`.

Markdown only marks citations here, as `<cite class="citation" …>` placeholders
keeping the text as written; formatting them needs the site's bibliography and
happens later (sitegen.portfolio.cite), so rendered Markdown stays cacheable.
Being inline patterns, they never see code spans, fenced code (stashed first)
or math (cut out before Markdown runs); an `@` after a letter, digit, dot or
`@` is part of an e-mail address or a handle, not a citation.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

KEY = r"\w(?:[\w:.-]*\w)?"  # Pandoc keys without the punctuation HTML would break on
_ITEM = re.compile(rf"^\s*@({KEY})\s*(?:,\s*(.*?))?\s*$")
BRACKETED = rf"\[(\s*@{KEY}[^\]\[]*?)\](?![(\[:])"
LOCATOR_LABELS = "p|pp|page|pages|ch|chap|chapter|sec|section|§|fig|figure|vol|volume|l|line"
# Pandoc's `@key [p. 3]`: the bracket is the narrative citation's locator only when it is a label and a number.
NARRATIVE = rf"(?<![\w.@/\\\[])@({KEY})(?:[ \t]\[((?i:{LOCATOR_LABELS})\.?\s*\d[^\]\[]*?)\](?![(\[:]))?"
PLACEHOLDER = re.compile(r'<cite class="citation" data-cites="([^"]*)" data-mode="(paren|narrative)">(.*?)</cite>', re.DOTALL)


@dataclass(frozen=True, slots=True)
class CiteItem:
    """One cited work in a citation: its key and an optional locator ("p. 3")."""

    key: str
    locator: str = ""


def parse_bracketed(inner: str) -> tuple[CiteItem, ...] | None:
    """Parse the inside of `[…]` into items, or None when it is not a citation."""
    items = []
    for part in inner.split(";"):
        match = _ITEM.match(part)
        if match is None:
            return None
        items.append(CiteItem(match.group(1), match.group(2) or ""))
    return tuple(items)


def encode_items(items: tuple[CiteItem, ...]) -> str:
    """Write items into a placeholder attribute: `key|locator` joined by `;`."""
    return ";".join(f"{item.key}|{item.locator}" for item in items)


def decode_items(value: str) -> tuple[CiteItem, ...]:
    """Read the items back from a placeholder attribute (HTML-unescaped)."""
    return tuple(CiteItem(*part.split("|", 1)) for part in value.split(";") if part)


class _BracketedProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:  # type: ignore[override]
        items = parse_bracketed(m.group(1))
        if items is None:
            return None, None, None
        return _placeholder("paren", items, m.group(0)), m.start(0), m.end(0)


class _NarrativeProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:  # type: ignore[override]
        return _placeholder("narrative", (CiteItem(m.group(1), m.group(2) or ""),), m.group(0)), m.start(0), m.end(0)


def _placeholder(mode: str, items: tuple[CiteItem, ...], text: str) -> etree.Element:
    element = etree.Element("cite")
    element.set("class", "citation")
    element.set("data-mode", mode)
    element.set("data-cites", encode_items(items))
    element.text = AtomicString(text)  # not parsed again: `@key` inside `[@key]` stays one citation
    return element


class CitationExtension(Extension):
    """Mark Pandoc-style citations for the citation stage."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Above links (160) so `[@key]` is not taken for a reference link; below code spans (190).
        md.inlinePatterns.register(_BracketedProcessor(BRACKETED, md), "citation", 175)
        # Below automatic links and e-mail addresses (120, 110).
        md.inlinePatterns.register(_NarrativeProcessor(NARRATIVE, md), "narrative_citation", 105)
