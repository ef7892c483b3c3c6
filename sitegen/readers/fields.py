"""The front-matter fields sitegen knows, each with its type, and the check every document passes.

Adding a field is one line in `FIELDS`. A field of the wrong type is an error at
its line; an unknown field is a warning with the nearest known name (`--strict`
makes it an error). A site declares fields of its own in the `extra_fields`
setting, or keeps them under `params:`, which is never checked.

A field may be written per locale, as a map under the field (`title: {en: .., fr: ..}`)
or under its plural (`titles: {en: ..}`); each value is checked against the field's type.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitegen.errors import ContentError, Problem


@dataclass(frozen=True, slots=True)
class FieldType:
    """What a field holds: a name for messages and the test a value must pass."""

    name: str  # as messages say it: "must be <name>"
    accepts: Callable[[Any], bool]


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _is_link(value: Any) -> bool:
    return isinstance(value, dict) and _is_text(value.get("label")) and _is_text(value.get("url"))


TEXT = FieldType("text", _is_text)
FLAG = FieldType("true or false", lambda value: isinstance(value, bool))
DATE = FieldType("a date such as 2024-03-05 or 2024-03-05 14:30", lambda value: isinstance(value, (str, date)))
WORDS = FieldType(
    "a list of words, or words separated by spaces",
    lambda value: _is_text(value) or (isinstance(value, list) and all(_is_scalar(item) for item in value)),
)
LINKS = FieldType(
    "a list of links, each {label: ..., url: ...}", lambda value: isinstance(value, list) and all(_is_link(i) for i in value)
)
SCALAR = FieldType("text or a number", _is_scalar)
ANYTHING = FieldType("anything", lambda value: True)

# Every front-matter field sitegen or the default theme reads, with its type.
FIELDS: Mapping[str, FieldType] = {
    "title": TEXT,
    "date": DATE,
    "updated": DATE,
    "description": TEXT,
    "summary": TEXT,
    "excerpt": TEXT,
    "tags": WORDS,
    "categories": WORDS,  # fastpages and Jekyll: read as tags in notebooks
    "draft": FLAG,
    "layout": SCALAR,  # `layout: 404` is a number to YAML
    "slug": TEXT,
    "key": SCALAR,  # a page key of Jekyll themes (TeXt); kept with the page, not used by sitegen
    # al-folio's distill posts list their sections; any list shows the table of contents.
    "toc": FieldType("true or false", lambda value: isinstance(value, (bool, list))),
    "author": TEXT,
    "image": TEXT,  # social card image, relative to the page's folder or static/
    "image_alt": TEXT,
    "name": TEXT,  # about page: who the site is about
    "role": TEXT,
    "photo": TEXT,
    "photo_alt": TEXT,
    "links": LINKS,
    "execute": FLAG,  # notebooks: run before converting
    "allow_errors": FLAG,  # notebooks: a cell error does not stop the run
    "series": TEXT,  # posts of one series show a box listing every part
    "bibliography": TEXT,  # a .bib next to the page, for its citations besides data/*.bib
    "params": ANYTHING,  # the site's own values, never checked
    # Jekyll's fields (sitegen/jekyll/): URLs, redirects, publishing, language, Liquid.
    "permalink": TEXT,
    "redirect_from": WORDS,
    "aliases": WORDS,
    "category": SCALAR,
    "published": FLAG,
    "lang": TEXT,
    "excerpt_separator": TEXT,
    "liquid": FLAG,
    "media_subpath": TEXT,  # Chirpy: the folder of the page's images
    "img_path": TEXT,
}

# A map whose keys all look like this holds one value per locale.
_LOCALE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def check_fields(
    data: Mapping[str, Any], lines: Mapping[str, int], rel: str, extra: Collection[str] = ()
) -> tuple[Problem, ...]:
    """Check a document's front matter: raise for every mistyped field, return warnings for unknown ones."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for key, value in data.items():
        if key in extra:
            continue
        name, kind = _field_of(key, value)
        if kind is None:
            warnings.append(_unknown(key, rel, lines.get(key), extra))
        elif not all(kind.accepts(item) for item in _values(value, plural=name != key)):
            errors.append(Problem(f"field '{key}' must be {kind.name}, got {_shown(value)}", rel, lines.get(key)))
    if errors:
        raise ContentError.collect(errors)
    return tuple(warnings)


def _field_of(key: str, value: Any) -> tuple[str, FieldType | None]:
    """Return the known field a key sets (itself, or its singular for a per-locale plural) and its type."""
    if key in FIELDS:
        return key, FIELDS[key]
    singular = key[:-3] + "y" if key.endswith("ies") else key[:-1] if key.endswith("s") else ""
    if singular in FIELDS and _is_locale_map(value):
        return singular, FIELDS[singular]
    return key, None


def _values(value: Any, *, plural: bool) -> list[Any]:
    """Return the values to check: each locale's value of a per-locale map, else the value itself."""
    return list(value.values()) if plural or _is_locale_map(value) else [value]


def _is_locale_map(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(_LOCALE_CODE.fullmatch(str(key)) for key in value)


def _unknown(key: str, rel: str, line: int | None, extra: Collection[str]) -> Problem:
    near = difflib.get_close_matches(key, [*FIELDS, *extra], n=1)
    hint = f"did you mean '{near[0]}'?" if near else "declare it in the 'extra_fields' setting, or put it under 'params:'"
    return Problem(f"unknown front-matter field '{key}'", rel, line, hint=hint, severity="warning")


def _shown(value: Any) -> str:
    """Describe a value for a message: its YAML kind and, when short, the value."""
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}
    kind = kinds.get(type(value), "a date" if isinstance(value, date) else type(value).__name__)
    text = repr(value) if isinstance(value, (str, int, float, bool)) else ""
    return f"{kind} {text}".strip() if len(text) <= 40 else kind
