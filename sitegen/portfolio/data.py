"""Load the files under data/ (YAML, JSON, TOML, BibTeX) and resolve their locale-aware fields.

A data file becomes `data.<name>` in templates, `<name>` being its file name
without extension. Maps whose keys are all locale codes (`title: {en: …, fr: …}`,
or the plural `titles:`) are resolved per locale exactly like front matter.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitegen.engine.record import digest
from sitegen.errors import ContentError, Problem, SitegenError
from sitegen.settings.locales import Locale, Locales, MissingTranslation, localize_fields, resolve
from sitegen.settings.yamlload import _TextSafeLoader, parse_yaml

log = logging.getLogger(__name__)

DATA_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".bib")


class LinedMap(dict[str, Any]):
    """A mapping read from YAML that remembers the line of each key (for errors)."""

    lines: dict[str, int]


class _LinedLoader(_TextSafeLoader):
    """The front-matter YAML loader, keeping each mapping key's line."""


def _construct_lined(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LinedMap:
    mapping = LinedMap()
    mapping.lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LinedLoader.add_constructor("tag:yaml.org,2002:map", _construct_lined)


@dataclass(frozen=True, slots=True)
class DataFile:
    """One file under data/, parsed."""

    name: str  # what templates call it: data.<name>
    rel: str  # path relative to the site root, e.g. "data/projects.yaml"
    value: Any  # the parsed value (LinedMap for YAML mappings, publications for .bib)
    fingerprint: str  # hash of the file's bytes


def load_data(folder: Path, root: Path) -> dict[str, DataFile]:
    """Load every data file in `folder`, sorted by name; report every broken file at once."""
    if not folder.is_dir():
        return {}
    problems: list[Problem] = []
    files: dict[str, DataFile] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in DATA_SUFFIXES:
            continue
        rel = path.relative_to(root).as_posix()
        if path.stem in files:
            problems.append(Problem(f"data name '{path.stem}' is given twice (also {files[path.stem].rel})", rel))
            continue
        try:
            files[path.stem] = load_data_file(path, rel)
        except SitegenError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError.collect(problems)
    return files


def load_data_file(path: Path, rel: str) -> DataFile:
    """Parse one data file by its extension; errors name the file and line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 text (byte {exc.start})", rel) from exc
    return DataFile(path.stem, rel, parse_data(text, rel, path.suffix.lower()), digest(raw))


def parse_data(text: str, rel: str, suffix: str) -> Any:
    """Parse the text of a data file of the given suffix."""
    if suffix in (".yaml", ".yml"):
        return _parse_yaml(text, rel)
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ContentError(f"invalid JSON: {exc.msg}", rel, exc.lineno, exc.colno) from None
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            return _toml_error(exc, rel)
    from sitegen.portfolio.bibtex import parse_bibtex

    return parse_bibtex(text, rel)


def _parse_yaml(text: str, rel: str) -> Any:
    parse_yaml(text, rel)  # same checks and located messages as front matter
    return yaml.load(text, Loader=_LinedLoader)


_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _toml_error(exc: tomllib.TOMLDecodeError, rel: str) -> Any:
    message = str(exc)
    found = _TOML_PLACE.search(message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    raise ContentError(f"invalid TOML: {_TOML_PLACE.sub('', message)}", rel, line, column) from None


def localize_data(value: Any, locales: Locales, locale: Locale, rel: str, line: int | None = None) -> Any:
    """Resolve every locale-aware map inside a data value for one locale, recursively."""
    if isinstance(value, Mapping):
        lines = getattr(value, "lines", {})
        resolved: dict[str, Any] = {}
        for key, item in localize_fields(value, locales).items():
            where = lines.get(key) or lines.get(key + "s") or line
            try:
                chosen = resolve(item, locale)
            except MissingTranslation:
                raise ContentError(
                    f"field '{key}' has no value for locale '{locale.code}' (tried {', '.join(locale.chain)})", rel, where
                ) from None
            resolved[key] = localize_data(chosen, locales, locale, rel, where)
        return resolved
    if isinstance(value, list | tuple) and not _is_records(value):
        return [localize_data(item, locales, locale, rel, line) for item in value]
    return value


def _is_records(value: Any) -> bool:
    """Tell whether a value holds parsed publications (left as they are)."""
    from sitegen.portfolio.bibtex import Publication

    return bool(value) and isinstance(value[0], Publication)


def line_of(value: Any, key: str) -> int | None:
    """Return the line of `key` in a mapping read from YAML, or None."""
    lines: Mapping[str, int] = getattr(value, "lines", {})
    return lines.get(key)
