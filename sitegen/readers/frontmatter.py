"""Split a `---` YAML block off the top of a text file and parse it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sitegen.errors import ContentError, Problem, warning
from sitegen.settings.yamlload import LoadedYaml, parse_yaml

_OPENING = "---"
_CLOSINGS = ("---", "...")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The front matter of one file, its body and where the body starts."""

    data: Mapping[str, Any]
    body: str
    body_line: int  # 1-based line in the file where `body` begins
    key_lines: Mapping[str, int] = field(default_factory=dict)
    duplicates: tuple[tuple[str, int, int], ...] = ()  # (key, first line, line that wins)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (yaml text or None, body, first line of the body)."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != _OPENING:
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSINGS:
            yaml_text = "".join(lines[1:index])
            return yaml_text, "".join(lines[index + 1 :]), index + 2
    return None, text, 1


def parse_front_matter(text: str, rel: str) -> FrontMatter:
    """Split and parse the front matter of file `rel`; a file without one has empty data."""
    yaml_text, body, body_line = split_front_matter(text)
    if yaml_text is None:
        if text.lstrip("\ufeff").startswith(_OPENING + "\n"):
            raise ContentError("front matter has no closing '---' line", rel, 1)
        return FrontMatter({}, body, body_line)
    loaded = parse_yaml(yaml_text, rel, 2)
    data, key_lines = _as_mapping(loaded, rel, 2)
    return FrontMatter(data, body, body_line, key_lines, loaded.duplicates)


def parse_front_matter_block(
    yaml_text: str, rel: str, first_line: int
) -> tuple[Mapping[str, Any], Mapping[str, int]]:
    """Parse a front matter YAML block; it must be a mapping (or empty)."""
    return _as_mapping(parse_yaml(yaml_text, rel, first_line), rel, first_line)


def duplicate_warnings(front: FrontMatter, rel: str) -> tuple[Problem, ...]:
    """Warn about each front-matter key written twice, naming both lines."""
    return tuple(
        warning(f"front-matter key '{key}' is set twice, on lines {first} and {last}; line {last} wins", rel, last)
        for key, first, last in front.duplicates
    )


def _as_mapping(loaded: LoadedYaml, rel: str, first_line: int) -> tuple[Mapping[str, Any], Mapping[str, int]]:
    if loaded.data is None:
        return {}, {}
    if not isinstance(loaded.data, dict):
        kind = type(loaded.data).__name__
        raise ContentError(
            f"front matter must be a mapping of fields, got a {kind}", rel, first_line
        )
    return {str(key): value for key, value in loaded.data.items()}, loaded.key_lines
