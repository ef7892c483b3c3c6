"""Citations: Pandoc syntax in Markdown and notebooks, CSL output in two styles, reference lists, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.markup.markdown import render_markdown
from sitegen.portfolio.cite import load_style
from tests.conftest import MakeSite, build_root
from tests.portfolio.test_bibtex import BIB


def citations(markdown: str) -> list[tuple[str, str, str]]:
    html = render_markdown(markdown).html
    return re.findall(r'<cite class="citation" data-cites="([^"]*)" data-mode="(\w+)">(.*?)</cite>', html)


def test_citation_syntax_is_marked() -> None:
    assert citations("See [@a; @b, p. 3] and @c.") == [("a|;b|p. 3", "paren", "[@a; @b, p. 3]"), ("c|", "narrative", "@c")]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("As @a [p. 3] says.", [("a|p. 3", "narrative", "@a [p. 3]")]),
        ("As @a [Sec. 4–5] and @b.", [("a|Sec. 4–5", "narrative", "@a [Sec. 4–5]"), ("b|", "narrative", "@b")]),
        ("As @a [see this](https://example.org).", [("a|", "narrative", "@a")]),  # a link, not a locator
        ("As @a [page] says.", [("a|", "narrative", "@a")]),  # a label without a number is prose
    ],
)
def test_a_narrative_citation_takes_a_locator_in_brackets(markdown: str, expected: list[tuple[str, str, str]]) -> None:
    assert citations(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    ["Mail me@example.org.", "Use `x @ w` or `[@k]`.", "```python\n@decorator\n[@k]\n```\n", "$$a @k$$", "[@handle](https://example.org)"],
)
def test_no_citation_in_emails_code_math_or_links(markdown: str) -> None:
    assert [c for c in citations(markdown) if c[1] == "paren"] == []
    if "`" in markdown or "$" in markdown or "@example" in markdown:
        assert citations(markdown) == []


POST = """\
---
title: Cites
---
First [@muller2024, p. 3], then @undated says so.

