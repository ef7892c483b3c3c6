"""kramdown syntax, as Jekyll sites write it, for Python-Markdown.

- Block inline attribute lists on a line of their own: `{: .class #id key="value"}`
  (also `{:.a.b}`) after a block apply to it, before a block (after a blank line)
  to the next one: paragraphs, images, headings, lists, tables, quotes, code.
- Span attribute lists right after a span: `` `code`{:.info} ``, `![x](y){:width="64px"}`.
- Attribute list definitions `{:name: .class}` and references `{: name}`.
- A list carrying `{:toc}` is replaced by the table of contents; `{:.no_toc}`
  headings are left out of it.
- `{::comment}…{:/comment}` disappears; `{::options …/}` is accepted and ignored;
  `{::nomarkdown}…{:/nomarkdown}` content passes through as written, not as Markdown.
- Tables in kramdown's forms (a separator line first, `|===` before the footer,
  no header) are tables (`sitegen.markup.tables`).
- `markdown="1"` on an HTML element nested in others makes them Markdown-aware too.

Rules from https://kramdown.gettalong.org/syntax.html (issue 12).
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from sitegen.markup.attributes import (
    BODY,
    HTML_TAG,
    NAME,
    Attributes,
    merge_attributes,
    parse_attribute_list,
    set_attributes,
    with_attributes_html,
)
from sitegen.markup.blocks import CODE, TEXT, Line, classify_lines
from sitegen.markup.fences import closes, fence_marker
from sitegen.markup.tables import move_footers, rewrite_tables

_IAL_LINE = re.compile(r"^(?P<quote>(?:[ ]{0,3}>[ ]?)*)(?P<indent>[ \t]*)\{:(?![:/])" + BODY + r"\}[ \t]*$")
_ALD_LINE = re.compile(r"^[ ]{0,3}\{:(?P<name>" + NAME + r"):" + BODY + r"\}[ \t]*$")
_SPAN_IAL = re.compile(r"\{:(?![:/])" + BODY + r"\}")
_COMMENT = re.compile(r"\{::comment\}.*?(?:\{:/comment\}|\{:/\}|\Z)", re.DOTALL)
_NOMARKDOWN = re.compile(r"\{::nomarkdown\b(?:[^}\\/]|\\.)*\}(?P<raw>.*?)(?:\{:/nomarkdown\}|\{:/\}|\Z)", re.DOTALL)
RAW_TOKEN = "zzraw{:d}zz"
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))*?(?<!`)\1(?!`)")
_RAW = re.compile(r"zzraw(\d+)zz")
_EXTENSION_TAG = re.compile(r"\{::(?:options|comment|nomarkdown)\b(?:[^}\\]|\\.)*/\}|\{::nomarkdown\}|\{:/nomarkdown\}|\{:/\}")
_STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")
_TRAILING_IAL = re.compile(r"(?:^|(?<=\s))\{:(?![:/])" + BODY + r"\}\s*$")
_TRAILING_TARGETS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd"})
_MARKER = re.compile(r"^zzkdial(\d+)(p|n)zz$")
_STRAY_MARKER = re.compile(r"[ \t]*zzkdial\d+[pn]zz[ \t]*\n?")
_MARKER_FORMAT = "zzkdial{:d}{}zz"
_FENCE_OPENER = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*?)[ \t]*$")
_BLOCK_ELEMENTS = frozenset(
    {
        "address", "article", "aside", "blockquote", "details", "dialog", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "header", "hgroup", "li", "main", "nav", "ol", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)
TOC_ID = "markdown-toc"


def remove_extensions(text: str) -> tuple[str, tuple[str, ...]]:
    """Drop kramdown comments and extension tags outside code, keeping every line (math lines stay right).

    `{::nomarkdown}…{:/nomarkdown}` content is not Markdown: it is set aside, a token takes its
    place, and `restore_nomarkdown` puts it back into the HTML as it was written.
    """
    if "{::" not in text and "{:/" not in text:
        return text, ()
    raws: list[str] = []

    def stash(match: re.Match[str]) -> str:
        raws.append(match.group("raw"))
        return RAW_TOKEN.format(len(raws) - 1) + "\n" * match.group(0).count("\n")

    text = _outside_code(text, _COMMENT, lambda match: "\n" * match.group(0).count("\n"))
    text = _outside_code(text, _NOMARKDOWN, stash)
    return _outside_code(text, _EXTENSION_TAG, lambda match: "\n" * match.group(0).count("\n")), tuple(raws)


def _outside_code(text: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> str:
    """Replace the matches of a pattern that start outside code blocks."""
    lines = text.splitlines(keepends=True)
    is_code = [kind.kind == CODE for kind in classify_lines(lines)]
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    spans = [(span.start(), span.end()) for span in _CODE_SPAN.finditer(text)] if "`" in text else []

    def outside(match: re.Match[str]) -> str:
        if is_code[bisect.bisect_right(starts, match.start()) - 1]:
            return match.group(0)
        if any(start < match.start() < end for start, end in spans):  # in a code span
            return match.group(0)
        return replace(match)

    return pattern.sub(outside, text)


def restore_nomarkdown(html_text: str, raws: Sequence[str]) -> str:
    """Put `{::nomarkdown}` content back where its token went; a token alone in a paragraph takes its place."""
    if not raws:
        return html_text
    html_text = re.sub(r"<p>zzraw(\d+)zz</p>", lambda match: raws[int(match.group(1))].strip("\n"), html_text)
    return _RAW.sub(lambda match: raws[int(match.group(1))], html_text)


@dataclass(slots=True)
class _State:
    """What the preprocessor leaves for the tree processors, for one conversion."""

    markers: list[Attributes] = field(default_factory=list)
    definitions: dict[str, Attributes] = field(default_factory=dict)

    def resolve(self, attributes: Attributes) -> Attributes:
        """Merge in the definitions the attribute list refers to."""
        merged = Attributes()
        for ref in attributes.refs:
            if ref in self.definitions:
                merged = merge_attributes(merged, self.definitions[ref])
        return merge_attributes(merged, attributes)


class _BlockAttributes(Preprocessor):
    """Turn block attribute lines into marker paragraphs, or into fence attributes for code."""

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        self.state.markers.clear()
        self.state.definitions.clear()
        has_lists = any("{:" in line for line in lines)
        if not has_lists and not any("``" in line or "~~" in line or "markdown=" in line for line in lines):
            return lines
        kinds = classify_lines(lines)  # neither step below changes what a line is
        lines = _even_fences(_mark_nested_markdown(lines, kinds), kinds)
        if not has_lists:
            return lines
        out: list[str] = []
        positions: list[int] = []  # where each input line went in `out`
        pending: dict[int, Attributes] = {}  # fence opener line -> attributes from a list before it
        for index, line in enumerate(lines):
            positions.append(len(out))
            if index in pending:
                line = _fence_with(line, self.state.resolve(pending.pop(index)))
            if kinds[index].kind != TEXT:
                out.append(line)
                continue
            definition = _ALD_LINE.match(line)
            if definition:
                self.state.definitions[definition.group("name")] = parse_attribute_list(definition.group("body"))
                out.append("")
                continue
            match = _IAL_LINE.match(line)
            if match is None:
                out.append(line)
                continue
            attributes = parse_attribute_list(match.group("body"))
            out += self._place(lines, kinds, index, match, attributes, out, positions, pending)
        return out

    def _place(
        self,
        lines: Sequence[str],
        kinds: Sequence[Line],
        index: int,
        match: re.Match[str],
        attributes: Attributes,
        out: list[str],
        positions: Sequence[int],
        pending: dict[int, Attributes],
    ) -> list[str]:
        """Return the lines that stand for one block attribute line."""
        quote = match.group("quote")
        previous = lines[index - 1] if index else ""
        after_block = bool(previous.strip()) and previous.strip() != quote.strip()
        if after_block and kinds[index].depth and match.group("indent") and kinds[index - 1].kind != CODE:
            return [lines[index]]  # indented in a list item: it closes the item's text, and the list stays whole
        if after_block and kinds[index - 1].kind == CODE:
            _attach_to_code_before(lines, kinds, index, out, positions, self.state.resolve(attributes))
            return [quote.rstrip()]
        if not after_block:
            following = _next_block(lines, index)
            if following is not None and kinds[following].fenced:
                pending[following] = attributes
                return [quote.rstrip()]
        self.state.markers.append(attributes)
        token = _MARKER_FORMAT.format(len(self.state.markers) - 1, "p" if after_block else "n")
        return [quote.rstrip(), quote + match.group("indent") + token, quote.rstrip()]


def _even_fences(lines: list[str], kinds: Sequence[Line]) -> list[str]:
    """Shorten closing fences longer than their opener: kramdown closes with them, superfences would not."""
    out: list[str] = []
    opener: str | None = None
    for line, kind in zip(lines, kinds, strict=True):
        marker = fence_marker(line) if kind.fenced else None
        if opener is None and marker:
            opener = marker
        elif opener is not None and marker and closes(opener, line):
            line = line.replace(marker, opener, 1)
            opener = None
        out.append(line)
    return out


def _next_block(lines: Sequence[str], index: int) -> int | None:
    for following in range(index + 1, len(lines)):
        if lines[following].strip():
            return following
    return None


def _attach_to_code_before(
    lines: Sequence[str],
    kinds: Sequence[Line],
    index: int,
    out: list[str],
    positions: Sequence[int],
    attributes: Attributes,
) -> None:
    """Give the code block just before `index` the attributes: on its fence, or by fencing an indented block."""
    start = index - 1
    fenced = kinds[index - 1].fenced
    while start > 0 and kinds[start - 1].kind == CODE and kinds[start - 1].fenced == fenced:
        start -= 1
    closing = fence_marker(lines[index - 1])
    if fenced and closing:
        for opener in range(index - 2, start - 1, -1):
            marker = fence_marker(lines[opener])
            if marker and marker[0] == closing[0] and len(marker) <= len(closing):
                out[positions[opener]] = _fence_with(out[positions[opener]], attributes)
                return
        return
    # An indented block: fence it, so that its language and attributes can be given.
    while start < index - 1 and not lines[start].strip():
        start += 1
    body = [line[4:] if line.startswith("    ") else line.lstrip("\t") for line in lines[start:index]]
    del out[positions[start] :]
    out += [_fence_with("```", attributes), *body, "```"]


def _fence_with(opener: str, attributes: Attributes) -> str:
    """Write a fence opener in the braced form that carries attributes (`` ```{.python .x #id} ``)."""
    match = _FENCE_OPENER.match(opener)
    if match is None:
        return opener
    info = match.group("info")
    parts: list[str] = []
    if info.startswith("{") and info.endswith("}"):
        parts.append(info[1:-1].strip())
    elif info:
        language, _, options = info.partition(" ")
        parts += [f".{language.lstrip('.')}", options.strip()]
    languages = [name.removeprefix("language-") for name in attributes.classes if name.startswith("language-")]
    classes = [name for name in attributes.classes if not name.startswith("language-")]
    if not parts and not languages:
        languages = ["text"]  # the first class of a braced fence is its language
    parts[:0] = [f".{name}" for name in languages[:1] if not parts]
    parts += [f".{name}" for name in classes]
    parts += [f"#{attributes.id}"] if attributes.id else []
    parts += [f'{key}="{value}"' for key, value in attributes.pairs]
    return f"{match.group('indent')}{match.group('fence')}{{{' '.join(part for part in parts if part)}}}"


def _mark_nested_markdown(lines: list[str], kinds: Sequence[Line]) -> list[str]:
    """Put `markdown="1"` on the HTML elements around one that has it, so that md_in_html reaches it."""
    if not any("markdown=" in line for line in lines):
        return lines
    text = "\n".join(lines)
    scanned = "\n".join(" " * len(line) if kind.kind == CODE else line for line, kind in zip(lines, kinds, strict=True))
    stack: list[tuple[str, int, bool]] = []  # element name, where its name ends, has markdown=
    marks: set[int] = set()
    for tag in HTML_TAG.finditer(scanned):
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name not in _BLOCK_ELEMENTS or attributes.rstrip().endswith("/"):
            continue
        if closing:
            while stack:
                if stack.pop()[0] == name:
                    break
            continue
        aware = "markdown=" in attributes
        if aware:
            marks.update(end for _, end, has in stack if not has)
            stack = [(entry, end, True) for entry, end, _ in stack]
        stack.append((name, tag.start(2) + len(name), aware))
    for end in sorted(marks, reverse=True):
        text = text[:end] + ' markdown="1"' + text[end:]
    return text.split("\n")


class _ApplyAttributes(Treeprocessor):
    """Apply block markers and span attribute lists; put the `{:toc}` list's place aside."""

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: ET.Element) -> None:
        for parent in list(root.iter()):
            self._apply_markers(parent)
            self._apply_spans(parent)

    def _apply_markers(self, parent: ET.Element) -> None:
        children = list(parent)
        markers = {position: _MARKER.match((child.text or "").strip()) for position, child in enumerate(children)}
        for position, child in enumerate(children):
            match = markers[position] if child.tag == "p" and not len(child) else None
            if match is None:
                continue
            step = -1 if match.group(2) == "p" else 1
            target = position + step
            while 0 <= target < len(children) and markers[target] and children[target].tag == "p":
                target += step
            parent.remove(child)
            if 0 <= target < len(children):
                self._apply(children[target], parent, self.state.resolve(self.state.markers[int(match.group(1))]))

    def _apply(self, element: ET.Element, parent: ET.Element, attributes: Attributes) -> None:
        if "toc" in attributes.refs and element.tag in ("ul", "ol"):
            if not any(child is element for child in parent):
                return  # a second `{:toc}` on the same list: it is already the table of contents
            placeholder = ET.Element("div", {"data-kramdown-toc": element.tag})
            placeholder.tail = element.tail
            parent[list(parent).index(element)] = placeholder
            return
        stashed = _STASHED.fullmatch((element.text or "").strip()) if element.tag == "p" and not len(element) else None
        if stashed:  # raw HTML: the attributes go on its first tag
            blocks = self.md.htmlStash.rawHtmlBlocks
            number = int(stashed.group(1))
            block = blocks[number] if number < len(blocks) else None
            if isinstance(block, str):
                blocks[number] = with_attributes_html(block, attributes)
            return
        set_attributes(element, attributes)

    def _apply_spans(self, parent: ET.Element) -> None:
        if parent.tag in ("code", "pre", "script", "style"):
            return
        for child in parent:
            tail = child.tail or ""
            match = _SPAN_IAL.match(tail)
            if match:
                set_attributes(child, self.state.resolve(parse_attribute_list(match.group("body"))))
                child.tail = tail[match.end() :]
        self._apply_trailing(parent)
        for child in parent:
            if child.tail and "{:" in child.tail:
                child.tail = _SPAN_IAL.sub("", child.tail)  # kramdown drops a span list that follows no span
        if parent.text and "{:" in parent.text:
            parent.text = _SPAN_IAL.sub("", parent.text)


    def _apply_trailing(self, parent: ET.Element) -> None:
        """A list closing a block's last line after a space applies to the block (`## Title {: #id}`)."""
        if parent.tag not in _TRAILING_TARGETS:
            return
        last = parent[-1] if len(parent) else None
        text = (last.tail if last is not None else parent.text) or ""
        match = _TRAILING_IAL.search(text)
        if match is None:
            return
        before = text[: match.start()].rstrip()
        # A tight list item holding only an image: kramdown's paragraph is not drawn, the image takes it.
        alone = parent.tag == "li" and len(parent) == 1 and not (parent.text or "").strip() and not before
        target = parent[0] if alone else parent
        set_attributes(target, self.state.resolve(parse_attribute_list(match.group("body"))))
        if last is not None:
            last.tail = before
        else:
            parent.text = before


class _TableOfContents(Treeprocessor):
    """After the toc extension: leave `.no_toc` headings out, and fill the `{:toc}` list's place."""

    def run(self, root: ET.Element) -> None:
        hidden = {element.get("id", "") for element in root.iter() if _is_heading(element) and "no_toc" in element.get("class", "").split()}
        tokens: list[dict[str, Any]] = getattr(self.md, "toc_tokens", [])
        if hidden:
            tokens = _without(tokens, hidden)
            self.md.toc_tokens = tokens  # type: ignore[attr-defined]
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                kind = child.get("data-kramdown-toc")
                if kind:
                    toc = _toc_list(tokens, kind)
                    toc.set("id", TOC_ID)
                    toc.tail = child.tail
                    parent[position] = toc


def _is_heading(element: ET.Element) -> bool:
    return len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456"


def _without(tokens: Sequence[Mapping[str, Any]], hidden: set[str]) -> list[dict[str, Any]]:
    """Drop the hidden headings from the toc tokens, keeping their sub-headings in their place."""
    kept: list[dict[str, Any]] = []
    for token in tokens:
        children = _without(token.get("children", []), hidden)
        if token["id"] in hidden:
            kept += children
        else:
            kept.append({**token, "children": children})
    return kept


def _toc_list(tokens: Sequence[Mapping[str, Any]], kind: str) -> ET.Element:
    listing = ET.Element(kind)
    for token in tokens:
        item = ET.SubElement(listing, "li")
        link = ET.SubElement(item, "a", {"href": f"#{token['id']}"})
        link.text = html.unescape(str(token["name"]))
        if token.get("children"):
            item.append(_toc_list(token["children"], kind))
    return listing


class _DropStrayMarkers(Postprocessor):
    """Remove markers that landed in raw HTML, where no element could take their attributes."""

    def run(self, text: str) -> str:
        return _STRAY_MARKER.sub("", text) if "zzkdial" in text else text


class _Tables(Preprocessor):
    """Rewrite kramdown's table forms (separator first, `|===` footers, no header) for the tables extension."""

    def run(self, lines: list[str]) -> list[str]:
        return rewrite_tables(lines)


class _TableFooters(Treeprocessor):
    """Put the footer rows of kramdown tables (after `|===`) into a <tfoot>."""

    def run(self, root: ET.Element) -> None:
        move_footers(root)


class KramdownExtension(Extension):
    """Register the kramdown syntax with a Python-Markdown instance."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the preprocessor and tree processors."""
        state = _State()
        # After whitespace is normalised (30), before fenced code is stashed (25).
        md.preprocessors.register(_Tables(md), "kramdown_tables", 28)
        md.preprocessors.register(_BlockAttributes(md, state), "kramdown_attributes", 27)
        # After inline markup exists (20), before attr_list (8) and toc (5); the list after toc.
        md.treeprocessors.register(_ApplyAttributes(md, state), "kramdown_attributes", 15)
        md.treeprocessors.register(_TableOfContents(md), "kramdown_toc", 4)
        md.treeprocessors.register(_TableFooters(md), "kramdown_table_footers", 3)
        # After raw HTML is put back (30).
        md.postprocessors.register(_DropStrayMarkers(md), "kramdown_markers", 5)
