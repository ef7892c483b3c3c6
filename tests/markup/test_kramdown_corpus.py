"""Real Jekyll posts (../shared/corpus): no kramdown syntax left in the output, and every math expression rendered."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CORPUS, DEFAULT_SETTINGS, REPO, add_linked_files, build_root

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repository")

POST_FOLDERS = ("alshedivat+al-folio/_posts", "fastai+fastpages/_posts", "kitian616+jekyll-TeXt-theme/_posts",
                "kitian616+jekyll-TeXt-theme/docs/_posts", "andrewbanchich+forty-jekyll-theme/_posts", "poole+poole/_posts")
PAGES = {
    "kitian616+jekyll-TeXt-theme/about.md": "about.md",
    "andrewbanchich+forty-jekyll-theme/landing.md": "landing.md",
}  # (fastpages' about page keeps its `permalink: /about/`, which the TeXt one takes here)
# Math expressions in each source, counted by reading it: `$$…$$` and `\begin{equation}` outside code.
MATH = {
    "blog/mathjax/index.html": 4,  # two inline, two display; the copies in the ```tex block are code
    "blog/math/index.html": 3,  # one inline, one $$ display, one equation environment
    "blog/distill/index.html": 3,  # one inline, one display, one inside <d-footnote>-like details
}


class VisibleText(HTMLParser):
    """Collect a page's text and attribute values outside code, and count its <math> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.maths = 0
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("pre", "code", "script", "style"):
            self._code += 1
        self.maths += tag == "math"
        if not self._code:
            self.visible += [value or "" for name, value in attrs if name != "alttext"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "code", "script", "style"):
            self._code -= 1

    def handle_data(self, data: str) -> None:
        if not self._code:
            self.visible.append(data)


def read_page(path: Path) -> VisibleText:
    parser = VisibleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kramdown") / "site"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "pyproject.toml").write_text(DEFAULT_SETTINGS, encoding="utf-8")
    for name in ("article", "landing", "distill", "post", "page"):
        layout = root / "templates" / f"{name}.html"
        if not layout.exists():
            layout.write_text("{% extends 'page.html' %}\n", encoding="utf-8")
    blog = root / "content/blog"
    blog.mkdir(parents=True)
    slugs: set[str] = set()
    for folder in POST_FOLDERS:
        for path in sorted((CORPUS / folder).glob("*.md")):
            date, slug = path.name[:10], path.name[11:]
            name = path.name if slug not in slugs else f"{date}-{folder.split('+')[0]}-{slug}"
            slugs.add(slug)
            shutil.copy2(path, blog / name)
    for source, name in PAGES.items():
        shutil.copy2(CORPUS / source, root / "content" / name)
        add_linked_files(root, CORPUS / source)
    build_root(root, drafts=True)
    return root / "_site"


def test_no_kramdown_syntax_is_visible_in_any_built_page(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 40
    leftovers = {
        page.relative_to(built).as_posix(): [text.strip() for text in read_page(page).visible if "{:" in text]
        for page in pages
    }
    assert {page: found for page, found in leftovers.items() if found} == {}


def test_every_math_expression_in_the_corpus_is_rendered(built: Path) -> None:
    counts = {
        page.relative_to(built).as_posix(): read_page(page).maths
        for page in sorted(built.glob("blog/*/index.html"))
    }
    assert {page: counts[page] for page in MATH} == MATH
    assert {page: count for page, count in counts.items() if count and page not in MATH} == {}


def test_attribute_lists_reach_their_elements(built: Path) -> None:
    styles = (built / "blog/additional-styles/index.html").read_text(encoding="utf-8")
    assert '<p class="success">Success!</p>' in styles
    assert '<code class="success">success</code>' in styles
    assert 'class="circle shadow"' in styles
    options = (built / "blog/options/index.html").read_text(encoding="utf-8")
    assert '<ul id="markdown-toc"><li><a href="#dark-mode">Dark mode</a></li>' in options
    message = (built / "blog/example-content/index.html").read_text(encoding="utf-8")
    assert '<p class="message">' in message



def test_pages_without_math_have_none(built: Path) -> None:
    assert {name: read_page(built / Path(name).stem / "index.html").maths for name in PAGES.values()} == {
        "about.md": 0, "landing.md": 0,
    }


# Math in the corpus notebooks: LaTeX outputs only (their Markdown cells have none).
NOTEBOOK_MATH = {"csharp.ipynb": 2, "Notebook with html and latex cells.ipynb": 1}


def test_corpus_notebooks_show_no_kramdown_syntax_and_all_their_math(tmp_path: Path) -> None:
    from tests.readers.test_notebook_corpus import GOOD, read_in_place

    found = {}
    for path in GOOD:
        page = VisibleText()
        page.feed(read_in_place(path, tmp_path).body)
        assert [text for text in page.visible if "{:" in text] == [], path.name
        found[path.name] = page.maths
    assert {name: count for name, count in found.items() if count} == NOTEBOOK_MATH
