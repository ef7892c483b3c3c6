"""Fenced code blocks in Markdown source: where one opens and which line closes it."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def fence_marker(line: str) -> str | None:
    """Return the fence (``` or ~~~, any length) a line starts with, or None."""
    match = _FENCE.match(line)
    return match.group(1) if match else None


def closes(opening: str, line: str) -> bool:
    """Tell whether a line closes the fence `opening`: the same character, at least as long, nothing after."""
    marker = fence_marker(line)
    return marker is not None and marker[0] == opening[0] and len(marker) >= len(opening) and not line.strip().strip(opening[0])
