"""Real posts and pages written by other people (../shared/corpus) build into a site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sitegen.jekyll.permalink import dest_for_permalink
from tests.conftest import CORPUS, MakeSite, add_linked_files, build_root, parse_page

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
