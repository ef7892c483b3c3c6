"""A notebook's front matter, from the first place that has one.

In order: a first raw cell holding a `---` YAML block; the notebook metadata
under `sitegen`; a first Markdown cell in the fastpages form:

    # Title
    > One-line summary
    - toc: true
    - tags: [nlp, word2vec]

The cell that held the front matter is not shown as content. The source of the
front matter is kept as text (`FrontMatterSource`) so that a cached conversion
parses it again into exactly the values a fresh read gives.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen.errors import ContentError
from sitegen.readers.frontmatter import parse_front_matter_block, split_front_matter
from sitegen.readers.notebook.load import CellLocation

RAW_CELL = "raw cell"
METADATA = "metadata"
MARKDOWN_CELL = "markdown cell"

_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_SUMMARY = re.compile(r"^>\s?(.*)$")
_FIELD = re.compile(r"^[-*]\s+([A-Za-z_][\w-]*)\s*:(.*)$")
_SITEGEN_KEY = re.compile(r'^\s*"sitegen":')
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class FrontMatterSource:
    """Where a notebook's front matter came from, as text."""

    origin: str  # RAW_CELL, METADATA, MARKDOWN_CELL, or "" when there is none
    text: str = ""  # YAML (a fastpages cell is rewritten line for line), or JSON for METADATA
    cell: int | None = None  # 0-based index of the cell that held it; that cell is not shown
    first_line: int | None = None  # line in the .ipynb file of the text's first line
    listed: bool = True  # line k of the text is at first_line + k


@dataclass(frozen=True, slots=True)
class NotebookFrontMatter:
    """Parsed front matter: the raw mapping and the file line of each key."""

    data: Mapping[str, Any]
    key_lines: Mapping[str, int]


def find_front_matter(
    node: Any, locations: Sequence[CellLocation | None], text: str, rel: str
) -> FrontMatterSource:
    """Find the notebook's front matter without parsing it yet."""
    first = _first_cell(node.cells)
    if first is not None:
        index, cell = first
        location = locations[index] if index < len(locations) else None
        if cell.cell_type == "raw":
            found = _raw_cell(cell.source, index, location, rel)
            if found:
                return found
    if "sitegen" in node.metadata:
        return _metadata(node.metadata["sitegen"], text, rel)
    if first is not None and first[1].cell_type == "markdown":
        index = first[0]
        found = _fastpages_cell(first[1].source, index, locations[index] if index < len(locations) else None)
        if found:
            return found
    return FrontMatterSource("")


def _first_cell(cells: Sequence[Any]) -> tuple[int, Any] | None:
    for index, cell in enumerate(cells):
        if str(cell.get("source", "")).strip():
            return index, cell
    return None


def _raw_cell(source: str, index: int, location: CellLocation | None, rel: str) -> FrontMatterSource | None:
    if source.lstrip("\ufeff").splitlines()[0].rstrip() != "---":
        return None
    yaml_text, _body, _line = split_front_matter(source)
    if yaml_text is None:
        line = location.line_of(0) if location else None
        raise ContentError(f"front matter in cell {index + 1} has no closing '---' line", rel, line)
    first_line = location.line_of(1) if location else None
    return FrontMatterSource(RAW_CELL, yaml_text, index, first_line, location.listed if location else True)


def _metadata(value: Any, text: str, rel: str) -> FrontMatterSource:
    lines = text.splitlines()
    line = next((n for n in range(len(lines), 0, -1) if _SITEGEN_KEY.match(lines[n - 1])), None)
    if not isinstance(value, dict):
        kind = type(value).__name__
        raise ContentError(f"notebook metadata 'sitegen' must be a mapping of fields, got a {kind}", rel, line)
    return FrontMatterSource(METADATA, json.dumps(value, ensure_ascii=False), None, line, False)


