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
        ("@article{a,\n title = {T},\n}\n", "data/p.bib:1: error: BibTeX entry 'a' has no author"),
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
