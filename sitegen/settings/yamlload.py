"""YAML loading shared by front matter and locales.yaml: safe, anchors kept, codes kept as text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sitegen.errors import ContentError, SitegenError

# libyaml's parser when PyYAML was built with it (the wheels are): the same documents, ten times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextSafeLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader where only true/false are booleans.

    YAML 1.1 reads `no`, `yes`, `on` and `off` as booleans, which would turn the
    Norwegian locale code `no` into False; YAML 1.2 and every other tool here
    treat them as text (issue 6).
    """


_TextSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_TextSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True, slots=True)
class LoadedYaml:
    """A parsed YAML document and the line of each top-level key (1-based, in the file)."""

    data: Any
    key_lines: Mapping[str, int]
    duplicates: tuple[tuple[str, int, int], ...] = ()  # (key, first line, line that wins) of repeated keys


def parse_yaml(
    text: str, rel: str, first_line: int = 1, error: type[SitegenError] = ContentError
) -> LoadedYaml:
    """Parse YAML text that starts at `first_line` of file `rel`; errors carry file positions."""
    loader = _TextSafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _located_error(exc, rel, first_line, error) from exc
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", rel, first_line) from exc
    finally:
        loader.dispose()
    return LoadedYaml(data, _top_level_key_lines(node, first_line), _duplicate_keys(node, first_line))


def _top_level_key_lines(node: yaml.Node | None, first_line: int) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): key.start_mark.line + first_line
        for key, _value in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def _duplicate_keys(node: yaml.Node | None, first_line: int) -> tuple[tuple[str, int, int], ...]:
    """Find top-level keys written twice; YAML loaders keep the last value without a word."""
    if not isinstance(node, yaml.MappingNode):
        return ()
    seen: dict[str, int] = {}
    found = []
    for key, _value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value != "<<":
            line = key.start_mark.line + first_line
            if key.value in seen:
                found.append((str(key.value), seen[key.value], line))
            seen[key.value] = line
    return tuple(found)


def _located_error(
    exc: yaml.MarkedYAMLError, rel: str, first_line: int, error: type[SitegenError]
) -> SitegenError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.context not in problem:
        problem = f"{exc.context}: {problem}" if "while" not in exc.context else problem
    line = mark.line + first_line if mark else first_line
    column = mark.column + 1 if mark else None
    return error(f"invalid YAML: {problem}", rel, line, column)
