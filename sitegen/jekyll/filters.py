"""Jekyll's Liquid filters on top of standard Liquid's: URLs, dates, escaping, arrays, Markdown."""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit
from zoneinfo import ZoneInfo

from liquid import Environment
from liquid.exceptions import FilterValueError
from liquid.filter import with_context

from sitegen.settings.limits import MAX_LIQUID_FILTER_ITEMS
from sitegen.site.urls import slugify as sitegen_slugify

_UTC = ZoneInfo("UTC")


def relative_url_filter(base_path: str) -> Callable[[Any], str]:
    """Make `relative_url`: put a site path under the base path ("/img.png" -> "/portfolio/img.png")."""

    def relative_url(value: Any) -> str:
        text = "" if value is None else str(value)
        if urlsplit(text).scheme or text.startswith("//"):
            return text
        return base_path + text.lstrip("/")

    return relative_url


def absolute_url_filter(base_path: str, base_url: str) -> Callable[[Any], str]:
    """Make `absolute_url`: a site path as a full URL on the site's host."""
    relative = relative_url_filter(base_path)
    parts = urlsplit(base_url)

    def absolute_url(value: Any) -> str:
        text = relative(value)
        return text if urlsplit(text).scheme else f"{parts.scheme}://{parts.netloc}{text}"

    return absolute_url


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value.strip():
        from sitegen.site.dates import DateFormatError, parse_date

        try:
            return parse_date(value, _UTC)
        except DateFormatError:
            return None
    return None


def date_filter(fmt: str) -> Callable[[Any], Any]:
    """Make a date filter with a fixed strftime format; non-dates pass through."""

    def apply(value: Any) -> Any:
        moment = _as_datetime(value)
        return moment.strftime(fmt) if moment else value

    return apply


def date_to_xmlschema(value: Any) -> Any:
    """2020-03-01T00:00:00+00:00."""
    moment = _as_datetime(value)
    return moment.isoformat() if moment else value


def date_to_rfc822(value: Any) -> Any:
    """Sun, 01 Mar 2020 00:00:00 +0000."""
    moment = _as_datetime(value)
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z") if moment else value


def xml_escape(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def cgi_escape(value: Any) -> str:
    return quote_plus("" if value is None else str(value))


def uri_escape(value: Any) -> str:
    return quote("" if value is None else str(value), safe="/:?#[]@!$&'()*+,;=~-._")


def slugify(value: Any, mode: str = "default") -> str:
    return sitegen_slugify("" if value is None else str(value))


def jsonify(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=isinstance(value, Mapping))


def number_of_words(value: Any) -> int:
    return len(str(value or "").split())


def normalize_whitespace(value: Any) -> str:
    return " ".join(str(value or "").split())


def array_to_sentence_string(value: Any, connector: str = "and") -> str:
    items = [str(item) for item in _items(value)]
    if len(items) < 3:
        return f" {connector} ".join(items)
    return ", ".join(items[:-1]) + f", {connector} " + items[-1]


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return list(value.items())
    return [value]


def _get(item: Any, key: str) -> Any:
    for part in key.split("."):
        item = item.get(part) if isinstance(item, Mapping) else None
    return item


def where(value: Any, key: str, target: Any = None) -> list[Any]:
    """Items whose `key` equals `target` (or contains it, for list values), as Jekyll does."""
    found = []
    for item in _items(value):
        got = _get(item, key)
        if got == target or (isinstance(got, (list, tuple)) and target in got) or (str(got) == str(target) and got is not None):
            found.append(item)
    return found


def group_by(value: Any, key: str) -> list[dict[str, Any]]:
    """Group items by a property: [{name, items, size}], in order of first appearance."""
    return _grouped(_items(value), lambda item: _get(item, key))


def _grouped(items: Iterable[Any], key: Callable[[Any], Any]) -> list[dict[str, Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault("" if key(item) is None else str(key(item)), []).append(item)
    return [{"name": name, "items": members, "size": len(members)} for name, members in groups.items()]


@with_context
def group_by_exp(value: Any, variable: str, expression: str, *, context: Any) -> list[dict[str, Any]]:
    """Group items by a Liquid expression over `variable`."""
    template = context.env.from_string("{{ " + expression + " }}")
    return _grouped(_items(value), lambda item: template.render(**{variable: item}))


@with_context
def where_exp(value: Any, variable: str, expression: str, *, context: Any) -> list[Any]:
    """Items for which a Liquid condition over `variable` holds."""
    template = context.env.from_string("{% if " + expression + " %}1{% endif %}")
    return [item for item in _items(value) if template.render(**{variable: item}) == "1"]


def smartify(value: Any) -> str:
    return "" if value is None else str(value)


def inspect(value: Any) -> str:
    return html.escape(jsonify(value))


def markdownify_filter(style: str) -> Callable[[Any], str]:
    """Make `markdownify`: Markdown text to HTML with the site's converter."""

    def markdownify(value: Any) -> str:
        from sitegen.markup.markdown import render_markdown

        return render_markdown("" if value is None else str(value), style).html

    return markdownify


def strip_paragraph(value: Any) -> str:
    """Remove one <p> wrapper (used after markdownify for inline text)."""
    return re.sub(r"^\s*<p>(.*)</p>\s*$", r"\1", str(value or ""), flags=re.DOTALL)


def fndetail(value: Any, number: Any) -> str:
    """fastpages' `{{ 'text' | fndetail: 1 }}`: the footnote itself, with a link back to its reference."""
    n = html.escape(str(number))
    return f'<p id="fn-{n}" class="footnote">{n}. {value} <a href="#fnref-{n}" aria-label="Back to reference {n}">↩</a></p>'


def register_filters(env: Environment, base_path: str, base_url: str, style: str) -> None:
    """Add Jekyll's filters to a Liquid environment."""
    filters: dict[str, Callable[..., Any]] = {
        "relative_url": relative_url_filter(base_path),
        "absolute_url": absolute_url_filter(base_path, base_url),
        "date_to_xmlschema": date_to_xmlschema,
        "date_to_rfc822": date_to_rfc822,
        "date_to_string": date_filter("%d %b %Y"),
        "date_to_long_string": date_filter("%d %B %Y"),
        "xml_escape": xml_escape,
        "cgi_escape": cgi_escape,
        "uri_escape": uri_escape,
        "markdownify": markdownify_filter(style),
        "slugify": slugify,
        "jsonify": jsonify,
        "where": where,
        "where_exp": where_exp,
        "group_by": group_by,
        "group_by_exp": group_by_exp,
        "number_of_words": number_of_words,
        "normalize_whitespace": normalize_whitespace,
        "array_to_sentence_string": array_to_sentence_string,
        "smartify": smartify,
        "inspect": inspect,
        "strip_paragraph": strip_paragraph,
        "fndetail": fndetail,
    }
    for name, function in filters.items():
        env.add_filter(name, function)
    for name in _WALKING_FILTERS:
        if name in env.filters:
            env.add_filter(name, _bounded(env.filters[name]))


# Filters that walk every item of their input: a range such as (1..100000000) costs nothing until one does.
_WALKING_FILTERS = (
    "join", "sort", "sort_natural", "reverse", "uniq", "compact", "map", "concat", "where", "sum", "jsonify",
    "where_exp", "group_by", "group_by_exp", "array_to_sentence_string",
)


def _bounded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so that it refuses an input of more than MAX_LIQUID_FILTER_ITEMS items."""

    @functools.wraps(function)
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, (range, list, tuple)) and len(value) > MAX_LIQUID_FILTER_ITEMS:
            raise FilterValueError(f"a filter was given more than {MAX_LIQUID_FILTER_ITEMS:,} items", token=None)
        return function(value, *args, **kwargs)

    return bounded

