"""A Jekyll theme's `_data/locale.yml` (jekyll-TeXt-theme's) as sitegen's locales.yaml.

Each top-level code becomes a locale; a `<<: *EN` merge key becomes a fallback
to the locale that holds the `&EN` anchor; the theme's strings are kept under
their own names, and the ones sitegen's templates show are mapped onto sitegen's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from sitegen.settings.locales import BUILTIN_LOCALES
from sitegen.settings.yamlload import parse_yaml

# TeXt's string names -> sitegen's.
STRING_MAP = {
    "READMORE": "read_more",
    "SEARCH": "search",
    "PREVIOUS": "previous_post",
    "NEXT": "next_post",
    "LAST_UPDATED": "updated",
}


def convert_locales(text: str, rel: str, default: str) -> dict[str, Any]:
    """Return a locales.yaml mapping from the text of a Jekyll locale.yml."""
    data = parse_yaml(text, rel).data
    if not isinstance(data, dict):
        return builtin_locales(default)
    fallbacks = merge_fallbacks(text)
    base = builtin_locales(default)
    locales: dict[str, Any] = dict(base["locales"])
    for code, strings in data.items():
        code = str(code)
        entry: dict[str, Any] = {"name": display_name(code)}
        if fallbacks.get(code):
            entry["fallback"] = [fallbacks[code]]
        own = {str(k): str(v) for k, v in (strings or {}).items() if k != "<<"} if isinstance(strings, dict) else {}
        mapped = {STRING_MAP[k]: v for k, v in own.items() if k in STRING_MAP}
        if fallbacks.get(code):  # strings inherited through the merge key come from the fallback
            own = {k: v for k, v in own.items() if (data.get(fallbacks[code]) or {}).get(k) != v}
            mapped = {STRING_MAP[k]: v for k, v in own.items() if k in STRING_MAP}
        strings_out = {**(locales.get(code, {}).get("strings") or {}), **mapped, **own}
        if strings_out:
            entry["strings"] = strings_out
        locales[code] = {**locales.get(code, {}), **entry}
    if default not in locales:
        locales[default] = {"name": display_name(default)}
    return {"default": default, "build": [default], "locales": locales}


def builtin_locales(default: str) -> dict[str, Any]:
    """Return sitegen's built-in locales, with `default` as the default locale."""
    data = yaml.safe_load(BUILTIN_LOCALES.read_text(encoding="utf-8"))
    locales = {str(k): dict(v) for k, v in data["locales"].items()}
    if default not in locales:
        locales[default] = {"name": display_name(default), "strings": dict(locales[data["default"]]["strings"])}
    return {"default": default, "build": [default], "locales": locales}


def merge_fallbacks(text: str) -> dict[str, str]:
    """Map each locale written as `<<: *X` to the locale that holds the `&X` anchor."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    owners = {id(value): str(key.value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}
    found: dict[str, str] = {}
    for key, value in node.value:
        if not isinstance(value, yaml.MappingNode):
            continue
        for inner_key, inner_value in value.value:
            if inner_key.value == "<<" and id(inner_value) in owners and owners[id(inner_value)] != key.value:
                found[str(key.value)] = owners[id(inner_value)]
    return found


def display_name(code: str) -> str:
    """Return a locale's name in its own language ("Français (Canada)"), or the code."""
    try:
        name = BabelLocale.parse(code, sep="-").display_name
    except (ValueError, UnknownLocaleError):
        return code
    return str(name) if name else code


def titles_locales(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the locale codes a page's `titles:` block names (TeXt's per-locale titles)."""
    titles = meta.get("titles")
    return tuple(str(code) for code in titles) if isinstance(titles, dict) else ()
