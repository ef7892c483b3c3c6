"""Footnotes without dangling links: a note defined but never cited keeps its text, not its back-link.

Python-Markdown lists every defined footnote with a back-link to its reference,
even when the text never cites it (a notebook cites in one cell what another
defines, a post keeps a note it no longer uses); the link would lead nowhere
(issue 12).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor


class _DropDanglingBacklinks(Treeprocessor):
    """Remove back-links whose reference is not in the text."""

    def run(self, root: ET.Element) -> None:
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        for parent in list(root.iter()):
            for link in list(parent):
                if link.tag != "a" or "footnote-backref" not in link.get("class", "").split():
                    continue
                if link.get("href", "").removeprefix("#") in ids:
                    continue
                _remove_keeping_tail(parent, link)


def _remove_keeping_tail(parent: ET.Element, child: ET.Element) -> None:
    """Remove a back-link and the no-break space before it."""
    children = list(parent)
    position = children.index(child)
    tail = child.tail or ""
    if position:
        previous = children[position - 1]
        previous.tail = (previous.tail or "").removesuffix(NBSP_PLACEHOLDER) + tail
    else:
        parent.text = (parent.text or "").removesuffix(NBSP_PLACEHOLDER) + tail
    parent.remove(child)


class FootnoteExtension(Extension):
    """Register the clean-up after Python-Markdown's footnotes are placed (50) and inline markup made (20)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the tree processor."""
        md.treeprocessors.register(_DropDanglingBacklinks(md), "footnote_backlinks", 14)
