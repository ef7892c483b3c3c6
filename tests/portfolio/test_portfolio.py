"""The portfolio pages built from data/: projects, publications, CV, home, archive; rebuilds after data edits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.errors import SitegenError
from tests.conftest import MakeSite, build_root, parse_page, tree_bytes
from tests.portfolio.test_bibtex import BIB
from tests.portfolio.test_citations import POST

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
    before = tree_bytes(root / "_site")
    (root / "data/papers.bib").write_text(BIB.replace("No Year Given", "A Year Not Given"), encoding="utf-8")
    report = build_root(root)
    dests = {o.dest for o in report.outputs if o.dest.endswith(".html")}
    after = tree_bytes(root / "_site")
    # Exactly the pages that show the edited entry change: the publications list and the reference
    # list of the post that cites it. Pages that carry that post (listings, its neighbour) are
    # rendered again, since the post's value changed, and come out byte for byte the same.
    changed = {dest for dest in after if before.get(dest) != after[dest] and dest.endswith(".html")}
    assert changed == {"publications/index.html", "blog/cites/index.html"}
    assert changed <= dests
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


def test_example_post_cites_three_papers(built_example: Path) -> None:
    html = (built_example / "blog/three-papers-on-cheap-attention/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<li id="ref-([\w-]+)">', html) == ["adeyemi2023linear", "lindqvist2025state", "okafor2026banded"]
    assert html.count('role="doc-biblioref"') == 4 and "<code>x @ w</code>" in html


def test_editing_the_example_bib_changes_exactly_the_pages_that_show_the_entry(tmp_path: Path) -> None:
    from tests.conftest import copy_example

    root = copy_example(tmp_path / "site")
    build_root(root, search=False)
    before = tree_bytes(root / "_site")
    bib = root / "data/papers.bib"
    old, new = "Banded Attention Kernels for Long Audio", "Banded Attention Kernels for Very Long Audio"
    assert old in bib.read_text(encoding="utf-8")
    bib.write_text(bib.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    build_root(root, search=False)
    after = tree_bytes(root / "_site")
    build_root(root, output=tmp_path / "clean", search=False)
    assert after == tree_bytes(tmp_path / "clean")
    changed = {dest for dest in after if before.get(dest) != after[dest] and not dest.startswith(".")}  # not the build record
    # Whatever shows the title changes, nothing else: the publications page and the CV in each
    # locale, the citing post's reference list, and what carries that post's full text (the feed).
    showing = {dest for dest, data in after.items() if new.encode() in data}
    assert "publications/index.html" in showing and "cv/index.html" in showing and "blog/three-papers-on-cheap-attention/index.html" in showing
    assert changed == showing


def test_a_paper_file_named_in_the_bib_links_to_the_site_copy_or_stops_the_build(make_site: MakeSite) -> None:
    bib = "@misc{old,\n  title = {Old},\n  author = {Okafor, Mira},\n  pdf = {old.pdf},\n  year = 2020,\n}\n"
    files = {"data/papers.bib": bib, "content/publications.md": "---\ntitle: Papers\n---\nPapers.\n", "content/about.md": "About.\n"}
    root = make_site(files)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == (
        "data/papers.bib:1: error: BibTeX entry 'old': pdf 'old.pdf' is no file in static/ or content/\n"
        "  hint: put it in static/ (or static/assets/pdf/, as al-folio does), or give a full URL"
    )
    (root / "static/assets/pdf").mkdir(parents=True)
    (root / "static/assets/pdf/old.pdf").write_bytes(b"%PDF-1.4\n")
    build_root(root, base_url="https://example.org/portfolio/")
    links = parse_page(root / "_site/publications/index.html").links
    assert ("href", "/portfolio/assets/pdf/old.pdf") in links


@given(
    st.lists(
        st.tuples(st.frozensets(st.sampled_from("abcdef"), max_size=4), st.integers(min_value=0, max_value=40)),
        max_size=30,
    )
)
def test_related_posts_are_those_sharing_most_tags_newest_first(specs: list[tuple[frozenset[str], int]]) -> None:
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    from sitegen.portfolio.stage import related_posts

    start = datetime(2024, 1, 1)
    posts = [
        SimpleNamespace(id=f"p{number}", tags=[SimpleNamespace(slug=slug) for slug in sorted(tags)], date=start + timedelta(days=day))
        for number, (tags, day) in enumerate(specs)
    ]

    def expected(post: SimpleNamespace) -> tuple[str, ...]:
        own = {tag.slug for tag in post.tags}
        scored = [(len(own & {tag.slug for tag in other.tags}), other) for other in posts if other.id != post.id]
        ranked = sorted((item for item in scored if item[0]), key=lambda item: (-item[0], -item[1].date.timestamp(), item[1].id))
        return tuple(other.id for _, other in ranked[:3])

    found = related_posts(posts)  # type: ignore[arg-type]
    assert {post.id: tuple(other.id for other in found[post.id]) for post in posts} == {post.id: expected(post) for post in posts}
