"""`sitegen new post|page|notebook`: a file to write in, never overwriting one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import nbformat
import pytest

from sitegen.errors import SitegenError
from sitegen.scaffold import create, notebook_text
from tests.conftest import MakeSite, build_root, site_config

NOW = datetime(2026, 10, 30, 9, 15, tzinfo=UTC)


def test_new_notebook_is_a_valid_ipynb_whose_first_cell_is_the_front_matter(make_site: MakeSite) -> None:
    root = make_site({"content/about.md": "About\n"}, theme=False)
    path = create("notebook", site_config(root), 'Plotting "loss" curves', NOW)
    assert path == root / "content/blog/2026-10-30-plotting-loss-curves.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    first = notebook.cells[0]
    assert first.cell_type == "raw"
    assert first.source.splitlines() == [
        "---", 'title: "Plotting \\"loss\\" curves"', "date: 2026-10-30 09:15:00 +0000", "tags: [notebooks]",
        'summary: ""', "draft: true", "---",
    ]
    assert build_root(root, strict=True, drafts=True).warnings == ()
    assert "Plotting &#34;loss&#34; curves" in (root / "_site/blog/plotting-loss-curves/index.html").read_text(encoding="utf-8")


def test_new_page_and_post(make_site: MakeSite) -> None:
    root = make_site({"content/about.md": "About\n"}, theme=False)
    page = create("page", site_config(root), "Talks & slides", NOW)
    post = create("post", site_config(root), "Attention", NOW)
    assert page == root / "content/talks-slides.md" and post == root / "content/blog/2026-10-30-attention.md"
    assert page.read_text(encoding="utf-8").startswith('---\ntitle: "Talks & slides"\ndescription: ""\n---\n')
    build_root(root, strict=True, drafts=True)
    assert (root / "_site/talks-slides/index.html").is_file() and (root / "_site/blog/attention/index.html").is_file()


def test_new_never_overwrites(make_site: MakeSite) -> None:
    root = make_site({"content/talks.md": "Mine\n"}, theme=False)
    with pytest.raises(SitegenError) as caught:
        create("page", site_config(root), "Talks", NOW)
    assert caught.value.format() == "content/talks.md: error: a page with this name exists already"
    assert (root / "content/talks.md").read_text(encoding="utf-8") == "Mine\n"


def test_the_same_title_gives_the_same_notebook() -> None:
    assert notebook_text("A", "2026-10-30") == notebook_text("A", "2026-10-30")
    assert json.loads(notebook_text("A", "2026-10-30", draft=False))["cells"][0]["source"][-2:] == ['summary: ""\n', "---"]
