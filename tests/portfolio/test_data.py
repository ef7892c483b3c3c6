"""Data files: YAML, JSON and TOML under data/, their located errors, and locale-aware fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.portfolio.data import load_data, localize_data
from sitegen.settings.locales import load_locales

LOCALES = """\
default: en
build: [en, fr]
locales:
  en: {name: English}
  fr: {name: Français}
"""


def test_yaml_json_and_toml_load_as_data_names(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data/people.yaml").write_text("- name: Ada\n", encoding="utf-8")
    (tmp_path / "data/links.json").write_text('{"home": "https://example.org"}', encoding="utf-8")
    (tmp_path / "data/site.toml").write_text('owner = "Ada"\n', encoding="utf-8")
    files = load_data(tmp_path / "data", tmp_path)
    assert sorted(files) == ["links", "people", "site"]
    assert files["people"].value == [{"name": "Ada"}] and files["links"].value == {"home": "https://example.org"}
    assert files["site"].value == {"owner": "Ada"} and files["site"].rel == "data/site.toml"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.yaml", "- title: ok\n- title: [unclosed\n", "data/a.yaml:2:10: error: invalid YAML: a flow sequence is not closed: did not find expected ',' or ']' (noticed at line 3)"),
        ("b.json", '{\n  "a": 1,\n}\n', "data/b.json:3:1: error: invalid JSON: Expecting property name enclosed in double quotes"),
        ("c.toml", 'a = 1\nb = \n', "data/c.toml:2:5: error: invalid TOML: Invalid value"),
    ],
)
def test_a_broken_data_file_names_its_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    with pytest.raises(SitegenError) as caught:
        load_data(tmp_path / "data", tmp_path)
    assert caught.value.format() == message


def test_locale_aware_fields_resolve_in_nested_entries(tmp_path: Path) -> None:
    (tmp_path / "locales.yaml").write_text(LOCALES, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data/projects.yaml").write_text(
        "- title: {en: Kernels, fr: Noyaux}\n  tags: [a]\n- titles: {en: Pebble}\n  summary:\n    en: Small\n", encoding="utf-8"
    )
    locales = load_locales(tmp_path)
    raw = load_data(tmp_path / "data", tmp_path)["projects"].value
    french = localize_data(raw, locales, locales.get("fr"), "data/projects.yaml")
    assert french == [{"title": "Noyaux", "tags": ["a"]}, {"title": "Pebble", "summary": "Small"}]


def test_a_missing_translation_in_data_names_the_field_line(tmp_path: Path) -> None:
    (tmp_path / "locales.yaml").write_text(LOCALES.replace("fr: {name: Français}", "fr: {name: Français, fallback: []}"), encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data/news.yaml").write_text("- date: 2024-01-01\n  text:\n    fr: Bonjour\n", encoding="utf-8")
    locales = load_locales(tmp_path)
    raw = load_data(tmp_path / "data", tmp_path)["news"].value
    with pytest.raises(SitegenError) as caught:
        localize_data(raw, locales, locales.get("en"), "data/news.yaml")
    assert caught.value.format() == "data/news.yaml:2: error: field 'text' has no value for locale 'en' (tried en)"
