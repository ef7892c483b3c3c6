"""Which characters a font can draw: its `cmap` table, read without any font library.

Pillow draws a character a font lacks as the font's .notdef box ("tofu") and
cannot say which characters those are, so the social cards read each bundled
font's character map here and give every character to the first font that has it.
See the OpenType spec, "cmap — Character to Glyph Index Mapping Table".
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

# (platform, encoding) of the Unicode subtables, the full-repertoire one first.
_UNICODE_SUBTABLES = ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3))


def read_cmap(font: bytes) -> frozenset[int]:
    """Return the code points an OpenType or TrueType font maps to a glyph other than .notdef."""
    table = _table(font, b"cmap")
    count = struct.unpack_from(">H", font, table + 2)[0]
    offsets: dict[tuple[int, int], int] = {}
    for record in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", font, table + 4 + record * 8)
        offsets.setdefault((platform, encoding), table + offset)
    for key in _UNICODE_SUBTABLES:
        if key in offsets:
            start = offsets[key]
            subtable_format = struct.unpack_from(">H", font, start)[0]
            if subtable_format == 12:
                return _format_12(font, start)
            if subtable_format == 4:
                return _format_4(font, start)
    raise ValueError("the font has no Unicode character map of format 4 or 12")


def _table(font: bytes, tag: bytes) -> int:
    """Return where a table starts in the font's bytes."""
    count = struct.unpack_from(">H", font, 4)[0]
    for record in range(count):
        name, _, offset, _ = struct.unpack_from(">4sIII", font, 12 + record * 16)
        if name == tag:
            return int(offset)
    raise ValueError(f"the font has no {tag.decode()} table")


def _format_12(font: bytes, start: int) -> frozenset[int]:
    """Read segmented coverage: groups of consecutive code points mapped to consecutive glyphs."""
    groups = struct.unpack_from(">I", font, start + 12)[0]
    found: set[int] = set()
    for group in range(groups):
        first, last, glyph = struct.unpack_from(">III", font, start + 16 + group * 12)
        found.update(range(first if glyph else first + 1, last + 1))
    return frozenset(found)


def _format_4(font: bytes, start: int) -> frozenset[int]:
    """Read the segment mapping of the Basic Multilingual Plane (delta or glyph-index array)."""
    segments = struct.unpack_from(">H", font, start + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", font, start + 14)
    starts_at = start + 16 + segments * 2
    starts = struct.unpack_from(f">{segments}H", font, starts_at)
    deltas = struct.unpack_from(f">{segments}h", font, starts_at + segments * 2)
    range_offsets_at = starts_at + segments * 4
    range_offsets = struct.unpack_from(f">{segments}H", font, range_offsets_at)
    found: set[int] = set()
    for index, (first, last, delta, range_offset) in enumerate(zip(starts, ends, deltas, range_offsets, strict=True)):
        for code in range(first, min(last, 0xFFFE) + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_offsets_at + index * 2 + range_offset + (code - first) * 2
                glyph = struct.unpack_from(">H", font, at)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(code)
    return frozenset(found)


def split_runs(text: str, coverages: Sequence[frozenset[int]]) -> tuple[list[tuple[int, str]], str]:
    """Split text into runs of (font index, text), each character in the first font that has it.

    Spaces and other characters no font has go to the run they stand in (a space has no glyph
    worth choosing a font for); the characters no font has are also returned, in order, once each.
    """
    runs: list[tuple[int, str]] = []
    missing: dict[str, None] = {}
    for char in text:
        index = next((number for number, coverage in enumerate(coverages) if ord(char) in coverage), -1)
        if index < 0:
            if not char.isspace():
                missing[char] = None
                continue
            index = runs[-1][0] if runs else 0
        if runs and runs[-1][0] == index:
            runs[-1] = (index, runs[-1][1] + char)
        else:
            runs.append((index, char))
    return runs, "".join(missing)
