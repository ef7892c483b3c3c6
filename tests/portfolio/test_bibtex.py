"""BibTeX through pybtex: accents, braces, `and others`, missing years, month macros, located errors."""

from __future__ import annotations

import pytest

from sitegen.errors import SitegenError
from sitegen.portfolio.bibtex import parse_bibtex

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
        ("@article{a,\n author = {A, B},\n}\n", "data/p.bib:1: error: BibTeX entry 'a' has no title"),
        ("@misc{x, title={T}, author={A, B}}\n@article{a,\n title = {T {x},\n author = {A, B}\n}\n", "data/p.bib:2: error: invalid BibTeX: entry 'a' is never closed\n  hint: a '{' in one of its fields has no matching '}'"),
        ("@article{a,\n title = {T}},\n author = {A, B}\n}\n", "data/p.bib:3: error: invalid BibTeX: field 'author' after the end of entry 'a'\n  hint: an extra '}' closes the entry early; check the braces of the field before it"),
        ("@misc{Key, title={T}, author={A, B}}\n@misc{key, title={U}, author={A, B}}\n", "data/p.bib:2: error: BibTeX key 'key' is used twice (first at line 1)"),
        ("\n@misc{a, title={T}, author={A, B}, booktitle = nips}\n", "data/p.bib:2: error: invalid BibTeX: undefined @string abbreviation 'nips'\n  hint: define it with @string{name = {text}}, or put the value in braces"),
        ("@misc{z, title={T}, author={A, B}}\n\n@misc{a, title={T}, author={Doe, J, Jr, X}}\n", "data/p.bib:3: error: invalid BibTeX: Too many commas in 'Doe, J, Jr, X'"),
        ("@misc{z, title={T}, author={A, B}}\n@misc{a, title={T}, title={U}, author={A, B}}\n", "data/p.bib:2: error: invalid BibTeX: entry with key a has a duplicate title field"),
        ("@inproceedings{a, title={T}, author={A, B}, crossref={gone}}\n", "data/p.bib:1: error: BibTeX entry 'a': crossref 'gone' is not in this file"),
        ("@misc{a, title={" + "{" * 3000 + "}" * 3000 + "}, author={A, B}}\n", "data/p.bib:1: error: invalid BibTeX: too many nested braces"),
        ("@misc{a, title={T}, author={A, B}}\n\n@misc{a, title={U}, author={A, B}}\n", "data/p.bib:3: error: BibTeX key 'a' is used twice (first at line 1)"),
        ("@misc{a, title={T}, author={A, B}, year={soon}}\n", "data/p.bib:1: error: BibTeX entry 'a': 'year' must be a number, got 'soon'"),
    ],
)
def test_malformed_bibtex_names_the_line(text: str, message: str) -> None:
    with pytest.raises(SitegenError) as caught:
        parse_bibtex(text, "data/p.bib")
    assert caught.value.format() == message


def test_the_copied_bibtex_spells_out_abbreviations_and_drops_site_fields() -> None:
    entry = parse_bibtex(BIB + "@misc{long,\n  title = {T},\n  author = {A, B},\n  code = {x\n    y},\n  year = 2020,\n}\n", "data/p.bib")
    assert entry[0].bibtex.splitlines()[3] == '  booktitle = {Conference on Things},'
    assert entry[2].bibtex == "@misc{long,\n  title = {T},\n  author = {A, B},\n  year = 2020,\n}"


def test_entries_without_authors_use_their_editors_or_name_no_one() -> None:
    text = (
        "@proceedings{proc, title = {Proceedings of Things}, editor = {Lind, Bo and Wu, Cy}, year = 2021}\n"
        "@inproceedings{part, title = {A Part}, author = {Okafor, Mira}, crossref = {PROC}, pages = {1--9}}\n"
        "@misc{tool, title = {A Tool}, url = {https://example.org/tool}, date = {2022-07-14}}\n"
    )
    proc, part, tool = parse_bibtex(text, "data/p.bib")
    assert (proc.authors, [e.full for e in proc.editors]) == ((), ["Bo Lind", "Cy Wu"])
    # crossref: the volume's fields fill the part's missing ones, its title becoming the book title
    assert (part.venue, part.year, part.field("pages"), [e.family for e in part.editors]) == ("Proceedings of Things", 2021, "1–9", ["Lind", "Wu"])
    assert (tool.authors, tool.editors, tool.year, tool.month) == ((), (), 2022, 7)


def test_latex_formatting_commands_and_control_characters_leave_only_text() -> None:
    text = "@misc{a, title = {\\emph{Fast} and \\textbf{{B}ig} \\& 50\\% of $\\alpha$\x00}, author = {{\\'E}mile, Z{\\\"u}rich}}\n"
    (entry,) = parse_bibtex(text, "data/p.bib")
    assert entry.title == "Fast and Big & 50% of α"
    assert entry.authors[0].full == "Zürich Émile"


def test_a_five_thousand_entry_file_parses_with_every_line_right() -> None:
    text = "".join(
        f"@article{{k{i},\n  title = {{Paper {i} on {{M}}{{\\\"u}}ller}},\n  author = {{Last{i}, First and others}},\n"
        f"  journal = {{J}},\n  year = {2000 + i % 25},\n  month = mar,\n}}\n\n"
        for i in range(5000)
    )
    entries = parse_bibtex(text, "data/big.bib")
    assert len(entries) == 5000
    assert [(e.key, e.line, e.title, e.month) for e in entries[::2500]] == [("k0", 1, "Paper 0 on Müller", 3), ("k2500", 20001, "Paper 2500 on Müller", 3)]
