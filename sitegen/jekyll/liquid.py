"""Liquid in content files, rendered before Markdown the way Jekyll does, with Jekyll's variables.

A file is Liquid when the site says so (`liquid = true` in the settings, which
`sitegen import jekyll` writes) or its front matter has `liquid: true`; a file
can opt out with `liquid: false`. Everything else is left alone, so Jinja HTML
pages keep working.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from typing import Any, TextIO

from liquid import (
    BoundTemplate,
    ChoiceLoader,
    DictLoader,
    Environment,
    FileSystemLoader,
    RenderContext,
)
from liquid.exceptions import LiquidError
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from sitegen.errors import ContentError
from sitegen.jekyll.errors import INCLUDES_DIR, located_error
from sitegen.jekyll.includes import FALLBACK_INCLUDES
from sitegen.jekyll.site import JekyllSite, page_variables
from sitegen.jekyll.tags import (
    block_tag,
    function_tag,
    include_tag,
    link_out,
    load_from_includes,
    relative_loader,
    render_details,
    render_footnote_ref,
)
from sitegen.markup.markdown import MORE_MARKER
from sitegen.model import Source
from sitegen.settings.config import Config
from sitegen.settings.limits import (
    MAX_LIQUID_INCLUDE_DEPTH,
    MAX_LIQUID_LOCALS_BYTES,
    MAX_LIQUID_LOOP_ITERATIONS,
    MAX_LIQUID_OUTPUT_BYTES,
)


def render_liquid_body(
    body: str, meta: Mapping[str, Any], source: Source, config: Config, body_line: int, *, markdown: bool
) -> str:
    """Render a Liquid body with `site`, `page` and `include`; errors name the file and line.

    In Markdown, `{% highlight %}` becomes a fenced block, so Markdown highlights it like any other.
    """
    env = liquid_environment(config, markdown)
    site = JekyllSite(config)
    variables = {"site": site, "page": page_variables(source, meta, config), "paginator": {}}
    try:
        text = env.from_string(body, name=source.rel).render(**variables)
    except ContentError:
        raise
    except LiquidError as exc:
        raise located_error(exc, source, config, body_line, body) from None
    return _mark_excerpt(text, meta, site)


def _mark_excerpt(text: str, meta: Mapping[str, Any], site: JekyllSite) -> str:
    """Put sitegen's summary marker where the page's (or site's) `excerpt_separator` is."""
    separator = meta.get("excerpt_separator", site.settings.get("excerpt_separator"))
    if not isinstance(separator, str) or not separator.strip() or separator == MORE_MARKER:
        return text
    if MORE_MARKER in text or separator not in text:
        return text
    return text.replace(separator, MORE_MARKER, 1)


class _Template(BoundTemplate):
    """A template whose errors name it, also those Liquid raises without a file (resource limits)."""

    def render_with_context(self, context: RenderContext, buffer: TextIO, *args: Any, **kwargs: Any) -> None:
        try:
            super().render_with_context(context, buffer, *args, **kwargs)
        except LiquidError as exc:
            if exc.template_name is None:
                exc.template_name = self.full_name()
            raise


class JekyllEnvironment(Environment):
    """Liquid with limits: a page cannot loop, nest or grow without end (README, "Errors and limits")."""

    template_class = _Template
    loop_iteration_limit = MAX_LIQUID_LOOP_ITERATIONS
    output_stream_limit = MAX_LIQUID_OUTPUT_BYTES
    local_namespace_limit = MAX_LIQUID_LOCALS_BYTES
    # An include opens two contexts (its parameters, its own); the page itself holds a few.
    context_depth_limit = 2 * MAX_LIQUID_INCLUDE_DEPTH + 4


@functools.lru_cache(maxsize=8)
def liquid_environment(config: Config, markdown: bool) -> Environment:
    """Make the Liquid environment: standard Liquid plus Jekyll's filters and tags, _includes/ as includes."""
    from sitegen.jekyll.filters import register_filters
    from sitegen.jekyll.site import link_url, post_url, relative_include

    loader = ChoiceLoader([FileSystemLoader(config.root / INCLUDES_DIR), DictLoader(dict(FALLBACK_INCLUDES))])
    env = JekyllEnvironment(loader=loader, extra=False)
    register_filters(env, config.base_path, config.base_url, config.pygments_style)
    highlight = functools.partial(render_highlight, markdown=markdown, style=config.pygments_style)
    tags = (
        include_tag("include", load_from_includes),
        include_tag("include_relative", relative_loader(functools.partial(relative_include, config))),
        block_tag("highlight", highlight),
        block_tag("details", render_details),
        function_tag("link", functools.partial(link_url, config)),
        function_tag("post_url", functools.partial(post_url, config)),
        function_tag("twitter", link_out("twitter")),
        function_tag("gist", link_out("gist")),
        function_tag("fn", render_footnote_ref),
        # jekyll-seo-tag and jekyll-feed: sitegen writes the meta tags and the feed link itself.
        function_tag("seo", lambda _: ""),
        function_tag("feed_meta", lambda _: ""),
    )
    for tag in tags:
        env.add_tag(tag)
    return env


def render_highlight(argument: str, body: str, *, markdown: bool, style: str) -> str:
    """`{% highlight lang [linenos] %}`: a fenced block in Markdown, highlighted HTML elsewhere."""
    words = argument.split()
    language = words[0] if words else "text"
    linenos = "linenos" in words[1:]
    code = body.strip("\n")
    if markdown:
        fence = "`" * max(3, _longest_backtick_run(code) + 1)
        options = ' linenums="1"' if linenos else ""
        return f"\n{fence}{language}{options}\n{code}\n{fence}\n"
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return f'<pre class="highlight"><code>{html.escape(code)}</code></pre>'
    formatter = HtmlFormatter(cssclass="highlight", style=style, linenos="table" if linenos else False)
    return str(pygments_highlight(code, lexer, formatter))


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest
