"""A body shown in another locale's language carries that language; undeclared locale codes are warned about."""

from __future__ import annotations

from sitegen.errors import Problem
from tests.conftest import MakeSite, build_root, parse_page

LOCALES = """\
default: en
build: [en, fr]
locales:
  en:
    name: English
  fr:
    name: Français
    fallback: [en]
"""


def prose_lang(page: object) -> str | None:
    found = [tag for tag in page.tags if tag[0] == "div" and "prose" in tag[1].get("class", "")]  # type: ignore[attr-defined]
    return found[0][1].get("lang")


def test_an_english_body_under_a_french_title_carries_lang_en(make_site: MakeSite) -> None:
    root = make_site(
        {
            "locales.yaml": LOCALES,
            "content/about.md": "---\ntitles:\n  en: About\n  fr: À propos\n---\nAn English body.\n",
            "content/blog/2024-01-01-hello.md": "---\ntitle: Hello\n---\nHi.\n",
            "content/blog/2024-01-01-hello.fr.md": "---\ntitle: Bonjour\n---\nSalut.\n",
        }
    )
    build_root(root)
    out = root / "_site"
    french = parse_page(out / "fr/about/index.html")
    assert french.find_all("html")[0]["lang"] == "fr"
    assert prose_lang(french) == "en"
    assert prose_lang(parse_page(out / "about/index.html")) is None
    assert prose_lang(parse_page(out / "fr/blog/hello/index.html")) is None


def test_an_undeclared_locale_code_is_a_warning_with_file_and_line(make_site: MakeSite) -> None:
    root = make_site(
        {
            "locales.yaml": LOCALES,
            "content/about.md": "---\nlayout: page\ntitles:\n  en: About\n  de-CH: Über\n  xx: X\n  en-US: About (US)\n---\nBody.\n",
        }
    )
    report = build_root(root)
    assert report.warnings == (
        Problem(
            "'titles' gives a value for 'de-CH', 'xx', which locales.yaml does not declare; it is never shown",
            "content/about.md",
            3,
            severity="warning",
        ),
    )


def test_a_regional_alias_stands_for_its_declared_base(make_site: MakeSite) -> None:
    root = make_site({"locales.yaml": LOCALES, "content/about.md": "---\ntitles:\n  en-US: Color\n  fr: Couleur\n---\nBody.\n"})
    report = build_root(root)
    assert report.warnings == ()
    assert parse_page(root / "_site/about/index.html").title.startswith("Color")
