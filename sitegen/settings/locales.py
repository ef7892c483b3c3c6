"""locales.yaml: the site's locales, their fallback chains, UI strings and date formats."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.dates import format_date as babel_format_date

from sitegen.errors import ConfigError, Problem
from sitegen.settings.config import LOCALES_FILE
from sitegen.settings.yamlload import parse_yaml

BUILTIN_LOCALES = Path(__file__).parents[1] / "data" / "locales.yaml"

# Strings every template may show; the default locale must define each of them.
REQUIRED_STRINGS = (
    "skip_to_content",
    "menu",
    "home",
    "posts",
    "tags",
    "all_tags",
    "read_more",
    "table_of_contents",
    "min_read",
    "published",
    "updated",
    "previous_post",
    "next_post",
    "newer_posts",
    "older_posts",
    "page_n_of_m",
    "posts_tagged",
    "not_found_title",
    "not_found_text",
    "feed",
    "language",
    "not_translated",
    "download_notebook",
    "open_in_colab",
    "launch_binder",
    "view_on_github",
    "toggle_theme",
    "search",
    "pagination",
    "show_code",
    "show_output",
)

_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class Locale:
    """One locale as declared in locales.yaml, with its fallbacks resolved."""

    code: str  # as written in locales.yaml, e.g. "zh-Hans"
    name: str  # display name in its own language, e.g. "Français"
    chain: tuple[str, ...]  # itself, its fallbacks, then the default locale
    direction: str  # "ltr" or "rtl"
    date_format: str  # Babel format name ("long", "medium") or CLDR pattern
    strings: Mapping[str, str]  # every UI string, fallbacks applied
    own_strings: tuple[str, ...]  # the UI strings this locale defines itself, sorted (a set's order would vary)

    @property
    def babel_id(self) -> str:
        """Return the identifier Babel understands (zh-Hans -> zh_Hans)."""
        return self.code.replace("-", "_")

    def format_date(self, value: date | datetime) -> str:
        """Format a date the way this locale writes it."""
        day = value.date() if isinstance(value, datetime) else value
        return babel_format_date(day, format=self.date_format, locale=self.babel_id)

    def text(self, key: str, **values: Any) -> str:
        """Return the UI string `key`, with `{name}` placeholders filled in."""
        template = self.strings[key]
        return template.format(**values) if values else template


@dataclass(frozen=True, slots=True)
class Locales:
    """Every declared locale, the default one and the ones the site is built in."""

    default: str
    build: tuple[str, ...]
    by_code: Mapping[str, Locale]

    def get(self, code: str) -> Locale:
        """Return a declared locale; a regional code with no entry resolves to its base."""
        if code in self.by_code:
            return self.by_code[code]
        base = code.split("-")[0]
        if base in self.by_code:
            return self.by_code[base]
        raise KeyError(code)

    @property
    def default_locale(self) -> Locale:
        return self.by_code[self.default]

    def is_code(self, key: object) -> bool:
        """Tell whether `key` is a declared locale code."""
        return isinstance(key, str) and key in self.by_code


def looks_like_locale_code(key: object) -> bool:
    """Tell whether `key` is shaped like a BCP 47 language tag (en, zh-Hant, fr-CA)."""
    return isinstance(key, str) and bool(_CODE.match(key))


def load_locales(root: Path) -> Locales:
    """Read locales.yaml under `root`; with no file, the site has one English locale."""
    path = root / LOCALES_FILE
    rel = LOCALES_FILE
    if not path.exists():
        path, rel = BUILTIN_LOCALES, "(built-in locales.yaml)"
    loaded = parse_yaml(path.read_text(encoding="utf-8"), rel, error=ConfigError)
    return parse_locales(loaded.data, rel, loaded.key_lines)


def parse_locales(data: Any, rel: str, key_lines: Mapping[str, int] | None = None) -> Locales:
    """Turn the parsed locales.yaml into `Locales`, reporting every problem at once."""
    lines = key_lines or {}
    if not isinstance(data, dict) or not isinstance(data.get("locales"), dict):
        raise ConfigError("locales.yaml must have a 'locales:' mapping of locale codes", rel, 1)
    entries: dict[str, Any] = {str(code): entry for code, entry in data["locales"].items()}
    default = str(data.get("default", next(iter(entries))))
    build = _as_codes(data.get("build", [default]))
    problems = _check_declarations(entries, default, build, rel, lines.get("locales"))
    if problems:
        raise ConfigError.collect(problems)
    parents = {code: _as_codes((entry or {}).get("fallback", [])) for code, entry in entries.items()}
    by_code = {
        code: _make_locale(code, entries, _chain(code, parents, default), rel, problems)
        for code in entries
    }
    if problems:
        raise ConfigError.collect(problems)
    return Locales(default, tuple(build), by_code)


def _as_codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(code) for code in value]


def _check_declarations(
    entries: Mapping[str, Any], default: str, build: Sequence[str], rel: str, line: int | None
) -> list[Problem]:
    problems: list[Problem] = []
    if default not in entries:
        problems.append(Problem(f"default locale '{default}' is not declared", rel, line))
    for code in build:
        if code not in entries:
            problems.append(Problem(f"built locale '{code}' is not declared", rel, line))
    for code, entry in entries.items():
        if not looks_like_locale_code(code):
            problems.append(Problem(f"'{code}' is not a locale code (e.g. en, zh-Hant)", rel, line))
        if entry is not None and not isinstance(entry, dict):
            problems.append(Problem(f"locale '{code}' must be a mapping", rel, line))
            continue
        for parent in _as_codes((entry or {}).get("fallback", [])):
            if parent not in entries:
                problems.append(
                    Problem(f"locale '{code}' falls back to undeclared '{parent}'", rel, line)
                )
    return problems


def _chain(code: str, parents: Mapping[str, Sequence[str]], default: str) -> tuple[str, ...]:
    """Walk fallbacks depth-first, each code once, ending at the default locale."""
    chain: list[str] = []
    pending = [code]
    while pending:
        current = pending.pop(0)
        if current in chain:
            continue
        chain.append(current)
        pending = list(parents.get(current, ())) + pending
    if default not in chain:
        chain.append(default)
    return tuple(chain)


def _make_locale(
    code: str, entries: Mapping[str, Any], chain: tuple[str, ...], rel: str, problems: list[Problem]
) -> Locale:
    entry = entries[code] or {}

    def first(field: str, fallback: Any) -> Any:
        for link in chain:
            value = (entries[link] or {}).get(field)
            if value is not None:
                return value
        return fallback

    own = {str(k): str(v) for k, v in (entry.get("strings") or {}).items()}
    # The built-in English strings come last, so a string added in a new version never breaks a site.
    strings: dict[str, str] = dict(builtin_strings())
    for link in reversed(chain):
        strings.update({str(k): str(v) for k, v in ((entries[link] or {}).get("strings") or {}).items()})
    missing = [key for key in REQUIRED_STRINGS if key not in strings]
    if missing:
        problems.append(Problem(f"locale '{code}' has no UI string for: {', '.join(missing)}", rel))
    _check_babel(code, problems, rel)
    return Locale(
        code=code,
        name=str(entry.get("name", code)),
        chain=chain,
        direction=str(first("direction", "ltr")),
        date_format=str(first("date_format", "long")),
        strings=strings,
        own_strings=tuple(sorted(own)),
    )


@functools.lru_cache(maxsize=1)
def builtin_strings() -> Mapping[str, str]:
    """Return the built-in English UI strings."""
    data = parse_yaml(BUILTIN_LOCALES.read_text(encoding="utf-8"), "(built-in locales.yaml)", error=ConfigError).data
    return {str(k): str(v) for k, v in data["locales"]["en"]["strings"].items()}


def _check_babel(code: str, problems: list[Problem], rel: str) -> None:
    try:
        BabelLocale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        problems.append(Problem(f"locale '{code}' is unknown to Babel (no date formats)", rel))


@dataclass(frozen=True, slots=True)
class Localized:
    """A front-matter value given per locale: {"en": "About", "fr": "À propos"}."""

    values: Mapping[str, Any]


class MissingTranslation(LookupError):
    """No value for a locale, its fallbacks or the default locale."""


def resolve(value: Any, locale: Locale) -> Any:
    """Pick a value for `locale`: its own, else the first fallback that has one."""
    if not isinstance(value, Localized):
        return value
    for code in locale.chain:
        if code in value.values:
            return value.values[code]
    raise MissingTranslation(locale.code)


def has_own_value(value: Any, code: str) -> bool:
    """Tell whether a value is given for exactly this locale (or is not locale-aware)."""
    return not isinstance(value, Localized) or code in value.values


def localize_fields(data: Mapping[str, Any], locales: Locales) -> dict[str, Any]:
    """Turn locale-aware fields into `Localized` values.

    Two spellings are recognised: a plural map (`titles: {en: ..}` for `title`)
    and a map under the field itself (`title: {en: .., fr: ..}`). A map counts
    as locale-aware when every key is shaped like a locale code and at least
    one is declared, so ordinary nested mappings are left alone.
    """
    fields: dict[str, Any] = {}
    for key, value in data.items():
        singular = _singular(key)
        if singular and singular not in data and _is_locale_map(value, locales, plural=True):
            fields[singular] = Localized(_with_aliases(value, locales))
        elif _is_locale_map(value, locales, plural=False):
            fields[key] = Localized(_with_aliases(value, locales))
        else:
            fields[key] = value
    return fields


def _with_aliases(value: Mapping[Any, Any], locales: Locales) -> dict[str, Any]:
    """Return a locale map where a regional alias (en-US) also stands for its declared base (en) when that has no value."""
    values = {str(k): v for k, v in value.items()}
    for code, item in list(values.items()):
        base = code.split("-")[0]
        if code not in locales.by_code and base in locales.by_code and base not in values:
            values[base] = item
    return values


def undeclared_codes(data: Mapping[str, Any], locales: Locales) -> list[tuple[str, list[str]]]:
    """Return (field, codes) for each locale map whose keys include codes neither declared nor an alias of one."""
    found = []
    for key, value in data.items():
        singular = _singular(key)
        is_map = (singular and singular not in data and _is_locale_map(value, locales, plural=True)) or _is_locale_map(
            value, locales, plural=False
        )
        if is_map:
            unknown = [str(code) for code in value if str(code) not in locales.by_code and str(code).split("-")[0] not in locales.by_code]
            if unknown:
                found.append((key, sorted(unknown)))
    return found


def _singular(key: str) -> str | None:
    if key.endswith("ies") and len(key) > 3:
        return key[:-3] + "y"
    if key.endswith("s") and len(key) > 1 and not key.endswith("ss"):
        return key[:-1]
    return None


def _is_locale_map(value: Any, locales: Locales, *, plural: bool) -> bool:
    if not isinstance(value, dict) or not value:
        return False
    if not all(looks_like_locale_code(key) for key in value):
        return False
    return plural or any(locales.is_code(key) for key in value)
