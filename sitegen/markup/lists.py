"""List items indented the way kramdown and CommonMark read them, rewritten for Python-Markdown.

kramdown (and CommonMark, and Jupyter) continue a list item with any line
indented to the item's content column: two spaces after `- `, three after
`1. `. Python-Markdown wants four spaces per level, so a paragraph, fence,
display math block or image written under `1. ` with three spaces falls out of
the list, and `  - b` under `- a` is no nested list. This pass moves every line
of an item from its content column to Python-Markdown's (four per level),
keeping the indentation beyond it, so the result parses as kramdown meant it
(issue 12). Lines keep their order; `reindent_lists` says where each came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.markup.fences import closes, fence_marker

_ITEM = re.compile(r"^(?P<indent>[ ]*)(?P<marker>[*+-]|\d{1,9}\.)(?P<gap>[ ]+|$)")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LEVEL = 4


@dataclass(frozen=True, slots=True)
class _Item:
    """An open list item: where its content starts in the source and where it goes."""

    source_column: int
    target_column: int


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _shifted(line: str, shift: int) -> str:
    """Move a line `shift` columns right (left when negative, never past its text)."""
    if shift >= 0:
        return " " * shift + line
    return line[min(-shift, _indent(line)) :]


def reindent_lists(text: str) -> tuple[str, tuple[int, ...]]:
    """Put each list item's content at Python-Markdown's column, as kramdown reads the item.

    Returns the text and, for each of its lines, the line of `text` it comes from: a blank
    line is added before an item that follows a loose item's paragraph, which Python-Markdown
    would otherwise take as part of that paragraph. Lists inside block quotes are done too.
    """
    lines = text.split("\n")
    if len(lines) < 2 or not any(_ITEM.match(_QUOTE.sub("", line, count=1)) for line in lines):
        return text, tuple(range(len(lines)))
    walker = _Reindenter()
    out: list[str] = []
    origin: list[int] = []
    number = 0
    while number < len(lines):
        if walker.at_top() and _QUOTE.match(lines[number]):
            end = number
            while end < len(lines) and _QUOTE.match(lines[end]):
                end += 1
            quoted, inner = reindent_lists("\n".join(_QUOTE.sub("", line, count=1) for line in lines[number:end]))
            out += [f"> {line}" if line else ">" for line in quoted.split("\n")]
            origin += [number + line for line in inner]
            walker.run(lines[end - 1])  # a quote's last line, as far as the list outside it goes
            number = end
            continue
        line = lines[number]
        for part in walker.run(line.expandtabs(_LEVEL) if line.startswith((" ", "\t")) else line):
            out.append(part)
            origin.append(number)
        number += 1
    return "\n".join(out), tuple(origin)


class _Reindenter:
    """Walks the lines once, keeping the open list items and the fence or code block it is in."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.after_blank = True
        self.fence: str | None = None
        self.fence_shift = 0
        self.top_code = False  # in an indented code block outside any list
        self.loose = False  # a blank line came inside the current item
        self.previous_was_content = False  # the last line was an item's text, not its marker line

    def at_top(self) -> bool:
        """Tell whether the walk is outside every list, fence and code block."""
        return not self.items and self.fence is None and not self.top_code

    def run(self, line: str) -> list[str]:
        """Return the lines Python-Markdown should see for this one."""
        had_blank = self.loose
        shown = self._line(line)
        if self.blank_needed(line, had_blank):
            return ["", shown]
        return [shown]

    def blank_needed(self, line: str, had_blank: bool) -> bool:
        """Tell whether an item line follows a loose item's text directly (Python-Markdown would run them together)."""
        item_line = bool(_ITEM.match(line)) and self.fence is None and not self.top_code
        needed = item_line and had_blank and self.previous_was_content
        self.previous_was_content = not item_line and bool(line.strip()) and bool(self.items)
        if item_line:
            self.loose = False
        return needed

    def _line(self, line: str) -> str:
        """Return the line as Python-Markdown should see it."""
        if self.fence is not None:
            if closes(self.fence, line.lstrip(" ")):
                self.fence = None
            return _shifted(line, self.fence_shift)
        if not line.strip():
            self.after_blank = True
            self.loose = self.loose or bool(self.items)
            return line
        indent = _indent(line)
        if self.top_code and indent >= _LEVEL:
            return line
        self.top_code = False
        if self.after_blank:
            while self.items and indent < self.items[-1].source_column:
                self.items.pop()
        if not self.items and fence_marker(line):
            self.fence, self.fence_shift = fence_marker(line), 0
            self.after_blank = False
            return line
        if _RULE.match(line):
            self.items.clear()
            self.after_blank = False
            return line
        item = _ITEM.match(line)
        blank_before, self.after_blank = self.after_blank, False
        if not self.items and indent >= _LEVEL and blank_before:
            self.top_code = True
            return line
        code = blank_before and bool(self.items) and indent >= self.items[-1].source_column + _LEVEL
        # Python-Markdown starts no list inside a paragraph: outside lists an item needs a blank line before it.
        nested = bool(self.items) and (indent >= self.items[-1].source_column or indent < _LEVEL)
        if item and not code and (blank_before or nested):
            return self._item(line, item)
        if not self.items or not blank_before and indent < self.items[-1].source_column:
            return line  # outside lists, or a lazy continuation of the item's paragraph
        return self._content(line)

    def _item(self, line: str, item: re.Match[str]) -> str:
        while self.items and _indent(line) < self.items[-1].source_column:
            self.items.pop()
        target = self.items[-1].target_column if self.items else 0
        gap = len(item.group("gap"))
        # Five spaces or more after the marker: the content is indented code, one space is the gap.
        width = len(item.group("marker")) + (gap if 0 < gap <= _LEVEL else 1)
        self.items.append(_Item(_indent(line) + width, target + _LEVEL))
        return " " * target + line.lstrip(" ")

    def _content(self, line: str) -> str:
        top = self.items[-1]
        shift = top.target_column - top.source_column
        stripped = line.lstrip(" ")
        marker = fence_marker(stripped) if "``" in line or "~~" in line else None
        if marker:
            self.fence, self.fence_shift = marker, shift
        return _shifted(line, shift)
