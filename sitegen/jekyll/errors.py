"""Liquid errors as sitegen's one-line messages: `file:line: error: Liquid error: …`.

python-liquid reports some problems without a position (a block never closed,
an expression cut short, a resource limit reached deep in a loop); these are
located here from the template's own tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from liquid import Environment
from liquid.exceptions import (
    ContextDepthError,
    LiquidError,
    LiquidSyntaxError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    TemplateNotFoundError,
)
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

from sitegen.errors import ContentError
from sitegen.model import Source
from sitegen.settings.config import Config
from sitegen.settings.limits import (
    MAX_LIQUID_LOCALS_BYTES,
    MAX_LIQUID_LOOP_ITERATIONS,
    MAX_LIQUID_OUTPUT_BYTES,
)

INCLUDES_DIR = "_includes"

# Resource limits in words: what ran away, and the limit it ran into.
_LIMITS: Mapping[type[LiquidError], str] = {
    LoopIterationLimitError: f"loops run more than {MAX_LIQUID_LOOP_ITERATIONS:,} times (nested loops multiply)",
    OutputStreamLimitError: f"the page renders to more than {MAX_LIQUID_OUTPUT_BYTES:,} bytes",
    LocalNamespaceLimitError: f"assigned values hold more than {MAX_LIQUID_LOCALS_BYTES:,} bytes",
    ContextDepthError: "includes nested too deep (an include that includes itself?)",
}


def located_error(exc: LiquidError, source: Source, config: Config, body_line: int, body: str) -> ContentError:
    """Turn a Liquid error into `file:line: error: Liquid error: …`, in the include when it is there."""
    message = _one_line(_message(exc))
    name = str(exc.template_name or source.rel)
    if name != source.rel and exc.template_name:
        path = Path(name)
        rel = path.relative_to(config.root).as_posix() if path.is_absolute() and path.is_relative_to(config.root) else name
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_absolute() and path.is_file() else ""
        line = _line(exc, text)
        return ContentError(f"Liquid error: {message} (included from {source.rel})", rel, line)
    line = _line(exc, body)
    return ContentError(f"Liquid error: {message}", source.rel, body_line + line - 1 if line else body_line)


def _one_line(message: str, limit: int = 300) -> str:
    """Fold a message onto one line (a tag's argument may span lines), cut to `limit` characters."""
    folded = " ".join(message.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def _message(exc: LiquidError) -> str:
    for kind, text in _LIMITS.items():
        if isinstance(exc, kind):
            return text
    if isinstance(exc, TemplateNotFoundError):
        return f"no file '{exc.message}' in {INCLUDES_DIR}/"
    message = str(exc.message) if exc.message is not None else type(exc).__name__
    if message == "unexpected tag 'raw'":  # python-liquid reads a `raw` without `endraw` as an unknown tag
        return "'raw' is never closed with {% endraw %}"
    unclosed = _unclosed_block(exc)
    return f"'{unclosed}' is never closed with {{% end{unclosed} %}}" if unclosed else message


def _unclosed_block(exc: LiquidError) -> str | None:
    text = str(exc.message or "")
    if isinstance(exc, LiquidSyntaxError) and text.startswith("expected tag end") and "end of expression" in text:
        return text.removeprefix("expected tag end").split(",")[0].strip()
    return None


def _line(exc: LiquidError, text: str) -> int | None:
    """Return the 1-based line of the error in `text`, finding it from the tags when Liquid gives none."""
    found = exc.context()
    if found:
        return found[0]
    if not text:
        return None
    tags = _tags(text)
    unclosed = _unclosed_block(exc)
    if unclosed:
        index = _opener_left_open(tags, unclosed)
    else:
        index = next((start for name, expression, start in tags if _fails_alone(name, expression)), None)
    return text.count("\n", 0, index) + 1 if index is not None else None


def _tags(text: str) -> list[tuple[str, str, int]]:
    """Return each tag of a template: (name, expression, where it starts)."""
    env = Environment()
    tags: list[tuple[str, str, int]] = []
    try:
        tokens: list[Token] = list(env.tokenizer()(text))
    except LiquidError:
        return tags
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        if token.kind == TOKEN_TAG:
            expression = following.value if following is not None and following.kind == TOKEN_EXPRESSION else ""
            tags.append((token.value, expression, token.start_index))
    return tags


def _opener_left_open(tags: list[tuple[str, str, int]], block: str) -> int | None:
    """Return where the last `{% block %}` that no `{% endblock %}` closes starts."""
    open_at: list[int] = []
    for name, _, start in tags:
        if name == block:
            open_at.append(start)
        elif name == f"end{block}" and open_at:
            open_at.pop()
    return open_at[-1] if open_at else None


def _fails_alone(name: str, expression: str) -> bool:
    """Tell whether one tag is a syntax error on its own (so it is where a template fails)."""
    env = Environment()
    tag = env.tags.get(name)
    if tag is None:
        return False
    source = f"{{% {name} {expression} %}}" + (f"{{% end{name} %}}" if getattr(tag, "block", False) else "")
    try:
        env.from_string(source)
    except LiquidSyntaxError:
        return True
    except LiquidError:
        return False
    return False
