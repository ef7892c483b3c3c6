"""Tables: the empty top-left cell of a comparison table is a data cell, not a header.

`| | LayerNorm | RMSNorm |` is how Markdown writes a table whose rows and
columns both have headings; Python-Markdown makes its empty first cell a `<th>`,
which screen readers announce as a header with no name (axe: empty-table-header).
WAI's tables tutorial leaves that corner cell empty as a `<td>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor


class _EmptyHeaderProcessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for cell in root.iter("th"):
            if not (cell.text or "").strip() and len(cell) == 0:
                cell.tag = "td"


class TableExtension(Extension):
    """Turn empty header cells of Markdown tables into data cells."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline processor (20): a cell holding only an image or a link is not empty.
        md.treeprocessors.register(_EmptyHeaderProcessor(md), "empty_table_header", 5)
