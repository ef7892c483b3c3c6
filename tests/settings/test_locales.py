"""Locales: fallback chains, UI strings, and resolving locale-aware front matter for every code."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.errors import ConfigError
from sitegen.readers.frontmatter import parse_front_matter
from sitegen.settings.locales import (
    REQUIRED_STRINGS,
    Localized,
    MissingTranslation,
    load_locales,
    localize_fields,
    parse_locales,
    resolve,
)
from tests import conftest
from tests.readers.test_frontmatter import ABOUT

REPO = conftest.REPO
EXAMPLE = load_locales(REPO)
STRINGS = {key: key for key in REQUIRED_STRINGS}

EXPECTED_ABOUT = {
    "en": "About",
    "en-GB": "About",
    "zh-Hans": "关于",
    "zh": "关于",
    "zh-CN": "关于",
    "zh-Hant": "關於",
    "zh-TW": "關於",
    "zh-HK": "關於",
    "ko": "소개",
    "fr": "À propos",
    "fr-CA": "À propos",
}


@pytest.mark.parametrize(("code", "title"), sorted(EXPECTED_ABOUT.items()))
def test_about_title_resolves_for_every_code(code: str, title: str) -> None:
    fields = localize_fields(parse_front_matter(ABOUT, "content/about.md").data, EXAMPLE)
    assert resolve(fields["title"], EXAMPLE.get(code)) == title


def test_regional_codes_fall_back_through_their_chain() -> None:
    assert EXAMPLE.get("en-GB").chain == ("en-GB", "en")
    assert EXAMPLE.get("zh-CN").chain == ("zh-CN", "zh-Hans", "zh", "en")
    assert EXAMPLE.get("zh-TW").chain == ("zh-TW", "zh-Hant", "en")
    assert EXAMPLE.get("zh-HK").chain == ("zh-HK", "zh-Hant", "en")
    assert EXAMPLE.get("fr-CA").chain == ("fr-CA", "fr", "en")


def test_a_regional_value_beats_its_fallback() -> None:
    value = Localized({"en": "Colour", "en-GB": "Colour (UK)", "fr": "Couleur"})
    assert resolve(value, EXAMPLE.get("en-GB")) == "Colour (UK)"
    assert resolve(value, EXAMPLE.get("fr-CA")) == "Couleur"
    assert resolve(value, EXAMPLE.get("ko")) == "Colour"


def test_missing_everywhere_raises() -> None:
    with pytest.raises(MissingTranslation):
        resolve(Localized({"fr": "Seulement"}), EXAMPLE.get("ko"))


def test_a_map_under_the_field_itself_is_locale_aware() -> None:
    fields = localize_fields({"title": {"en": "About", "fr": "À propos"}}, EXAMPLE)
    assert resolve(fields["title"], EXAMPLE.get("fr-CA")) == "À propos"


def test_ordinary_mappings_are_left_alone() -> None:
    data = {"image": {"url": "a.png", "alt": "A"}, "links": [{"label": "x"}], "tags": ["en", "fr"]}
    assert localize_fields(data, EXAMPLE) == data


def test_ui_strings_fall_back_per_key() -> None:
    assert EXAMPLE.get("en-GB").text("read_more") == "Read more"
    assert EXAMPLE.get("zh-CN").text("read_more") == "阅读全文"
    assert EXAMPLE.get("zh-TW").text("min_read", minutes=3) == "3 分鐘閱讀"
    assert "read_more" not in EXAMPLE.get("en-GB").own_strings


def test_dates_follow_the_locale() -> None:
    from datetime import date

    day = date(2024, 3, 5)
    assert EXAMPLE.get("fr").format_date(day) == "5 mars 2024"
    assert EXAMPLE.get("zh-Hans").format_date(day) == "2024年3月5日"
    assert EXAMPLE.get("en").format_date(day) == "March 5, 2024"


def test_norwegian_codes_stay_text(tmp_path: Path) -> None:
    (tmp_path / "locales.yaml").write_text(
        "default: nb\nbuild: [nb, no]\nlocales:\n  nb: {name: Bokmål, strings: &s {}}\n  no: {name: Norsk, fallback: nb}\n",
        encoding="utf-8",
    )
    from_file = load_locales(tmp_path)  # UI strings fall back to the built-in English ones
    assert from_file.build == ("nb", "no")
    assert from_file.get("no").text("read_more") == "Read more"
    locales = parse_locales(
        {"default": "nb", "build": ["nb", "no"], "locales": {"nb": {"strings": STRINGS}, "no": {"fallback": "nb"}}},
        "locales.yaml",
    )
    assert locales.build == ("nb", "no")
    assert locales.get("no").chain == ("no", "nb")


def test_declaration_problems_are_reported_together() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_locales(
            {"default": "en", "build": ["en", "de"], "locales": {"en": {"strings": STRINGS, "fallback": "xx"}}},
            "locales.yaml",
        )
    lines = caught.value.format().splitlines()
    assert "locales.yaml: error: built locale 'de' is not declared" in lines
    assert "locales.yaml: error: locale 'en' falls back to undeclared 'xx'" in lines


@given(st.sampled_from(sorted(EXAMPLE.by_code)))
def test_every_chain_ends_at_the_default_locale(code: str) -> None:
    chain = EXAMPLE.get(code).chain
    assert chain[0] == code
    assert chain[-1] == EXAMPLE.default
    assert len(chain) == len(set(chain))
