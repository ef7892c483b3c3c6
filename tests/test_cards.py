"""Social cards: a 1200×630 PNG per post without image:, used as og:image and twitter:image."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from sitegen.publish import cards
from sitegen.publish.cards import Card, _font, _wrap
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, parse_page

FILES = {
    "content/blog/2024-01-01-plain.md": "---\ntitle: A post with no picture of its own\ndate: 2024-01-01\n---\nText.\n",
    "content/blog/2024-01-02-pictured.md": "---\ntitle: Pictured\ndate: 2024-01-02\nimage: own.png\n---\nText.\n",
    "content/about.md": "---\ntitle: About\n---\nHi.\n",
}


def meta(page: object, name: str) -> str:
    found = [tag for tag in page.find_all("meta") if name in (tag.get("property"), tag.get("name"))]  # type: ignore[attr-defined]
    return found[0]["content"] if found else ""


def test_a_post_without_an_image_gets_a_card_as_its_social_image(make_site: MakeSite) -> None:
    root = make_site(FILES)
    build_root(root)
    out = root / "_site"
    with Image.open(out / "blog/plain/card.png") as card:
        assert (card.size, card.format) == ((1200, 630), "PNG")
    page = parse_page(out / "blog/plain/index.html")
    assert meta(page, "og:image") == "https://example.org/blog/plain/card.png"
    assert meta(page, "twitter:image") == "https://example.org/blog/plain/card.png"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert not (out / "blog/pictured/card.png").exists()
    assert meta(parse_page(out / "blog/pictured/index.html"), "og:image") == "https://example.org/blog/own.png"


def test_a_rebuild_draws_no_card(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(FILES)
    build_root(root)
    drawn = (root / "_site/blog/plain/card.png").read_bytes()

    def refuse(card: Card) -> bytes:
        raise AssertionError(f"{card.dest} was drawn again")

    monkeypatch.setattr(cards, "draw_card", refuse)
    build_root(root, output=root / "again")
    assert (root / "again/blog/plain/card.png").read_bytes() == drawn


def test_cards_can_be_turned_off(make_site: MakeSite) -> None:
    root = make_site(FILES, settings=DEFAULT_SETTINGS + "social_cards = false\n")
    build_root(root)
    assert not (root / "_site/blog/plain/card.png").exists()
    assert meta(parse_page(root / "_site/blog/plain/index.html"), "twitter:card") == "summary"


def test_the_bundled_font_draws_chinese_and_breaks_between_characters() -> None:
    font = _font(72)
    title = "用 NumPy 从零实现自注意力：一步一步推导"
    assert all(font.getmask(char).getbbox() for char in title if not char.isspace())
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = _wrap(draw, title, font, 700)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert len(lines) == 3 and all(draw.textlength(line, font=font) <= 700 for line in lines)


def test_a_card_shows_its_text_in_the_design_colours() -> None:
    from io import BytesIO

    from PIL import ImageColor

    data = cards.draw_card(Card("blog/x/card.png", "Attention from scratch", "My Site", "1 January 2024"))
    with Image.open(BytesIO(data)) as image:
        rgb = image.convert("RGB")
    colours = {colour for _, colour in rgb.getcolors(1 << 16) or []}
    assert rgb.getpixel((8, 300)) == ImageColor.getrgb(cards.ACCENT)
    assert rgb.getpixel((600, 10)) == ImageColor.getrgb(cards.BACKGROUND)
    # Fully covered glyph pixels carry the exact text colours; the edges blend into the background.
    assert {ImageColor.getrgb(cards.FOREGROUND), ImageColor.getrgb(cards.MUTED)} <= colours
    title_band = rgb.crop((80, 200, 1120, 430)).getcolors(1 << 16) or []
    assert ImageColor.getrgb(cards.FOREGROUND) in {colour for _, colour in title_band}
