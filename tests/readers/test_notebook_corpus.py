"""Every real notebook in ../shared/corpus becomes a post, read in place and through a whole build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from sitegen.errors import ContentError
from sitegen.jekyll.permalink import dest_for_permalink
from sitegen.jekyll.site import read_meta
from sitegen.model import Source
from sitegen.readers.notebook import reader as notebook
from sitegen.settings.config import parse_config
from tests.conftest import CORPUS, MakeSite, build_root, parse_page

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repository")

NOTEBOOKS = sorted(CORPUS.glob("**/*.ipynb")) if CORPUS.is_dir() else []
# A raw cell `---` block that is not a YAML mapping: the same error as in a Markdown post.
BROKEN_FRONT_MATTER = {
    "jupyter_with_raw_cell_with_invalid_yaml.ipynb": ":8:22: error: invalid YAML: mapping values are not allowed in this context",
    "raw_cell_with_non_dict_yaml_content.ipynb": ":9: error: front matter must be a mapping of fields, got a str",
    "raw_cell_with_complex_yaml_like_content.ipynb": ":9: error: front matter must be a mapping of fields, got a str",
}
GOOD = [path for path in NOTEBOOKS if path.name not in BROKEN_FRONT_MATTER]
_SRC = re.compile(r'\s(?:src|href)="attachment:([^"]+)"')


def corpus_id(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix() if CORPUS in path.parents else path.name


def read_in_place(path: Path, root: Path) -> notebook.Document:
    config = parse_config({"title": "T", "author": "A", "base_url": "https://example.org/"}, root)
    return notebook.read(Source(path, f"content/blog/{path.name}", f"blog/{path.name}", "post"), config)


def test_the_corpus_has_notebooks() -> None:
    assert len(NOTEBOOKS) >= 20
    assert set(BROKEN_FRONT_MATTER) <= {path.name for path in NOTEBOOKS}


@pytest.mark.parametrize("path", GOOD, ids=corpus_id)
def test_every_corpus_notebook_reads_into_a_post(path: Path, tmp_path: Path) -> None:
    document = read_in_place(path, tmp_path)
    names = {attachment.name for attachment in document.attachments}
    assert path.name in names  # the notebook itself, for download
    assert set(_SRC.findall(document.body)) <= names
    assert "<script" not in document.body.lower()
    assert "\x1b" not in document.body
    assert "base64," not in document.body
    assert document.is_template is False
    if path.stat().st_size > 2000:
        assert document.body


@pytest.mark.parametrize("name", sorted(BROKEN_FRONT_MATTER))
def test_broken_front_matter_in_the_corpus_gives_the_front_matter_error(name: str, tmp_path: Path) -> None:
    path = next(p for p in NOTEBOOKS if p.name == name)
    with pytest.raises(ContentError) as caught:
        read_in_place(path, tmp_path)
    assert caught.value.format() == f"content/blog/{name}{BROKEN_FRONT_MATTER[name]}"


def test_fastpages_notebooks_take_their_front_matter_from_the_first_cell(tmp_path: Path) -> None:
    path = CORPUS / "fastai+fastpages/_notebooks/2020-09-01-fastcore.ipynb"
    document = read_in_place(path, tmp_path)
    assert document.meta["title"] == "fastcore: An Underrated Python Library"
    assert document.meta["toc"] is False
    assert document.meta["tags"] == ["fastcore", "fastai"]
    assert "An Underrated" not in document.body.split("<h2", 1)[0]


def test_the_corpus_builds_into_a_site_and_a_rebuild_converts_nothing(make_site: MakeSite) -> None:
    baseline = "content/blog/2020-01-01-baseline.md"
    root = make_site({"content/about.md": "About\n", baseline: "---\ntitle: Baseline\n---\nA Markdown post.\n"})
    blog = root / "content/blog"
    for path in GOOD:
        name = path.name if re.match(r"\d{4}-\d{2}-\d{2}-", path.name) else f"2021-01-01-{path.name}"
        shutil.copy2(path, blog / name)
    report = build_root(root)
    assert report.posts == len(GOOD) + 1
    out = root / "_site"
    scripts = len(parse_page(out / "blog/baseline/index.html").find_all("script"))
    pages = [p for p in (out / "blog").glob("*/index.html") if p.parent.name not in {"tags", "page", "archive", "baseline"}]
    # A notebook with a `permalink:` (fastpages writes them) keeps that URL instead of /blog/<slug>/.
    permalinks = [read_meta(path, path.name).get("permalink") for path in GOOD]
    pages += [out / dest_for_permalink(link) for link in permalinks if isinstance(link, str)]
    assert len(pages) == len(GOOD)
    images = 0
    for page_path in pages:
        page = parse_page(page_path)
        assert len(page.find_all("h1")) == 1, page_path
        assert len(page.find_all("script")) == scripts, page_path  # the layout's own, none from outputs
        folder = "/" + page_path.parent.relative_to(out).as_posix() + "/"
        for _, target in page.links:
            if target.startswith(("/blog/", folder)) and not target.endswith("/"):
                assert (out / unquote(target.lstrip("/").split("#")[0])).is_file(), (page_path, target)
                images += target.endswith((".png", ".svg", ".jpg"))
    assert images >= 15  # plots, graphviz SVGs and R figures all written beside their posts
    cache = root / ".sitegen-cache" / notebook.CACHE_FOLDER
    entries = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    build_root(root)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == entries
