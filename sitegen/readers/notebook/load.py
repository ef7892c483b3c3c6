"""Load a Jupyter notebook: JSON with positions, nbformat v4, repairs and validation.

Errors name the notebook and, where they can, the cell (1-based, in the order
the notebook shows them) and its line in the .ipynb file.
"""

from __future__ import annotations

import copy
import json
import re
import warnings
from dataclasses import dataclass
from typing import Any

import nbformat
from nbformat import reader as nbformat_reader
from nbformat import validator

from sitegen.errors import ContentError, Problem, warning

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_CELL_TYPE = re.compile(r'^(\s*)"cell_type":\s*"')
_SOURCE = re.compile(r'^(\s*)"source":\s*(\[|")')


@dataclass(frozen=True, slots=True)
class CellLocation:
    """Where a cell's source sits in the .ipynb file (nbformat writes one JSON string per line)."""

    line: int  # 1-based line of the cell's "cell_type" key
    source_line: int  # line of the source's first line of text
    listed: bool  # True: source line k is at source_line + k; False: all on one line

    def line_of(self, source_line: int) -> int:
        """Return the file line of the cell's 0-based source line."""
        return self.source_line + source_line if self.listed else self.source_line


@dataclass(frozen=True, slots=True)
class LoadedNotebook:
    """A notebook read as nbformat v4, with cell locations and the repairs made."""

    node: Any  # nbformat.NotebookNode
    locations: tuple[CellLocation | None, ...]  # one per cell
    warnings: tuple[Problem, ...]

    def cell_line(self, index: int) -> int | None:
        """Return the file line of cell `index` (0-based), when known."""
        location = self.locations[index] if index < len(self.locations) else None
        return location.line if location else None


def load_notebook(text: str, rel: str) -> LoadedNotebook:
    """Parse notebook text into a validated nbformat v4 node; raise a located ContentError."""
    data = parse_notebook_json(text, rel)
    node = _as_version_4(text, data, rel)
    locations = _checked(locate_cells(text, len(node.cells)), node.cells, text)
    _check_shape(node, rel, locations, text)
    problems = [*_repair_widget_state(node, rel), *_repair_cell_ids(node)]
    problems += _validate(node, rel, locations)
    return LoadedNotebook(node, locations, tuple(problems))


# A JSON escape of half a UTF-16 pair (\ud800 alone) is valid JSON but no text: it cannot be written as UTF-8.
# The lookbehind keeps an escaped backslash followed by "ud800" as it is.
_LONE_SURROGATE = re.compile(
    r"(?<!\\)((?:\\\\)*)(?:\\u(d[89ab][0-9a-f]{2})(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2}))",
    re.IGNORECASE,
)


def replace_lone_surrogates(text: str, rel: str) -> tuple[str, list[Problem]]:
    """Replace escapes of lone UTF-16 surrogates with U+FFFD (same length, so lines and columns stay)."""
    found: list[Problem] = []

    def replace(match: re.Match[str]) -> str:
        line = text.count("\n", 0, match.start()) + 1
        found.append(warning(f"a lone surrogate \\u{match.group(2) or match.group(3)} replaced with U+FFFD", rel, line))
        return match.group(1) + "\\ufffd"

    return _LONE_SURROGATE.sub(replace, text), found


def parse_notebook_json(text: str, rel: str) -> dict[str, Any]:
    """Parse the JSON of a notebook, reporting the line and column of a syntax error."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(f"invalid notebook JSON: {exc.msg}", rel, exc.lineno, exc.colno) from exc
    except RecursionError:
        raise ContentError("invalid notebook JSON: nested too deeply", rel, 1) from None
    if not isinstance(data, dict) or "nbformat" not in data:
        raise ContentError("not a Jupyter notebook: the JSON has no 'nbformat' version", rel, 1)
    return data


def _as_version_4(text: str, data: dict[str, Any], rel: str) -> Any:
    major = data.get("nbformat")
    if not isinstance(major, int) or major > 4 or major < 1:
        raise ContentError(
            f"unsupported notebook format version {major!r}; sitegen reads nbformat 1 to 4", rel, key_line(text, "nbformat")
        )
    if major == 4:
        _check_raw_cells(data, rel, text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = nbformat_reader.reads(text)  # type: ignore[no-untyped-call]
            return nbformat.convert(node, 4) if major < 4 else node  # type: ignore[no-untyped-call]
    except (nbformat.ValidationError, nbformat_reader.NotJSONError, AttributeError, KeyError, TypeError) as exc:
        raise ContentError(f"invalid notebook: cannot read nbformat {major} structure ({exc})", rel) from exc


def key_line(text: str, key: str) -> int | None:
    """Return the line of the first `"key":` in notebook JSON, if any."""
    found = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _check_raw_cells(data: dict[str, Any], rel: str, text: str) -> None:
    """Refuse cells nbformat's reader would trip over: a cell or its metadata that is not a mapping."""
    if not isinstance(data.get("metadata", {}), dict):
        raise ContentError("invalid notebook: 'metadata' must be a mapping", rel, key_line(text, "metadata"))
    cells = data.get("cells", [])
    if not isinstance(cells, list):
        raise ContentError("invalid notebook: 'cells' must be a list", rel, key_line(text, "cells"))
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise ContentError(f"invalid notebook: cell {index + 1}: a cell must be a mapping, got {type(cell).__name__}", rel)
        for key, kind in (("metadata", dict), ("outputs", list), ("attachments", dict)):
            if key in cell and not isinstance(cell[key], kind):
                raise ContentError(f"invalid notebook: cell {index + 1}: '{key}' must be a {'mapping' if kind is dict else 'list'}", rel)


