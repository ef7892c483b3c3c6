"""Characters XML and HTML cannot carry: C0 controls (but tab, newline and carriage return), DEL and noncharacters.

`feed.xml` with a U+0001 in a title does not parse, and HTML treats control characters
as parse errors. Text is cleaned where it is read, with a warning naming the file, and
every XML and HTML output is checked once more before it is written (issue 15).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sitegen.errors import Problem, warning
from sitegen.model import Document, Heading, Output

_NOT_ALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_NOT_ALLOWED_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_SUFFIXES = (".html", ".xml", ".htm", ".xhtml", ".svg")


def strip_controls(text: str) -> str:
    """Remove the characters XML and HTML cannot carry."""
    return _NOT_ALLOWED.sub("", text)


def first_control(text: str) -> str | None:
    """Return the first character XML and HTML cannot carry, as U+XXXX, or None."""
    found = _NOT_ALLOWED.search(text)
    return f"U+{ord(found.group(0)):04X}" if found else None


def clean_document(document: Document) -> Document:
    """Remove control characters from a document's fields and body, with one warning naming the file."""
    strings = [document.body, document.summary, document.text, *(h.text for h in document.toc), *_strings(document.meta)]
    found = next((code for text in strings if (code := first_control(text))), None)
    if found is None:
        return document
    problem = warning(f"removed control characters (first {found}) that XML and HTML cannot carry", document.source.rel)
    return replace(
        document,
        meta=_clean_value(document.meta),
        body=strip_controls(document.body),
        summary=strip_controls(document.summary),
        text=strip_controls(document.text),
        toc=tuple(Heading(h.level, strip_controls(h.anchor), strip_controls(h.text)) for h in document.toc),
        warnings=(*document.warnings, problem),
    )


def clean_output(output: Output) -> tuple[Output, Problem | None]:
    """Remove control bytes from an XML or HTML output that reached the writer with some (from settings or templates)."""
    if not output.dest.endswith(TEXT_SUFFIXES) or not _NOT_ALLOWED_BYTES.search(output.data):
        return output, None
    problem = warning("removed control characters that XML and HTML cannot carry", output.dest)
    return replace(output, data=_NOT_ALLOWED_BYTES.sub(b"", output.data)), problem


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for key, item in value.items() for text in (*_strings(key), *_strings(item))]
    if isinstance(value, list | tuple | set | frozenset):
        return [text for item in value for text in _strings(item)]
    return []


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, Mapping):
        return {_clean_value(key): _clean_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean_value(item) for item in value)
    return value
