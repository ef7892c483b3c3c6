"""Front matter is checked like settings: typed known fields, unknown ones warned with a suggestion."""

from __future__ import annotations

import json

import pytest

from sitegen.errors import SitegenError
from sitegen.readers.fields import FIELDS, check_fields
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, parse_page


def test_a_misspelt_field_is_a_warning_naming_the_field_it_meant(make_site: MakeSite) -> None:
    root = make_site({
        "content/about.md": "About\n",
        "content/blog/2024-03-05-secret.md": "---\ndarft: true\ntilte: Secret draft\n---\n\nText.\n",
    })
    report = build_root(root)
    assert [w.format() for w in report.warnings] == [
        "content/blog/2024-03-05-secret.md:2: warning: unknown front-matter field 'darft'\n  hint: did you mean 'draft'?",
        "content/blog/2024-03-05-secret.md:3: warning: unknown front-matter field 'tilte'\n  hint: did you mean 'title'?",
    ]
    with pytest.raises(SitegenError) as caught:
        build_root(root, strict=True)
    assert caught.value.format() == (
        "content/blog/2024-03-05-secret.md:2: error: unknown front-matter field 'darft'\n  hint: did you mean 'draft'?\n"
        "content/blog/2024-03-05-secret.md:3: error: unknown front-matter field 'tilte'\n  hint: did you mean 'title'?"
    )


def test_an_unknown_field_with_no_near_name_says_how_to_declare_it(make_site: MakeSite) -> None:
    root = make_site({"content/about.md": "---\nmood: sunny\n---\nAbout\n"})
    assert [w.format() for w in build_root(root).warnings] == [
        (
            "content/about.md:2: warning: unknown front-matter field 'mood'\n"
            "  hint: declare it in the 'extra_fields' setting, or put it under 'params:'"
        )
    ]


def test_declared_and_namespaced_custom_fields_pass(make_site: MakeSite) -> None:
    settings = DEFAULT_SETTINGS + 'extra_fields = ["mood"]\n'
    root = make_site(
        {"content/about.md": "---\nmood: sunny\nparams:\n  colour: teal\n  stars: 4\n---\nAbout\n"}, settings=settings
    )
    assert build_root(root, strict=True).warnings == ()


def test_fields_of_the_wrong_type_are_errors_at_their_lines_all_at_once(make_site: MakeSite) -> None:
    root = make_site({
        "content/about.md": "About\n",
        "content/blog/2024-03-05-typed.md": "---\ntitle: [not, text]\ndraft: yes please\ntags: {a: 1}\ndate: 5\n---\nText\n",
        "content/blog/2024-03-06-links.md": "---\ntitle: Fine\nlinks:\n  - GitHub\n---\nText\n",
    })
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == (
        "content/blog/2024-03-05-typed.md:2: error: field 'title' must be text, got a list\n"
        "content/blog/2024-03-05-typed.md:3: error: field 'draft' must be true or false, got text 'yes please'\n"
        "content/blog/2024-03-05-typed.md:4: error: field 'tags' must be a list of words, or words separated by spaces,"
        " got a mapping\n"
        "content/blog/2024-03-05-typed.md:5: error: field 'date' must be a date such as 2024-03-05 or 2024-03-05 14:30,"
        " got a number 5\n"
        "content/blog/2024-03-06-links.md:3: error: field 'links' must be a list of links, each {label: ..., url: ...},"
        " got a list"
    )


def test_per_locale_values_are_checked_against_the_field_type() -> None:
    assert check_fields({"titles": {"en": "About", "fr": "À propos"}, "title": {"en": "A", "zh-Hans": "关于"}}, {}, "x.md") == ()
    with pytest.raises(SitegenError, match=r"x.md:4: error: field 'titles' must be text, got a mapping"):
        check_fields({"titles": {"en": "About", "fr": ["no"]}}, {"titles": 4}, "x.md")


def test_notebook_front_matter_is_checked_at_its_line_in_the_file(make_site: MakeSite) -> None:
    cell = {"cell_type": "raw", "metadata": {}, "source": ["---\n", "title: Plotted\n", "drfat: true\n", "---"]}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    root = make_site({
        "content/about.md": "About\n",
        "content/blog/2024-03-05-plot.ipynb": json.dumps(notebook, indent=1),
    })
    warnings = [w.format() for w in build_root(root).warnings]
    line = next(n for n, text in enumerate((root / "content/blog/2024-03-05-plot.ipynb").read_text().splitlines(), 1)
                if "drfat" in text)
    assert warnings == [
        f"content/blog/2024-03-05-plot.ipynb:{line}: warning: unknown front-matter field 'drfat'\n  hint: did you mean 'draft'?"
    ]


def test_a_draft_spelt_right_is_kept_out_with_no_warning(make_site: MakeSite) -> None:
    root = make_site({
        "content/about.md": "About\n",
        "content/blog/2024-03-05-secret.md": "---\ndraft: true\ntitle: Secret draft\n---\n\nText.\n",
    })
    assert build_root(root, strict=True).warnings == ()
    assert not (root / "_site/blog/secret").exists()
    assert "Secret draft" not in " ".join(parse_page(root / "_site/blog/index.html").text)
    assert set(FIELDS) >= {"title", "draft", "date", "tags"}