def _fastpages_cell(source: str, index: int, location: CellLocation | None) -> FrontMatterSource | None:
    """Rewrite a fastpages front matter cell as YAML with the same lines, or None if it is not one."""
    lines = source.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip())
    title = _TITLE.match(lines[start].strip())
    if not title:
        return None
    yaml_lines = [""] * len(lines)
    yaml_lines[start] = "title: " + _quoted(_unquote(title.group(1)))
    summaries: list[str] = []
    fields = 0
    for number in range(start + 1, len(lines)):
        line = lines[number].strip()
        summary, field = _SUMMARY.match(line), _FIELD.match(line)
        if summary and not fields:
            summaries.append(_unquote(summary.group(1).strip()))
        elif field:
            yaml_lines[number] = f"{field.group(1)}: {field.group(2).strip()}"
            fields += 1
        elif line:
            return None
    if not summaries and not fields:
        return None
    if summaries:
        summary_line = next(n for n in range(start + 1, len(lines)) if _SUMMARY.match(lines[n].strip()))
        yaml_lines[summary_line] = "description: " + _quoted(_text_of(" ".join(summaries)))
    first_line = location.line_of(0) if location else None
    return FrontMatterSource(MARKDOWN_CELL, "\n".join(yaml_lines) + "\n", index, first_line, location.listed if location else True)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def _text_of(summary: str) -> str:
    """fastpages summaries may hold inline HTML; a description is plain text."""
    return " ".join(html.unescape(_TAG.sub("", summary)).split())


def _quoted(value: str) -> str:
    """Quote a string for YAML (a JSON string is a valid YAML double-quoted scalar)."""
    return json.dumps(value, ensure_ascii=False)


def parse_notebook_front_matter(
    source: FrontMatterSource, rel: str, file_lines: Sequence[str] = ()
) -> NotebookFrontMatter:
    """Parse found front matter; a YAML error points at its line (and column) in the .ipynb file."""
    if not source.origin:
        return NotebookFrontMatter({}, {})
    if source.origin == METADATA:
        data = json.loads(source.text)
        line = source.first_line
        return NotebookFrontMatter(data, {str(key): line for key in data} if line else {})
    try:
        data, key_lines = parse_front_matter_block(source.text, rel, source.first_line or 1)
    except ContentError as error:
        raise _relocated(error, source, rel, file_lines) from error
    if not source.first_line or not source.listed:
        key_lines = {key: source.first_line for key in key_lines} if source.first_line else {}
    if source.origin == MARKDOWN_CELL:
        data, key_lines = _categories_as_tags(data, key_lines)
    return NotebookFrontMatter(data, key_lines)


def _categories_as_tags(
    data: Mapping[str, Any], key_lines: Mapping[str, int]
) -> tuple[Mapping[str, Any], Mapping[str, int]]:
    """fastpages calls a post's tags `categories`."""
    if "categories" not in data or "tags" in data:
        return data, key_lines
    lines = dict(key_lines)
    if "categories" in lines:
        lines["tags"] = lines["categories"]
    return {**data, "tags": data["categories"]}, lines


def _relocated(error: ContentError, source: FrontMatterSource, rel: str, file_lines: Sequence[str]) -> ContentError:
    """Point a YAML error at the .ipynb file: the line is right only when lines are listed."""
    problem = error.problems[0]
    if not source.first_line:
        return ContentError(problem.message, rel, None, hint=problem.hint)
    if not source.listed:
        return ContentError(problem.message, rel, source.first_line, hint=problem.hint)
    column = None
    if source.origin == RAW_CELL and problem.line and problem.column:
        column = _file_column(source.text, problem.line - source.first_line, problem.column, problem.line, file_lines)
    return ContentError(problem.message, rel, problem.line, column, problem.hint)


def _file_column(text: str, text_line: int, column: int, file_line: int, file_lines: Sequence[str]) -> int | None:
    """Turn a column in the YAML text into a column in the JSON string that holds that line."""
    lines = text.splitlines()
    if not 0 <= text_line < len(lines) or not 0 < file_line <= len(file_lines):
        return None
    quote = file_lines[file_line - 1].find('"')
    if quote < 0:
        return None
    escaped = json.dumps(lines[text_line][: column - 1], ensure_ascii=False)[1:-1]
    return quote + 1 + len(escaped) + 1
