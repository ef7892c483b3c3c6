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
DESIGN = "cards:v2"  # raise when the drawing changes
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


def render_cards(cards: Sequence[Card], cache: Cache) -> tuple[Output, ...]:
    """Draw each card, or take it from the cache when one with the same text was drawn before."""
    outputs = []
    for card in cards:
        key = cache_key(DESIGN, card.title, card.site_title, card.date, _pillow_version())
        data = cache.get(key)
        if data is None:
            data = draw_card(card)
            cache.put(key, data)
        outputs.append(Output(card.dest, data))
    return tuple(outputs)


def draw_card(card: Card) -> bytes:
    """Draw one card: site name at the top, the title in large type, the date at the bottom."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 80
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    draw_text(draw, (margin, 70), _normal(card.site_title), 40, MUTED)
    size, lines = _fit_title(draw, _normal(card.title), WIDTH - 2 * margin)
    line_height = round(size * 1.25)
    top = (HEIGHT - line_height * len(lines)) // 2 + 10
    for number, line in enumerate(lines):
        draw_text(draw, (margin, top + number * line_height), line, size, FOREGROUND)
    draw_text(draw, (margin, HEIGHT - 110), _normal(card.date), 36, MUTED)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def draw_text(draw: Any, position: tuple[int, int], text: str, size: int, fill: str) -> None:
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