def _check_shape(node: Any, rel: str, locations: tuple[CellLocation | None, ...], text: str) -> None:
    """Refuse what nbformat's own validator cannot even describe: a bad minor version, a cell type that is not text."""
    minor = node.get("nbformat_minor", 0)
    if not isinstance(minor, int) or isinstance(minor, bool) or minor < 0:
        raise ContentError(f"invalid notebook: 'nbformat_minor' must be a whole number from 0, got {minor!r}", rel, key_line(text, "nbformat_minor"))
    for index, cell in enumerate(node.cells):
        cell_type = cell.get("cell_type") if isinstance(cell, dict) else None
        if not isinstance(cell_type, str):
            line = location.line if index < len(locations) and (location := locations[index]) else None
            raise ContentError(f"invalid notebook: cell {index + 1}: unknown cell type {cell_type!r}", rel, line)


def _repair_widget_state(node: Any, rel: str) -> list[Problem]:
    """Drop widget state in an old or Colab shape, which nbconvert's exporters cannot read.

    Widgets need a live kernel and JavaScript, so their saved state is never
    shown; the outputs that refer to them fall back to text.
    """
    widgets = node.metadata.get("widgets")
    if widgets is None:
        return []
    state = widgets.get(WIDGET_STATE) if isinstance(widgets, dict) else None
    del node.metadata["widgets"]
    if isinstance(state, dict) and isinstance(state.get("state"), dict):
        return []
    return [warning("dropped widget metadata in a shape nbconvert cannot read (widgets are shown as text)", rel)]


def _repair_cell_ids(node: Any) -> list[Problem]:
    """Give cells without an id (required since nbformat 4.5) a stable one; ids never reach the page."""
    if node.get("nbformat_minor", 0) < 5:
        return []
    for index, cell in enumerate(node.cells):
        if isinstance(cell, dict) and not cell.get("id"):
            cell["id"] = f"cell-{index + 1}"
    return []


def _validate(node: Any, rel: str, locations: tuple[CellLocation | None, ...]) -> list[Problem]:
    """Validate against the nbformat schema; strip invalid metadata (with a warning) before failing."""
    if not _errors(node):
        return []
    stripped = copy.deepcopy(node)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _changes, repaired = validator.normalize(stripped, strip_invalid_metadata=True)
    remaining = _errors(repaired)
    if remaining:
        raise _validation_error(remaining[0], node, rel, locations)
    node.clear()
    node.update(nbformat.from_dict(repaired))  # type: ignore[no-untyped-call]
    return [warning("dropped metadata that is not valid nbformat (it does not affect the page)", rel)]


def _errors(node: Any) -> list[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = list(validator.iter_validate(node))  # type: ignore[no-untyped-call]
    return sorted(found, key=lambda error: [str(part) for part in error.absolute_path])


def _validation_error(error: Any, node: Any, rel: str, locations: tuple[CellLocation | None, ...]) -> ContentError:
    path = list(error.absolute_path)
    if len(path) < 2 or path[0] != "cells" or not isinstance(path[1], int):
        where = "/".join(str(part) for part in path)
        return ContentError(f"invalid notebook: {where + ': ' if where else ''}{error.message}", rel)
    index = path[1]
    location = locations[index] if index < len(locations) else None
    detail = _cell_error_detail(error, node.cells[index], path[2:])
    return ContentError(f"invalid notebook: cell {index + 1}: {detail}", rel, location.line if location else None)


def _cell_error_detail(error: Any, cell: Any, inner: list[Any]) -> str:
    """Say what is wrong with a cell: the schema's own words, without dumping the whole cell."""
    cell_type = cell.get("cell_type") if isinstance(cell, dict) else None
    if error.validator == "oneOf" and not inner:
        if cell_type not in ("code", "markdown", "raw"):
            return f"unknown cell type {cell_type!r}"
        branch = {"raw": 0, "markdown": 1, "code": 2}[cell_type]
        causes = [e for e in error.context or () if e.relative_schema_path and e.relative_schema_path[0] == branch]
        if causes:
            error, inner = causes[0], list(causes[0].absolute_path)[2:]
    prefix = ""
    if len(inner) >= 2 and inner[0] == "outputs" and isinstance(inner[1], int):
        prefix = f"output {inner[1] + 1}: "
    return prefix + str(error.message)


def locate_cells(text: str, count: int) -> tuple[CellLocation | None, ...]:
    """Find each cell's lines in notebook JSON as nbformat writes it; all None when the layout differs."""
    found: list[CellLocation] = []
    lines = text.splitlines()
    start: tuple[int, str] | None = None
    for number, line in enumerate(lines, 1):
        cell = _CELL_TYPE.match(line)
        if cell:
            start = (number, cell.group(1))
            continue
        source = _SOURCE.match(line)
        if source and start and source.group(1) == start[1]:
            listed = source.group(2) == "["
            found.append(CellLocation(start[0], number + 1 if listed else number, listed))
            start = None
    if len(found) != count:
        return (None,) * count
    return tuple(found)


def _checked(
    locations: tuple[CellLocation | None, ...], cells: Any, text: str
) -> tuple[CellLocation | None, ...]:
    """Keep the locations only if each listed source's first line really is at its place."""
    lines = text.splitlines()
    for location, cell in zip(locations, cells, strict=True):
        if location is None or not location.listed:
            continue
        source = cell.get("source") if isinstance(cell, dict) else None
        text_of_source = "".join(source) if isinstance(source, list) else source
        if not text_of_source or not isinstance(text_of_source, str):
            continue
        expected = text_of_source.splitlines(keepends=True)[0]
        if location.source_line > len(lines) or _json_string(lines[location.source_line - 1]) != expected:
            return (None,) * len(locations)
    return locations


def _json_string(line: str) -> str | None:
    try:
        value = json.loads(line.strip().rstrip(","))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None
