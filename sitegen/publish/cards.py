"""Social cards: a 1200×630 PNG per post without an `image:`, for og:image and twitter:image.

Each card shows the post's title, the site's name and the date, drawn with
Pillow in two bundled fonts (SIL Open Font License, see data/fonts/): Noto Sans
Bold for Latin with its diacritics, Greek and Cyrillic, then Noto Sans CJK SC
Bold for kana, Hangul (KS X 1001) and the common simplified, traditional and
Japanese characters. Each character is drawn in the first font that has it; one
that neither has is left out with a warning naming the post, never drawn as a
box. Cards are cached under the hash of what they show, so a rebuild draws
nothing. The card of a post is written beside its page as `card.png`.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sitegen.engine.cache import Cache, cache_key
from sitegen.errors import Problem, warning
from sitegen.model import Output, Page, Site
from sitegen.publish.glyphs import read_cmap, split_runs

WIDTH, HEIGHT = 1200, 630
CARD_NAME = "card.png"
CACHE_FOLDER = "cards"
FONTS = ("NotoSans-Bold-subset.ttf", "NotoSansCJKsc-Bold-subset.otf")  # the first that has a character draws it
DESIGN = "cards:v4"  # raise when the drawing changes
BACKGROUND, FOREGROUND, MUTED, ACCENT = "#111418", "#e6e9ed", "#a9b3bd", "#7db7f0"


@dataclass(frozen=True, slots=True)
class Card:
    """What one card shows and where it is written."""

    dest: str
    title: str
    site_title: str
    date: str  # as the post's locale writes it
    source: str = ""  # the post's file, relative to the site root, for warnings


def card_dest(page: Page) -> str:
    """Return where a post's card is written: beside its index.html."""
    folder = page.dest.rpartition("/")[0]
    return f"{folder}/{CARD_NAME}" if folder else CARD_NAME


def needs_card(page: Page) -> bool:
    """Tell whether a post gets a generated card: it is published here and names no image of its own."""
    return page.kind == "post" and page.translated and not page.fields.get("image")


def plan_cards(site: Site, site_title: str, format_date: Any) -> tuple[Card, ...]:
    """Return a card for every published post without an image:, in every locale."""
    cards = {
        card_dest(post): Card(
            card_dest(post), post.title, site_title, format_date(post.locale, post.date) if post.date else "", post.document.source.rel
        )
        for locale_site in site.locales.values()
        for post in locale_site.posts
        if needs_card(post)
    }
    return tuple(cards[dest] for dest in sorted(cards))


def missing_glyphs(cards: Sequence[Card]) -> tuple[Problem, ...]:
    """Warn about each card whose text has characters no bundled font can draw (they are left out)."""
    problems = []
    for card in cards:
        _, missing = split_runs(_normal(card.title + card.site_title + card.date), _coverages())
        if missing:
            shown = " ".join(f"{char} (U+{ord(char):04X})" for char in missing)
            problems.append(warning(f"the social card cannot draw {shown}: no bundled font has it; it is left out", card.source))
    return tuple(problems)


def card_key(card: Card) -> str:
    """Return the cache key of a card: everything it shows, the design and the drawing library's version."""
    return cache_key(DESIGN, card.title, card.site_title, card.date, _pillow_version())


def render_card(card: Card, cache: Cache) -> Output:
    """Draw a card, or take it from the cache when one with the same text was drawn before."""
    key = card_key(card)
    data = cache.get(key)
    if data is None:
        data = draw_card(card)
        cache.put(key, data)
    return Output(card.dest, data)


