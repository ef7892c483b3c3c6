"""Data files, BibTeX, citations and the portfolio pages built from them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.markup.markdown import render_markdown
from sitegen.portfolio.bibtex import parse_bibtex
from sitegen.portfolio.cite import load_style
from sitegen.portfolio.data import load_data, localize_data
from sitegen.settings.locales import load_locales
from tests.conftest import MakeSite, build_root, parse_page, tree_bytes

REPO = Path(__file__).resolve().parent.parent

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
        ("a.yaml", "- title: ok\n- title: [unclosed\n", "data/a.yaml:3:1: error: invalid YAML: did not find expected ',' or ']'"),
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


BIB = r"""@string{conf = "Conference on Things"}
@inproceedings{muller2024,
  title = {{Sliding} Windows for {M}{\"u}ller Streams},
  author = {M{\"u}ller, J{\"o}rg and Okafor, Mira and others},
  booktitle = conf,
  year = 2024,
  month = mar,
  arxiv = {2401.00001},
  selected = {true},
}
@misc{undated,
  title = {No Year Given},
  author = {Zed, Ann},
}
"""


def test_bibtex_edge_cases_decode() -> None:
    first, second = parse_bibtex(BIB, "data/papers.bib")
    assert first.title == "Sliding Windows for Müller Streams"
    assert [a.full for a in first.authors] == ["Jörg Müller", "Mira Okafor", ""] and first.authors[2].others
    assert (first.year, first.month, first.venue) == (2024, 3, "Conference on Things")
    assert first.links == (("arxiv", "https://arxiv.org/abs/2401.00001"),) and first.selected
    assert first.line == 2 and "selected" not in first.bibtex and first.bibtex.startswith("@inproceedings{muller2024,")
    assert first.authors[1].is_named("Mira Okafor") and not first.authors[0].is_named("Mira Okafor")
    assert (second.year, second.month, second.line) == (None, None, 11)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@article{a,\n  title = {x},\n  author = {Y, Z},\n  year = 20 x\n}\n", "data/p.bib:4: error: invalid BibTeX: '}' expected"),
        ("@article{a,\n title = {T},\n}\n", "data/p.bib:1: error: BibTeX entry 'a' has no author"),
        ("@misc{a, title={T}, author={A, B}}\n\n@misc{a, title={U}, author={A, B}}\n", "data/p.bib:3: error: BibTeX key 'a' is used twice (first at line 1)"),
        ("@misc{a, title={T}, author={A, B}, year={soon}}\n", "data/p.bib:1: error: BibTeX entry 'a': 'year' must be a number, got 'soon'"),
    ],
)
def test_malformed_bibtex_names_the_line(text: str, message: str) -> None:
    with pytest.raises(SitegenError) as caught:
        parse_bibtex(text, "data/p.bib")
    assert caught.value.format() == message


def citations(markdown: str) -> list[tuple[str, str, str]]:
    html = render_markdown(markdown).html
    return re.findall(r'<cite class="citation" data-cites="([^"]*)" data-mode="(\w+)">(.*?)</cite>', html)


def test_citation_syntax_is_marked() -> None:
    assert citations("See [@a; @b, p. 3] and @c.") == [("a|;b|p. 3", "paren", "[@a; @b, p. 3]"), ("c|", "narrative", "@c")]


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


def test_an_unknown_citation_key_names_file_and_line(make_site: MakeSite) -> None:
    root = cite_site(make_site, "apa", POST.replace("[@muller2024; @undated]", "[@muller2024; @nobody]"))
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format().splitlines()[0] == "content/blog/2024-05-01-cites.md:6: error: unknown citation key 'nobody'"


def test_an_unknown_style_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as caught:
        load_style("chicago", tmp_path)
    assert caught.value.format() == "pyproject.toml: error: citation style 'chicago' not found\n  hint: bundled styles: apa, ieee; or give a .csl file"


PROJECTS = """\
- title: Kernels
  summary: Fast.
  links: {post: blog/hello, repository: "https://example.org/r"}
  body: "A *body*."
- title: Other
  links:
    notebook: blog/missing
"""


def test_a_project_linking_a_missing_post_fails(make_site: MakeSite) -> None:
    root = make_site({"data/projects.yaml": PROJECTS, "content/blog/2024-01-01-hello.md": "Hi.\n", "content/about.md": "About.\n"})
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == "data/projects.yaml:7: error: project 'other' links notebook 'blog/missing', which is not a page of the site"


def test_data_edits_rebuild_exactly_the_pages_that_read_them(make_site: MakeSite, tmp_path: Path) -> None:
    files = {
        "data/projects.yaml": PROJECTS.split("- title: Other")[0],
        "data/papers.bib": BIB,
        "content/blog/2024-01-01-hello.md": "Hi.\n",
        "content/blog/2024-02-01-cites.md": POST,
        "content/deep-learning.md": "---\ntitle: DL\n---\nProjects.\n",
        "content/publications.md": "---\ntitle: Papers\n---\nPapers.\n",
        "content/about.md": "About.\n",
    }
    root = make_site(files)
    build_root(root)
    (root / "data/projects.yaml").write_text(files["data/projects.yaml"].replace("Fast.", "Faster."), encoding="utf-8")
    report = build_root(root)
    assert {o.dest for o in report.outputs if o.dest.endswith(".html")} == {"index.html", "deep-learning/index.html", "projects/kernels/index.html"}  # the home page shows featured projects
    (root / "data/papers.bib").write_text(BIB.replace("No Year Given", "A Year Not Given"), encoding="utf-8")
    report = build_root(root)
    dests = {o.dest for o in report.outputs if o.dest.endswith(".html")}
    # The publications page reads the .bib; the citing post's text changed, so do the pages that show that post.
    assert {"publications/index.html", "blog/cites/index.html"} <= dests
    assert not dests & {"deep-learning/index.html", "projects/kernels/index.html", "about/index.html"}
    clean = tmp_path / "clean"
    build_root(root, output=clean)
    assert tree_bytes(root / "_site") == tree_bytes(clean)


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import copy_example

    root = copy_example(tmp_path_factory.mktemp("portfolio-example"))
    build_root(root, search=False)
    return root / "_site"


def test_example_publications_are_grouped_by_year_newest_first(built_example: Path) -> None:
    page = parse_page(built_example / "publications/index.html")
    years = [h["id"] for h in page.find_all("h2") if h.get("id", "").startswith("year-")]
    assert years == ["year-2026", "year-2025", "year-2024", "year-2023", "year-2022", "year-2021", "year-2019"]
    html = (built_example / "publications/index.html").read_text(encoding="utf-8")
    assert html.count('<strong class="owner">Mira Okafor</strong>') == 10
    graph = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))  # type: ignore[union-attr]
    assert len(graph["@graph"]) == 10 and {item["@type"] for item in graph["@graph"]} == {"ScholarlyArticle"}


def test_example_pages_come_from_data_in_every_locale(built_example: Path) -> None:
    for prefix in ("", "fr/", "zh-hans/"):
        tiles = [li for li in parse_page(built_example / f"{prefix}deep-learning/index.html").find_all("li") if "project-tile" in li.get("class", "")]
        assert len(tiles) == 12, prefix
        assert (built_example / f"{prefix}cv/index.html").is_file() and (built_example / f"{prefix}blog/archive/index.html").is_file()
    french = (built_example / "fr/deep-learning/index.html").read_text(encoding="utf-8")
    assert "Noyaux d’attention à fenêtre glissante" in french and "/fr/projects/sliding-window-attention-kernels/" in french
    home = parse_page(built_example / "index.html")
    assert [h["id"] for h in home.find_all("h2")] == ["news-heading", "featured-heading", "recent-heading"]
    assert all(svg.get("aria-hidden") == "true" for svg in home.find_all("svg"))


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


def test_example_post_cites_three_papers(built_example: Path) -> None:
    html = (built_example / "blog/three-papers-on-cheap-attention/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<li id="ref-([\w-]+)">', html) == ["adeyemi2023linear", "lindqvist2025state", "okafor2026banded"]
    assert html.count('role="doc-biblioref"') == 4 and "<code>x @ w</code>" in html
