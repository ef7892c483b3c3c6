"""Notebook posts in a whole build: layout, images beside the page, hidden cells, links out, braces."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from sitegen.model import Source
from sitegen.readers.notebook import reader as notebook
from sitegen.settings.config import parse_config
from tests import conftest
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, parse_page

FIXTURES = conftest.FIXTURES / "notebook"
POSTS = {
    "outputs_rich.ipynb": "2024-05-01-outputs.ipynb",
    "hide_flags.ipynb": "2024-05-02-flags.ipynb",
    "jinja_braces.ipynb": "2024-05-03-braces.ipynb",
    "cell_attachment.ipynb": "2024-05-04-pasted image.ipynb",
    "raw_cell_front_matter.ipynb": "2024-05-05-front-matter.ipynb",
}


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    settings = DEFAULT_SETTINGS + 'repository = "mira/notes"\n'
    root = make_site({"content/about.md": "About\n"}, settings=settings)
    blog = root / "content/blog"
    blog.mkdir(parents=True)
    for fixture, name in POSTS.items():
        shutil.copy2(FIXTURES / fixture, blog / name)
    build_root(root)
    return root


def test_images_are_files_beside_the_post(site: Path) -> None:
    out = site / "_site"
    page = parse_page(out / "blog/outputs/index.html")
    sources = [src for name, src in page.links if name == "src" and src.startswith("/blog/outputs/")]
    assert len(sources) == 4
    for src in sources:
        assert (out / unquote(src).lstrip("/")).stat().st_size > 0
    pasted = parse_page(out / "blog/pasted-image/index.html")
    assert ("src", "/blog/pasted-image/2024-05-04-pasted-image-cell1-image.png") in pasted.links
    assert (out / "blog/pasted-image/2024-05-04-pasted-image-cell1-image.png").is_file()


def test_notebook_links_resolve(site: Path) -> None:
    out = site / "_site"
    page = parse_page(out / "blog/front-matter/index.html")
    hrefs = [value for name, value in page.links if name == "href"]
    assert "/blog/front-matter/2024-05-05-front-matter.ipynb" in hrefs
    assert (out / "blog/front-matter/2024-05-05-front-matter.ipynb").read_bytes() == (
        FIXTURES / "raw_cell_front_matter.ipynb"
    ).read_bytes()
    assert "https://colab.research.google.com/github/mira/notes/blob/main/content/blog/2024-05-05-front-matter.ipynb" in hrefs
    assert "https://github.com/mira/notes/blob/main/content/blog/2024-05-05-front-matter.ipynb" in hrefs
    assert page.title.startswith("Raw cell front matter")
    tags = [value for name, value in page.links if name == "href" and "/blog/tags/" in value]
    assert "/blog/tags/nlp/" in tags and "/blog/tags/word2vec/" in tags


def test_hidden_cells_are_not_in_the_built_page(site: Path) -> None:
    page = parse_page(site / "_site/blog/flags/index.html")
    text = "".join(page.text)
    for removed in ("secret_hidden_module", "hidden-cell-output", "hide-input-code", "hide-output-output"):
        assert removed not in text
    assert "collapse-show-code" in text
    assert [attrs for attrs in page.find_all("details") if "open" in attrs] != []


def test_braces_in_a_notebook_are_text_in_the_page(site: Path) -> None:
    text = "".join(parse_page(site / "_site/blog/braces/index.html").text)
    assert "{{ undefined_variable }} {% endif %}" in text
    assert "{{ not_jinja }} {% for x in y %}" in text


# The example site's notebook posts

REPO = conftest.REPO
EXAMPLES = sorted((REPO / "content/blog").glob("*.ipynb"))


def test_the_example_site_has_small_notebook_posts_with_their_outputs() -> None:
    assert len(EXAMPLES) >= 2
    for path in EXAMPLES:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.ipynb", path.name), path.name
        assert path.stat().st_size < 300_000, path.name
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert any(cell.get("outputs") for cell in cells if cell["cell_type"] == "code"), path.name


def test_example_notebooks_read_cleanly(tmp_path: Path) -> None:
    config = parse_config({"title": "T", "author": "A", "base_url": "https://example.org/"}, tmp_path)
    documents = [notebook.read(Source(p, f"content/blog/{p.name}", f"blog/{p.name}", "post"), config) for p in EXAMPLES]
    for document in documents:
        assert document.warnings == (), document.source.rel
        assert document.meta.get("title") and document.meta.get("tags")
        assert document.meta.get("execute") is not True  # committed with outputs, never run at build time
    bodies = "".join(document.body for document in documents)
    assert ".png\"" in bodies and 'class="dataframe"' in bodies and "<math" in bodies
    assert "<details" in bodies and "<details class=\"nb-input\" open>" in bodies