def draw_card(card: Card) -> bytes:
    """Draw one card: site name at the top, the title in large type, the date at the bottom.

    The text is drawn as coverage masks and the card saved with a palette (the
    background blended into each text colour, and the accent): a third of the
    bytes of a full-colour PNG, and less than half the time to compress.
    """
    from PIL import Image, ImageDraw

    margin = 80
    title, muted = Image.new("L", (WIDTH, HEIGHT), 0), Image.new("L", (WIDTH, HEIGHT), 0)
    draw_title, draw_muted = ImageDraw.Draw(title), ImageDraw.Draw(muted)
    draw_text(draw_muted, (margin, 70), _normal(card.site_title), 40, 255)
    size, lines = _fit_title(draw_title, _normal(card.title), WIDTH - 2 * margin)
    line_height = round(size * 1.25)
    top = (HEIGHT - line_height * len(lines)) // 2 + 10
    for number, line in enumerate(lines):
        draw_text(draw_title, (margin, top + number * line_height), line, size, 255)
    draw_text(draw_muted, (margin, HEIGHT - 110), _normal(card.date), 36, 255)
    # Palette indices: 0-127 background to foreground, 128-254 background to muted, 255 the accent.
    indices = title.point(lambda value: value * 127 // 255)
    indices.paste(muted.point(lambda value: 128 + value * 126 // 255), mask=muted.point(lambda value: 255 if value else 0))
    ImageDraw.Draw(indices).rectangle((0, 0, 16, HEIGHT), fill=255)
    image = Image.frombytes("P", (WIDTH, HEIGHT), indices.tobytes())
    image.putpalette(_palette())
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def draw_text(draw: Any, position: tuple[int, int], text: str, size: int, fill: int) -> None:
    """Draw text run by run, each in the first bundled font that has its characters."""
    x, y = position
    for index, run in split_runs(text, _coverages())[0]:
        draw.text((x, y), run, font=_font(size, index), fill=fill)
        x += round(draw.textlength(run, font=_font(size, index)))


def text_width(draw: Any, text: str, size: int) -> float:
    """Return how wide `draw_text` draws text at a size."""
    return float(sum(draw.textlength(run, font=_font(size, index)) for index, run in split_runs(text, _coverages())[0]))


def _normal(text: str) -> str:
    """Compose letters and their accents (NFC): a precomposed letter is drawn as one glyph."""
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=1)
def _palette() -> bytes:
    """Return the cards' palette: 128 steps to the foreground, 127 to the muted colour, then the accent."""
    from PIL import ImageColor

    def steps(colour: str, count: int) -> list[int]:
        start, end = ImageColor.getrgb(BACKGROUND), ImageColor.getrgb(colour)
        return [round(a + (b - a) * step / (count - 1)) for step in range(count) for a, b in zip(start, end, strict=False)]

    return bytes([*steps(FOREGROUND, 128), *steps(MUTED, 127), *ImageColor.getrgb(ACCENT)[:3]])


def _fit_title(draw: Any, title: str, width: int) -> tuple[int, list[str]]:
    """Return the largest type size (72 down to 40) at which the title fits in three lines."""
    for size in (72, 64, 56, 48, 40):
        lines = _wrap(draw, title, size, width)
        if len(lines) <= 3:
            return size, lines
    lines = _wrap(draw, title, 40, width)
    return 40, [*lines[:2], lines[2].rstrip() + "…"]


def _wrap(draw: Any, text: str, size: int, width: int) -> list[str]:
    """Break text into lines no wider than `width`: at spaces, or between any two CJK characters."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        candidate = line + piece
        if line and text_width(draw, candidate.rstrip(), size) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _pieces(text: str) -> list[str]:
    """Split text into words (with their trailing space) and single CJK characters.

    Korean puts spaces between words, so Hangul stays in words like Latin letters.
    """
    pieces: list[str] = []
    word = ""
    for char in text:
        if ord(char) >= 0x2E80 and not _is_hangul(char):
            if word:
                pieces.append(word)
                word = ""
            pieces.append(char)
        else:
            word += char
            if char == " ":
                pieces.append(word)
                word = ""
    if word:
        pieces.append(word)
    return pieces


def _is_hangul(char: str) -> bool:
    code = ord(char)
    return 0xAC00 <= code <= 0xD7AF or 0x3130 <= code <= 0x318F


@functools.lru_cache(maxsize=16)
def _font(size: int, index: int = 0) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(io.BytesIO(_font_bytes(FONTS[index])), size)


@functools.cache
def _font_bytes(name: str) -> bytes:
    return resources.files("sitegen").joinpath("data", "fonts", name).read_bytes()


@functools.cache
def _coverages() -> tuple[frozenset[int], ...]:
    """Return the characters of each bundled font, in the order they are tried."""
    return tuple(read_cmap(_font_bytes(name)) for name in FONTS)


def _pillow_version() -> str:
    import PIL

    return str(PIL.__version__)
