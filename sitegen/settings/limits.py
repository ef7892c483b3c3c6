"""Limits that refuse runaway input with a clear message instead of exhausting time or memory.

Each limit is far above what a real site needs; README.md ("Limits") lists them.
"""

from __future__ import annotations

# Nesting: lists, block quotes and YAML collections deeper than this are refused.
MAX_NESTING = 100
# YAML: the number of values a front matter block stands for once aliases are expanded
# (a "billion laughs" chain of aliases is a few hundred bytes but billions of values).
MAX_YAML_VALUES = 100_000
# Tags on one post: each tag makes listing pages and a feed.
MAX_TAGS = 100
# Output paths: one folder or file name (bytes, UTF-8; most file systems allow 255, and the
# writer adds a suffix to temporary names), and a whole path relative to the output folder.
MAX_SEGMENT_BYTES = 200
MAX_PATH_BYTES = 1000
# Images: one larger than this (a 64-megapixel photo) is published as it is, without smaller copies,
# since decoding it takes hundreds of MB; a "decompression bomb" claims billions of pixels in a few bytes.
MAX_IMAGE_PIXELS = 64_000_000


def output_path_problem(dest: str) -> str | None:
    """Say why an output path is too long for the file system, or return None when it is fine."""
    if len(dest.encode("utf-8")) > MAX_PATH_BYTES:
        return f"the output path is longer than {MAX_PATH_BYTES} bytes"
    for segment in dest.split("/"):
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            return f"the name '{segment[:20]}…' in its output path is longer than {MAX_SEGMENT_BYTES} bytes"
    return None

# Liquid (Jekyll content): loop iterations in one page (nested loops multiply), the text one page
# renders to, the values its `assign`s hold, and the items a filter such as `join` or `sort` walks.
MAX_LIQUID_LOOP_ITERATIONS = 1_000_000
MAX_LIQUID_OUTPUT_BYTES = 20_000_000
MAX_LIQUID_LOCALS_BYTES = 20_000_000
MAX_LIQUID_FILTER_ITEMS = 1_000_000
# Includes inside includes (an include that includes itself stops here).
MAX_LIQUID_INCLUDE_DEPTH = 30