Again [@muller2024; @undated].
"""


def cite_site(make_site: MakeSite, style: str, post: str = POST) -> Path:
    settings = f'[tool.sitegen]\ntitle = "T"\nauthor = "Mira Okafor"\nbase_url = "https://example.org/"\ncitation_style = "{style}"\nmenu = ["blog"]\n'
    return make_site({"data/papers.bib": BIB, "content/blog/2024-05-01-cites.md": post}, settings=settings)


def prose(root: Path) -> str:
    html = (root / "_site/blog/cites/index.html").read_text(encoding="utf-8")
    return html[html.index('<div class="prose">') :]


def test_apa_citations_and_reference_list_link_both_ways(make_site: MakeSite) -> None:
    root = cite_site(make_site, "apa")
    build_root(root)
    text = prose(root)
    assert '<a href="#ref-muller2024" role="doc-biblioref">(Müller &amp; Okafor, 2024, p. 3)</a>' in text
    assert '<a href="#ref-undated" role="doc-biblioref">Zed (n.d.)</a>' in text
    assert "(Müller &amp; Okafor, 2024; Zed, n.d.)" in text
    assert '<li id="ref-muller2024">Müller, J., &amp; Okafor, M. (2024, March).' in text
    assert '<a class="backref" href="#cite-1" aria-label="Back to citation 1">↩</a> <a class="backref" href="#cite-3"' in text


def test_ieee_numbers_citations(make_site: MakeSite) -> None:
    root = cite_site(make_site, "ieee")
    build_root(root)
    text = prose(root)
    assert "[1, p. 3]" in text and "Zed [2]" in text and "[1], [2]" in text
    assert '<li id="ref-muller2024">J. Müller and M. Okafor, “Sliding Windows for Müller Streams”, in <i>Conference on Things</i>, Mar. 2024.' in text


MORE = """\
@article{many, title = {Many Hands}, author = {Alpha, Ann and Beta, Bo and Gamma, Cy and Delta, Di}, journal = {J}, year = 2020}
@techreport{org, title = {A Report}, author = {{World Health Organization}}, institution = {WHO}, year = 2019}
"""
EVERY_FORM = POST + "\nAs @many [p. 12] shows, and as @org notes, \\@escaped is no citation.\n"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "apa",
            [
                "(Müller &amp; Okafor, 2024, p. 3)",  # parenthetical, with a locator
                "Zed (n.d.)",  # narrative, no year
                "(Müller &amp; Okafor, 2024; Zed, n.d.)",  # several works
                "Alpha et al. (2020, p. 12)",  # narrative with a locator, et al. from the style
                "World Health Organization (2019)",  # an organisation as author
            ],
        ),
        ("ieee", ["[1, p. 3]", "Zed [2]", "[1], [2]", "Alpha <i>et al.</i> [3, p. 12]", "World Health Organization [4]"]),
    ],
)
def test_every_citation_form_comes_from_the_csl_style(make_site: MakeSite, style: str, expected: list[str]) -> None:
    root = cite_site(make_site, style, EVERY_FORM)
    (root / "data/more.bib").write_text(MORE, encoding="utf-8")
    build_root(root)
    assert re.findall(r'role="doc-biblioref">(.*?)</a></cite>', prose(root)) == expected


def test_switching_the_style_switches_narrative_citations_with_the_rest(make_site: MakeSite) -> None:
    root = cite_site(make_site, "apa")
    build_root(root)
    apa = re.findall(r'role="doc-biblioref">(.*?)</a></cite>', prose(root))
    settings = (root / "pyproject.toml").read_text(encoding="utf-8").replace('"apa"', '"ieee"')
    (root / "pyproject.toml").write_text(settings, encoding="utf-8")
    build_root(root)
    assert apa == ["(Müller &amp; Okafor, 2024, p. 3)", "Zed (n.d.)", "(Müller &amp; Okafor, 2024; Zed, n.d.)"]
    assert re.findall(r'role="doc-biblioref">(.*?)</a></cite>', prose(root)) == ["[1, p. 3]", "Zed [2]", "[1], [2]"]


def test_an_unknown_citation_key_names_file_and_line(make_site: MakeSite) -> None:
    root = cite_site(make_site, "apa", POST.replace("[@muller2024; @undated]", "[@muller2024; @nobody]"))
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format().splitlines()[0] == "content/blog/2024-05-01-cites.md:6: error: unknown citation key 'nobody'"


def test_an_unknown_style_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as caught:
        load_style("chicago", tmp_path)
    assert caught.value.format() == "pyproject.toml: error: citation style 'chicago' not found\n  hint: bundled styles: apa, ieee; or give a .csl file"


def notebook_json(*cells: tuple[str, str]) -> str:
    made = [
        {"cell_type": kind, "metadata": {}, "source": text, **({"outputs": [], "execution_count": None} if kind == "code" else {})}
        for kind, text in cells
    ]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, "language_info": {"name": "python"}}
    return json.dumps({"cells": made, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


def test_notebook_markdown_cells_cite_and_code_cells_do_not(make_site: MakeSite) -> None:
    notebook = notebook_json(("markdown", "# Cited\n\nAs in [@muller2024]."), ("code", "x = '[@muller2024]'  # @undated"))
    root = cite_site(make_site, "apa", POST)
    (root / "content/blog/2024-06-01-cited.ipynb").write_text(notebook, encoding="utf-8")
    build_root(root)
    html = (root / "_site/blog/cited/index.html").read_text(encoding="utf-8")
    assert '<a href="#ref-muller2024" role="doc-biblioref">(Müller &amp; Okafor, 2024)</a>' in html
    assert html.count('<li id="ref-') == 1 and "[@muller2024]" in html  # the code cell keeps its text


def test_a_page_bibliography_adds_keys_and_a_summary_shows_formatted_citations(make_site: MakeSite) -> None:
    extra = "@book{local, title = {Local Book}, author = {Lee, Kim}, year = 2020}\n"
    post = "---\ntitle: Local\nbibliography: refs.bib\n---\nIntro [@local].\n\n<!--more-->\n\nMore [@muller2024].\n"
    root = cite_site(make_site, "apa", post)
    (root / "content/blog/refs.bib").write_text(extra, encoding="utf-8")
    build_root(root)
    text = prose(root)
    assert '<li id="ref-local">Lee, K. (2020). <i>Local Book</i>.' in text
    listing = (root / "_site/blog/index.html").read_text(encoding="utf-8")
    assert '<p>Intro <cite class="citation">(Lee, 2020)</cite>.</p>' in listing and "[@local]" not in listing


def test_a_missing_page_bibliography_names_the_field(make_site: MakeSite) -> None:
    root = cite_site(make_site, "apa", "---\ntitle: Local\nbibliography: gone.bib\n---\nIntro [@local].\n")
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == "content/blog/2024-05-01-cites.md:3: error: bibliography 'gone.bib' not found next to the page"
