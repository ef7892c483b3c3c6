"""Jekyll's Liquid tags: include and include_relative (with key=value parameters), highlight, link, post_url, and plugin tags."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

from liquid import BlockNode, Expression, Node, Tag
from liquid.builtin.expressions import FilteredExpression, tokenize
from liquid.exceptions import LiquidError, LiquidSyntaxError, TemplateNotFoundError
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, Token

if TYPE_CHECKING:
    from pathlib import Path

    from liquid import BoundTemplate, Environment, RenderContext

# `key=value` pairs of a Jekyll include: value is a quoted string or a variable.
_PARAM = re.compile(r"""([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S+)""")


def _expression_text(stream: TokenStream) -> tuple[Token, str]:
    """Return the tag token and the raw text after the tag name, leaving the stream on the tag's last token."""
    token = stream.current
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
        return token, stream.current.value.strip()
    return token, ""


class _Value:
    """A tag argument: a literal string or a Liquid expression evaluated at render time."""

    def __init__(self, env: Environment, token: Token, text: str) -> None:
        self.literal: str | None = None
        self.expression: Expression | None = None
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            self.literal = text[1:-1]
        elif "{{" in text:
            self.literal = text  # a Liquid output inside a tag argument is rendered below
            self.template = env.from_string(text)
        else:
            self.expression = FilteredExpression.parse(env, TokenStream(tokenize(text, parent_token=token)))

    def evaluate(self, context: RenderContext) -> Any:
        if self.expression is not None:
            return self.expression.evaluate(context)
        if self.literal is not None and "{{" in self.literal:
            return self.template.render(**dict(context.globals), **context.locals)
        return self.literal


# How an include tag finds its file: (context, evaluated name, the tag's token) -> the template.
Loader = Callable[["RenderContext", str, Token], "BoundTemplate"]


class IncludeNode(Node):
    """`{% include name.html key="value" other=page.var %}`: the file its loader finds, with `include.*`."""

    __slots__ = ("load", "name", "params")

    def __init__(self, token: Token, name: _Value, params: dict[str, _Value], load: Loader) -> None:
        super().__init__(token)
        self.name = name
        self.params = params
        self.load = load
        self.blank = False

    def __str__(self) -> str:
        return f"{{% {self.token.value} %}}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        """Render the included file with its parameters as `include`."""
        template = self.load(context, str(self.name.evaluate(context)), self.token)
        params = {key: value.evaluate(context) for key, value in self.params.items()}
        with context.extend({"include": params}, template=template):
            template.render_with_context(context, buffer, partial=True)
        return True

    def children(self, static_context: RenderContext, *, include_partials: bool = True) -> Iterable[Node]:
        return ()


def load_from_includes(context: RenderContext, name: str, token: Token) -> BoundTemplate:
    """Find an `include` file through the environment's loader (_includes/, then the stand-ins)."""
    try:
        return context.env.get_template(name, context=context, tag="include")
    except TemplateNotFoundError as err:
        err.token = token
        err.template_name = context.template.full_name()
        raise


def relative_loader(resolve: Callable[[str, str], Path]) -> Loader:
    """Make the loader of `include_relative`: `resolve(including file, name)` finds the file or raises LookupError."""

    def load(context: RenderContext, name: str, token: Token) -> BoundTemplate:
        including = context.template.full_name()
        try:
            path = resolve(including, name)
            text = path.read_text(encoding="utf-8")
        except LookupError as exc:
            raise LiquidError(f"include_relative: {exc.args[0]}", token=token, template_name=including) from None
        except UnicodeDecodeError:
            raise LiquidError(f"include_relative: '{name}' is not UTF-8 text", token=token, template_name=including) from None
        return context.env.from_string(text, name=str(path))

    return load


def include_tag(tag_name: str, load: Loader) -> type[Tag]:
    """Make Jekyll's include-like tag: a file name (unquoted, quoted or `{{ … }}`) and `key=value` parameters."""

    class IncludeTag(Tag):
        name = tag_name
        block = False

        def parse(self, stream: TokenStream) -> Node:
            token, text = _expression_text(stream)
            if not text:
                raise LiquidSyntaxError(f"{tag_name} needs a file name: {{% {tag_name} file.html %}}", token=token)
            name, params = parse_include_arguments(self.env, token, text)
            return IncludeNode(token, name, params, load)

    return IncludeTag


def parse_include_arguments(env: Environment, token: Token, text: str) -> tuple[_Value, dict[str, _Value]]:
    """Split `name.html key="value"` (or `{{ page.file }} key=…`, or a quoted name) into the name and parameters."""
    if text.startswith("{{") and "}}" in text:
        end = text.index("}}") + 2
        name_text, rest = text[:end], text[end:]
    else:
        name_text, _, rest = text.partition(" ")
    name = _Value(env, token, name_text if name_text[0] in "\"'{" else f'"{name_text}"')
    params = {match.group(1): _Value(env, token, match.group(2)) for match in _PARAM.finditer(rest)}
    return name, params


class FunctionNode(Node):
    """A tag whose output is a function of its argument text (evaluated as a template first)."""

    __slots__ = ("argument", "render_text")

    def __init__(self, token: Token, argument: str, render_text: Callable[[str], str]) -> None:
        super().__init__(token)
        self.argument = argument
        self.render_text = render_text
        self.blank = False

    def __str__(self) -> str:
        return f"{{% {self.token.value} {self.argument} %}}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        argument = self.argument
        if "{{" in argument:
            argument = context.env.from_string(argument).render(**dict(context.globals), **context.locals)
        try:
            buffer.write(self.render_text(argument.strip()))
        except LookupError as exc:
            raise LiquidError(f"{self.token.value}: {exc.args[0]}", token=self.token) from None
        return True

    def children(self, static_context: RenderContext, *, include_partials: bool = True) -> Iterable[Node]:
        return ()


def function_tag(tag_name: str, render_text: Callable[[str], str]) -> type[Tag]:
    """Make a tag class `{% tag_name argument %}` that writes render_text(argument)."""

    class FunctionTag(Tag):
        name = tag_name
        block = False

        def parse(self, stream: TokenStream) -> Node:
            token, text = _expression_text(stream)
            return FunctionNode(token, text, render_text)

    return FunctionTag


class BlockFunctionNode(Node):
    """A block tag whose output is a function of its argument and its rendered body."""

    __slots__ = ("argument", "block", "render_block")

    def __init__(self, token: Token, argument: str, block: BlockNode, render_block: Callable[[str, str], str]) -> None:
        super().__init__(token)
        self.argument = argument
        self.block = block
        self.render_block = render_block
        self.blank = False

    def __str__(self) -> str:
        return f"{{% {self.token.value} {self.argument} %}}{self.block}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        inner = context.get_buffer(buffer)
        self.block.render(context, inner)
        try:
            buffer.write(self.render_block(self.argument, inner.getvalue()))
        except LookupError as exc:
            raise LiquidError(f"{self.token.value}: {exc.args[0]}", token=self.token) from None
        return True

    def children(self, static_context: RenderContext, *, include_partials: bool = True) -> Iterable[Node]:
        yield self.block


def block_tag(tag_name: str, render_block: Callable[[str, str], str]) -> type[Tag]:
    """Make a block tag `{% tag_name argument %}…{% endtag_name %}` that writes render_block(argument, body)."""
    end = "end" + tag_name

    class BlockFunctionTag(Tag):
        name = tag_name
        block = True

        def parse(self, stream: TokenStream) -> Node:
            token, text = _expression_text(stream)
            next(stream)
            body = get_parser(self.env).parse_block(stream, frozenset((end, TOKEN_EOF)))
            if stream.current.kind == TOKEN_EOF:
                raise LiquidSyntaxError(f"'{tag_name}' is never closed with {{% {end} %}}", token=token)
            stream.expect(TOKEN_TAG, value=end)
            return BlockFunctionNode(token, text, body, render_block)

    BlockFunctionTag.end = end
    return BlockFunctionTag


def render_details(argument: str, body: str) -> str:
    """The `details` plugin block: a disclosure with the argument as its summary."""
    summary = argument.strip().strip("\"'")
    return f"<details><summary>{html.escape(summary)}</summary>\n\n{body.strip()}\n\n</details>"


def link_out(label: str) -> Callable[[str], str]:
    """Render a plugin embed (tweet, gist) as a plain link: built pages load nothing from elsewhere."""

    def render(argument: str) -> str:
        url = argument.split()[0] if argument.split() else ""
        if label == "gist" and not url.startswith("http"):
            url = f"https://gist.github.com/{url}"
        return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'

    return render


def render_footnote_ref(argument: str) -> str:
    """fastpages' `{% fn 1 %}`: a footnote reference."""
    number = html.escape(argument.strip())
    return f'<sup id="fnref-{number}" class="footnote-ref"><a href="#fn-{number}">{number}</a></sup>'
