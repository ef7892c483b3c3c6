"""kramdown attribute lists: parsing `{: .class #id key="value"}` and setting it on elements.

Grammar from https://kramdown.gettalong.org/syntax.html#inline-attribute-lists:
names are `\\w[\\w-]*`, values are quoted, `\\}` escapes a brace, `.a.b#c`
gives two classes and an id.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

NAME = r"\w[\w-]*"
BODY = r"(?P<body>(?:[^}\\\n]|\\.)*)"  # the inside of `{: …}`
HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_TOKEN = re.compile(
    r"""(?P<key>[\w-]+)=(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'|(?P<bare>[^\s"'}]+))"""
    r"|(?P<multi>(?:[#.]" + NAME + r")+)|(?P<ref>" + NAME + r")"
)
_ID_OR_CLASS = re.compile(r"([#.])(" + NAME + r")")


@dataclass(frozen=True, slots=True)
class Attributes:
    """One parsed attribute list."""

    id: str = ""
    classes: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    refs: tuple[str, ...] = ()  # reference names: definitions, or `toc`


def parse_attribute_list(body: str) -> Attributes:
    """Parse the inside of `{: …}`: `#id`, `.class`, `.a.b`, `key="value"` and reference names."""
    element_id, classes, pairs, refs = "", [], [], []
    for match in _TOKEN.finditer(body):
        if match.group("key"):
            value = next(v for v in (match.group("dq"), match.group("sq"), match.group("bare")) if v is not None)
            value = re.sub(r"\\(.)", r"\1", value)
            if match.group("key") == "class":
                classes += value.split()
            elif match.group("key") == "id":
                element_id = value
            else:
                pairs.append((match.group("key"), value))
        elif match.group("multi"):
            for kind, name in _ID_OR_CLASS.findall(match.group("multi")):
                if kind == "#":
                    element_id = name
                else:
                    classes.append(name)
        else:
            refs.append(match.group("ref"))
    return Attributes(element_id, tuple(classes), tuple(pairs), tuple(refs))


def merge_attributes(first: Attributes, second: Attributes) -> Attributes:
    return Attributes(
        second.id or first.id, first.classes + second.classes, first.pairs + second.pairs, first.refs + second.refs
    )


def with_attributes_html(raw: str, attributes: Attributes) -> str:
    """Put attributes on the first start tag of raw HTML, leaving its other attributes as written."""
    tag = HTML_TAG.match(raw.lstrip())
    if tag is None or tag.group(1):
        return raw
    start = len(raw) - len(raw.lstrip())
    written = tag.group(3).rstrip()
    closing = "/" if written.endswith("/") else ""
    written = written.removesuffix("/")
    if attributes.classes:
        found = _html_attribute("class").search(written)
        classes = [*(found.group(2).split() if found else []), *attributes.classes]
        written = _html_attribute("class").sub("", written) + f' class="{html.escape(" ".join(dict.fromkeys(classes)))}"'
    for key, value in ((("id", attributes.id),) if attributes.id else ()) + attributes.pairs:
        written = _html_attribute(key).sub("", written) + f' {key}="{html.escape(value)}"'
    rebuilt = f"<{tag.group(2)}{written}{closing}>"
    return raw[:start] + rebuilt + raw[start + tag.end() :]


def _html_attribute(name: str) -> re.Pattern[str]:
    return re.compile(r"\s" + re.escape(name) + r"""\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)


def set_attributes(element: ET.Element, attributes: Attributes) -> None:
    """Set an attribute list on an element: classes add up, the id and other keys replace."""
    if attributes.classes:
        existing = element.get("class", "").split()
        element.set("class", " ".join(dict.fromkeys([*existing, *attributes.classes])))
    if attributes.id:
        element.set("id", attributes.id)
    for key, value in attributes.pairs:
        element.set(key, value)
