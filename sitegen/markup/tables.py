"""kramdown tables that Python-Markdown's table syntax does not read, rewritten into it.

kramdown (https://kramdown.gettalong.org/syntax.html#tables) lets a table start
with a separator line (`|-----+-----|`), separate groups of body rows with
`|---` lines, start the footer with `|===`, and have no header at all.
Python-Markdown wants a header row, then one separator, then the rows. So the
separators before the header and between row groups are dropped (the rows stay),
a table without a header gets an empty one, and the rows after `|===` go
into the table's `<tfoot>`. A table already in that shape is
left as written; so is every line inside code (issue 12).

Also, the empty top-left cell of a comparison table (`| | LayerNorm | RMSNorm |`)
is a data cell, not a header: Python-Markdown makes it a `<th>`, which screen
readers announce as a header with no name (axe: empty-table-header); WAI's
tables tutorial leaves that corner cell empty as a `<td>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from sitegen.markup.blocks import TEXT, classify_lines

FOOTER_MARK = "zzkdfootzz"
_ROW = re.compile(r"^[ ]{0,3}\|")
_SEPARATOR = re.compile(r"^[ ]{0,3}\|[ \t]*[-=:][-=:+| \t]*$")
_CELL = re.compile(r"[ \t]*(:?)[-=]+(:?)[ \t]*")


def is_separator(line: str) -> bool:
    """Tell whether a table line is a kramdown separator (`|---`, `|-+-|`, `|:-|-:|`, `|===`)."""
    return bool(_SEPARATOR.match(line)) and ("-" in line or "=" in line)


def rewrite_tables(lines: Sequence[str]) -> list[str]:
    """Return the lines with every kramdown-only table rewritten as a Python-Markdown table."""
    if not any(_ROW.match(line) for line in lines):
        return list(lines)
    kinds = classify_lines(lines)
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _ROW.match(lines[end]) and kinds[end].kind == TEXT and not kinds[end].depth:
            end += 1
        if end == index:
            out.append(lines[index])
            index += 1
            continue
        out += _table(lines[index:end])
        index = end
    return out


def _table(rows: Sequence[str]) -> list[str]:
    """Rewrite one block of `|` lines, unless Python-Markdown already reads it as kramdown does."""
    separators = [number for number, row in enumerate(rows) if is_separator(row)]
    if not separators or separators == [1] and "=" not in rows[1] and "+" not in rows[1]:
        return list(rows)
    body = list(rows)
    while body and is_separator(body[0]):
        body.pop(0)
    header: list[str] = []
    if len(body) > 1 and is_separator(body[1]):
        header, alignment = [body[0]], body[1]
        body = body[2:]
    else:
        alignment = rows[separators[0]]
    footer_at = next((number for number, row in enumerate(body) if is_separator(row) and "=" in row), len(body))
    body = [row if number < footer_at else _mark_footer(row) for number, row in enumerate(body) if not is_separator(row)]
    columns = max((_cell_count(row) for row in (*header, *body)), default=1)
    if not header:
        header = ["|" + " |" * columns]
    return [*header, _alignment_row(alignment, columns), *body]


def _mark_footer(row: str) -> str:
    """Mark a footer row in its first cell; `move_footers` takes the rows into a <tfoot>."""
    return row.replace("|", f"| {FOOTER_MARK} ", 1)


def move_footers(root: ET.Element) -> None:
    """Move the rows marked as footer rows from each table's body into a <tfoot>."""
    for table in root.iter("table"):
        body = table.find("tbody")
        marked = [row for row in body or () if len(row) and (row[0].text or "").startswith(FOOTER_MARK)]
        if body is None or not marked:
            continue
        footer = ET.SubElement(table, "tfoot")
        footer.text, footer.tail, body.tail = "\n", "\n", "\n"
        for row in marked:
            row[0].text = (row[0].text or "").removeprefix(FOOTER_MARK).lstrip()
            body.remove(row)
            footer.append(row)


def _cell_count(row: str) -> int:
    """Count the cells of a row (escaped pipes and pipes in code spans do not split)."""
    text = re.sub(r"`[^`]*`|\\\|", "x", row.strip())
    return max(1, len(text.strip("|").split("|")))


def _alignment_row(separator: str, columns: int) -> str:
    """Make a Python-Markdown separator with `columns` cells, keeping the alignments kramdown's gives."""
    cells = [cell for cell in re.split(r"[|+]", separator.strip().strip("|")) if cell.strip()]
    marks = []
    for number in range(columns):
        match = _CELL.fullmatch(cells[number]) if number < len(cells) else None
        left, right = (match.group(1), match.group(2)) if match else ("", "")
        marks.append(f"{left}---{right}")
    return "| " + " | ".join(marks) + " |"


class _EmptyHeaderProcessor(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for cell in root.iter("th"):
            if not (cell.text or "").strip() and len(cell) == 0:
                cell.tag = "td"


class TableExtension(Extension):
    """Turn empty header cells of Markdown tables into data cells."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline processor (20): a cell holding only an image or a link is not empty.
        md.treeprocessors.register(_EmptyHeaderProcessor(md), "empty_table_header", 5)
