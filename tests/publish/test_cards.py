"""Social cards: a 1200×630 PNG per post without image:, used as og:image and twitter:image."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from sitegen.publish import cards
from sitegen.publish.cards import (
    FONTS,
    Card,
    _coverages,
    _font,
    _font_bytes,
    _wrap,
    draw_text,
    text_width,
)
from sitegen.publish.glyphs import read_cmap, split_runs
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


def test_the_bundled_fonts_draw_chinese_and_break_between_characters() -> None:
    title = "用 NumPy 从零实现自注意力：一步一步推导"
    runs, missing = split_runs(title, _coverages())
    assert missing == "" and all(_font(72, index).getmask(run.replace(" ", "")).getbbox() for index, run in runs if run.strip())
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = _wrap(draw, title, 72, 700)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert len(lines) == 3 and all(text_width(draw, line, 72) <= 700 for line in lines)


TITLES = {
    "Korean": "트랜스포머의 주의 메커니즘을 처음부터 구현하기: 행렬 곱셈과 소프트맥스",
    "traditional Chinese": "從零開始實作自注意力機制：矩陣乘法與歸一化的詳細推導",
    "Japanese": "自己注意機構を一から実装する：行列の掛け算と正規化",
    "Russian": "Механизм внимания с нуля: матрицы, софтмакс и нормализация слоёв",
    "Ukrainian": "Ґрунтовний розбір: їжак, євро та інші слова",
    "Greek": "Ο μηχανισμός προσοχής από την αρχή: πίνακες και κανονικοποίηση ΐΰ",
    "Polish and Czech": "Łódź, Kraków i Gdańsk: żółć; Příliš žluťoučký kůň úpěl ďábelské ódy",
    "Vietnamese": "Cơ chế chú ý từ đầu: nhân ma trận và chuẩn hóa lớp",
    "Romanian, Turkish, Nordic": "Științe în București; Ağır şğü İı; Ærø Øresund Åbo; Straße",
    "decomposed accents": "Cafe\u0301 re\u0301sume\u0301 Ha\u0301c\u030c",
}


def notdef_ink(index: int, size: int) -> bytes:
    """Return the pixels a font draws for a character it lacks: its .notdef glyph."""
    return bytes(_font(size, index).getmask("\U0010fffd"))


@pytest.mark.parametrize("script", TITLES)
def test_every_character_of_a_title_in_any_common_script_has_a_glyph(script: str) -> None:
    import unicodedata

    title = unicodedata.normalize("NFC", TITLES[script])
    runs, missing = split_runs(title, _coverages())
    assert missing == ""
    for index, run in runs:
        for char in run.replace(" ", ""):
            # Checked against the font's own cmap and its drawing: no character is drawn as the .notdef box.
            assert ord(char) in read_cmap(_font_bytes(FONTS[index]))
            ink = _font(48, index).getmask(char)
            assert ink.getbbox() and bytes(ink) != notdef_ink(index, 48), f"{char!r} (U+{ord(char):04X}) is tofu"


def test_a_character_no_bundled_font_has_is_left_out_with_a_warning_naming_the_post(make_site: MakeSite) -> None:
    root = make_site({**FILES, "content/blog/2024-01-01-runes.md": "---\ntitle: Runes ᚠᚢᚦ and Hangul 한글\ndate: 2024-01-01\n---\nText.\n"})
    report = build_root(root)
    messages = [problem.format() for problem in report.warnings]
    assert messages == [
        ("content/blog/2024-01-01-runes.md: warning: the social card cannot draw ᚠ (U+16A0) ᚢ (U+16A2) ᚦ (U+16A6):"
        " no bundled font has it; it is left out")
    ]
    with Image.open(root / "_site/blog/runes/card.png") as card:
        assert card.size == (1200, 630)


def test_a_card_in_several_scripts_draws_each_in_its_font() -> None:
    image = Image.new("RGB", (1200, 200), "black")
    draw = ImageDraw.Draw(image)
    draw_text(draw, (0, 0), "Łódź 한국 學習", 72, "white")
    runs, _ = split_runs("Łódź 한국 學習", _coverages())
    assert [index for index, _ in runs] == [0, 1, 0, 1]
    width = text_width(draw, "Łódź 한국 學習", 72)
    assert image.getbbox() is not None and image.getbbox()[2] <= width + 2  # type: ignore[index]


def test_a_korean_title_breaks_at_spaces_only() -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    title = TITLES["Korean"]
    lines = _wrap(draw, title, 72, 1040)
    assert len(lines) > 1 and " ".join(lines) == title


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
