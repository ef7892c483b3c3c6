"""Real posts and pages written by other people (../shared/corpus) build into a site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sitegen.jekyll.permalink import dest_for_permalink
from tests.conftest import CORPUS, MakeSite, add_linked_files, build_root, parse_page
from tests.corpus_survey import SITES, SiteCounts, survey

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repository")

POST_FOLDERS = ("alshedivat+al-folio/_posts", "fastai+fastpages/_posts", "kitian616+jekyll-TeXt-theme/_posts",
                "kitian616+jekyll-TeXt-theme/docs/_posts", "andrewbanchich+forty-jekyll-theme/_posts")
PAGES = {
    "kitian616+jekyll-TeXt-theme/about.md": "about.md",
    "andrewbanchich+forty-jekyll-theme/landing.md": "landing.md",
    "fastai+fastpages/_pages/about.md": "fastpages-about.md",
}


JEKYLL_LAYOUTS = ("article", "landing", "distill")


def corpus_site(make_site: MakeSite) -> Path:
    """A site whose templates also know the layout names the corpus's Jekyll themes use."""
    layouts = {f"templates/{name}.html": "{% extends 'page.html' %}\n" for name in JEKYLL_LAYOUTS}
    return make_site({"content/about.md": "About\n", **layouts})


@pytest.mark.parametrize("folder", POST_FOLDERS)
def test_every_corpus_post_builds(make_site: MakeSite, folder: str) -> None:
    root = corpus_site(make_site)
    blog = root / "content/blog"
    blog.mkdir(parents=True)
    posts = sorted((CORPUS / folder).glob("*.md"))
    for path in posts:
        shutil.copy2(path, blog / path.name)
    report = build_root(root, drafts=True)
    assert report.posts == len(posts)
    built = {p.parent.name for p in (root / "_site/blog").glob("*/index.html")}
    # A post with a `permalink:` keeps its old URL instead of /blog/<slug>/.
    permalinks = [m.group(1) for p in posts if (m := re.search(r"^permalink: *(\S+)", p.read_text(), re.MULTILINE))]
    for permalink in permalinks:
        assert (root / "_site" / dest_for_permalink(permalink)).is_file()
    assert len(built - {"tags", "page", "archive"}) + len(permalinks) == len(posts)


@pytest.mark.parametrize(("source", "name"), sorted(PAGES.items()))
def test_every_corpus_page_builds(make_site: MakeSite, source: str, name: str) -> None:
    root = corpus_site(make_site)
    shutil.copy2(CORPUS / source, root / "content" / name)
    add_linked_files(root, CORPUS / source)
    permalink = re.search(r"^permalink: *(\S+)", (CORPUS / source).read_text(encoding="utf-8"), re.MULTILINE)
    if permalink:  # the page keeps its old URL; the site's own page there makes way
        (root / "content/about.md").unlink()
        (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text().replace('"about", ', ""))
    build_root(root)
    dest = dest_for_permalink(permalink.group(1)) if permalink else f"{Path(name).stem}/index.html"
    page = parse_page(root / "_site" / dest)
    assert len(page.find_all("h1")) == 1
    if name == "about.md":
        assert page.title.startswith("About · ")


def test_corpus_math_survives_markdown(make_site: MakeSite) -> None:
    root = corpus_site(make_site)
    (root / "content/blog").mkdir()
    shutil.copy2(CORPUS / "alshedivat+al-folio/_posts/2015-10-20-math.md", root / "content/blog/2015-10-20-math.md")
    build_root(root)
    html = (root / "_site/blog/math/index.html").read_text(encoding="utf-8")
    formulas = re.findall(r"<math\b.*?</math>", html, re.DOTALL)
    assert len(formulas) >= 3
    assert all("<em>" not in formula for formula in formulas)
    assert 'display="block"' in html
    # The date has a -0400 offset: the post keeps its own day.
    assert 'datetime="2015-10-20T11:12:00-04:00"' in html


def test_unpadded_post_dates_and_quotes_in_file_names(make_site: MakeSite) -> None:
    root = corpus_site(make_site)
    (root / "content/blog").mkdir()
    for source in ("andrewbanchich+forty-jekyll-theme/_posts/2016-8-20-etiam.md",
                   "kitian616+jekyll-TeXt-theme/docs/_posts/2015-01-06-punctuation-characters'.md"):
        shutil.copy2(CORPUS / source, root / "content/blog" / Path(source).name)
    build_root(root)
    assert (root / "_site/blog/etiam/index.html").is_file()
    assert (root / "_site/blog/punctuation-characters/index.html").is_file()


@pytest.fixture(scope="module")
def surveyed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SiteCounts]:
    return survey(tmp_path_factory.mktemp("survey"))


@pytest.mark.parametrize("name", SITES)
def test_survey_of_each_imported_corpus_site_finds_nothing_wrong(surveyed: dict[str, SiteCounts], name: str) -> None:
    counts = surveyed[name]
    assert counts.files > 0
    assert counts.visible_syntax == []  # Liquid or kramdown syntax left in the text (outside code)
    assert counts.layout_stops == [] and counts.build_errors == []
    assert counts.math_mismatches == []  # <math> elements against the expressions in the source
    assert counts.tables_lost == []
    assert counts.broken_links == []  # images and internal links (files the corpus lacks are counted apart)
    assert counts.old_urls_lost == []


def test_the_survey_counts_what_is_wrong(tmp_path: Path) -> None:
    """The survey's own counters find syntax left visible, math lost and tables lost."""
    from tests.corpus_survey import left_in_text, page_counts, source_counts

    source = tmp_path / "post.md"
    source.write_text("$$a$$ and $$b$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n$$code$$\n```\n{% raw %}{{ shown }}{% endraw %}\n")
    assert source_counts(source) == (2, 1)
    maths, tables, visible = page_counts('<div class="prose"><p>x <math></math> {: .left} {{ shown }}</p></div></article>')
    assert (maths, tables) == (1, 0)
    assert left_in_text(visible, source.read_text()) == ["{: .left}"]
