"""YAML loading shared by front matter and locales.yaml: safe, anchors kept, codes kept as text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sitegen.errors import ContentError, SitegenError
from sitegen.settings.limits import MAX_NESTING, MAX_YAML_VALUES

# libyaml's parser when PyYAML was built with it (the wheels are): the same documents, ten times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextSafeLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader where only true/false are booleans.

    YAML 1.1 reads `no`, `yes`, `on` and `off` as booleans, which would turn the
    Norwegian locale code `no` into False; YAML 1.2 and every other tool here
    treat them as text (issue 6).
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct one value; a tagged value that cannot be made (`!!float abc`) is a located error."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError, LookupError, AttributeError) as exc:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            value = node.value if isinstance(node, yaml.ScalarNode) else "this collection"
            reason = str(exc) if isinstance(exc, ValueError | OverflowError) else "not a value of that type"
            reason = "the UTC offset must be under 24 hours" if "offset must be" in reason else reason
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {value!r} as {tag} ({reason})", node.start_mark
            ) from None


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
        if node is not None:
            check_node_size(node, rel, first_line, error)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _located_error(exc, rel, first_line, error) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise error(f"invalid YAML: the character {character} is not allowed", rel, line, column) from exc
    except yaml.YAMLError as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise error(f"invalid YAML: {detail}", rel, first_line) from exc
    finally:
        loader.dispose()
    return LoadedYaml(data, _top_level_key_lines(node, first_line), _duplicate_keys(node, first_line))


def check_node_size(node: yaml.Node, rel: str, first_line: int, error: type[SitegenError]) -> None:
    """Refuse YAML nested too deeply or standing for too many values once aliases are expanded."""
    sizes: dict[int, int] = {}

    def size(current: yaml.Node, depth: int) -> int:
        if depth > MAX_NESTING:
            raise error(f"YAML nested more than {MAX_NESTING} levels deep", rel, current.start_mark.line + first_line)
        if id(current) in sizes:
            if sizes[id(current)] < 0:
                raise error("YAML alias refers to itself", rel, current.start_mark.line + first_line)
            return sizes[id(current)]
        sizes[id(current)] = -1
        total = 1
        if isinstance(current, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            total += sum(size(key, depth + 1) + size(value, depth + 1) for key, value in current.value)
        if total > MAX_YAML_VALUES:
            raise error(
                f"YAML stands for more than {MAX_YAML_VALUES:,} values once its aliases are expanded",
                rel,
                current.start_mark.line + first_line,
            )
        sizes[id(current)] = total
        return total

    size(node, 0)


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
    """Place a YAML error where the mistake is: an unclosed bracket or quote at its opening, not where the parser gave up."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    context = exc.context_mark
    if exc.context and context and mark and context.line < mark.line and ("flow" in exc.context or "quoted" in exc.context):
        what = exc.context.removeprefix("while ").removeprefix("parsing ").removeprefix("scanning ")
        gave_up = mark.line + first_line
        return error(f"invalid YAML: {what} is not closed: {problem} (noticed at line {gave_up})", rel, context.line + first_line, context.column + 1)
    if exc.context and exc.context not in problem:
        problem = f"{exc.context}: {problem}" if "while" not in exc.context else problem
    line = mark.line + first_line if mark else first_line
    column = mark.column + 1 if mark else None
    return error(f"invalid YAML: {problem}", rel, line, column)
