"""Tell a Jekyll file's Liquid from sitegen's own syntax when the site leaves it to sitegen (`liquid = "auto"`).

A Markdown body is never a template in sitegen, so any Liquid tag or Jekyll variable outside code
marks a file that came from a Jekyll site. An HTML page is a Jinja template in sitegen, and Jinja
shares `if`, `for` and `{{ }}` with Liquid, so only what Jinja lacks counts there: Liquid-only tags,
Jekyll's filters and an `include` of an unquoted file name. Notebooks are judged like HTML pages: their
prose may well show template syntax when they teach it. Code is left out because a sitegen post
may show Liquid as an example; math is left out because TeX writes `{{`.
"""

from __future__ import annotations

import re

# Tags Jinja does not have (or spells differently): seeing one, the file is Liquid.
LIQUID_ONLY_TAGS = frozenset({
    "assign", "capture", "unless", "case", "tablerow", "comment", "increment", "decrement", "cycle",
    "highlight", "link", "post_url", "include_relative", "gist", "twitter", "youtube", "details", "fn",
    "seo", "feed_meta", "bibliography", "cite", "katexmm",
})
# Filters of Jekyll (and of Liquid) that Jinja has no filter by that name for.
JEKYLL_FILTERS = frozenset({
    "relative_url", "absolute_url", "date_to_xmlschema", "date_to_rfc822", "date_to_string",
    "date_to_long_string", "xml_escape", "cgi_escape", "uri_escape", "markdownify", "smartify", "slugify",
    "jsonify", "where", "where_exp", "group_by", "group_by_exp", "number_of_words", "array_to_sentence_string",
    "normalize_whitespace", "strip_html", "strip_newlines", "newline_to_br", "prepend", "append",
    "remove_first", "replace_first", "split", "size", "downcase", "upcase", "escape_once", "url_encode",
    "sample", "push", "pop", "shift", "unshift", "fndetail", "sort_natural", "compact", "concat",
})
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.DOTALL)
_HTML_CODE = re.compile(r"<(pre|code|script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|(?<![\\$])\$[^$\n]+\$", re.DOTALL)
_TAG = re.compile(r"\{%-?\s*([A-Za-z_]\w*)([^%]*)%\}")
_FILTER = re.compile(r"\{\{[^{}]*?\|\s*([A-Za-z_]\w*)")
_JEKYLL_VARIABLE = re.compile(r"\{\{-?\s*(?:site|page|include|paginator|layout|post)\.\w")


def uses_liquid(body: str, *, markdown: bool) -> bool:
    """Tell whether a body written for Jekyll uses Liquid outside code and math."""
    text = _without_code(body)
    for tag in _TAG.finditer(text):
        name, argument = tag.group(1), tag.group(2).strip()
        if markdown or name in LIQUID_ONLY_TAGS or (name == "include" and argument[:1] not in "\"'"):
            return True
    if any(name in JEKYLL_FILTERS for name in _FILTER.findall(text)):
        return True
    return markdown and _JEKYLL_VARIABLE.search(text) is not None


def _without_code(body: str) -> str:
    """Remove fenced, inline and HTML code, and math, where Liquid-like text is only shown."""
    for pattern in (_FENCE, _HTML_CODE, _INLINE_CODE, _MATH):
        body = pattern.sub(" ", body)
    return body
