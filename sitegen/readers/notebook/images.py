"""The size of an image from its bytes (PNG, JPEG, GIF) or from its SVG attributes.

A page that states every image's width and height does not jump about while
it loads, so notebook images get both.
"""

from __future__ import annotations

import re
import struct

_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|in|cm|mm|em|ex)?\s*$")
_PIXELS_PER_UNIT = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "em": 16.0, "ex": 8.0}
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) in pixels of a PNG, JPEG or GIF, or None if the bytes are not one."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG segments to the first start-of-frame marker, which holds the size."""
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in (0x01, *range(0xD0, 0xDA)):  # markers without a length
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if marker in _JPEG_FRAMES and index + 9 <= len(data):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def svg_size(svg: str) -> tuple[int, int] | None:
    """Return the CSS pixel size of an SVG from width/height (pt, mm... converted) or its viewBox."""
    tag = _SVG_TAG.search(svg)
    if not tag:
        return None
    attributes = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(tag.group(0))}
    width, height = _pixels(attributes.get("width")), _pixels(attributes.get("height"))
    box = _view_box(attributes.get("viewbox"))
    if width and height:
        return round(width), round(height)
    if box and width:
        return round(width), round(width * box[1] / box[0])
    if box and height:
        return round(height * box[0] / box[1]), round(height)
    if box:
        return round(box[0]), round(box[1])
    return None


# Sizes at or above this (1e999 is infinity) are ignored rather than written into the page.
MAX_PIXELS = 1e6


def _pixels(value: str | None) -> float | None:
    match = _LENGTH.match(value) if value else None
    if not match:
        return None
    number = float(match.group(1)) * _PIXELS_PER_UNIT[match.group(2) or "px"]
    return number if 0 < number < MAX_PIXELS else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    if not value:
        return None
    parts = value.replace(",", " ").split()
    try:
        width, height = float(parts[2]), float(parts[3])
    except (IndexError, ValueError):
        return None
    return (width, height) if 0 < width < MAX_PIXELS and 0 < height < MAX_PIXELS else None
