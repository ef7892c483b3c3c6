"""The example site builds completely, and every link in it resolves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import build_root, copy_example, parse_page, tree_bytes
from tests.test_build import broken_links


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("example"))
    build_root(root)
    return root


def test_every_section_is_built(example: Path) -> None:
    out = example / "_site"
    for dest in ("index.html", "about/index.html", "deep-learning/index.html", "blog/index.html", "blog/tags/index.html", "404.html"):
        assert (out / dest).is_file(), dest
    posts = [p for p in (out / "blog").glob("*/index.html") if p.parent.name not in {"tags", "page", "archive"}]
    assert len(posts) >= 4
    assert list((out / "blog/tags").glob("*/index.html"))


def test_about_page_title_and_language(example: Path) -> None:
    about = parse_page(example / "_site/about/index.html")
    assert about.title.startswith("About · ")
    assert about.find_all("html")[0]["lang"] == "en"
    assert [h for h in about.find_all("h1")] and len(about.find_all("h1")) == 1
    assert all(img.get("alt") for img in about.find_all("img"))


def test_deep_learning_page_has_sections_with_images(example: Path) -> None:
    page = parse_page(example / "_site/deep-learning/index.html")
    tiles = [li for li in page.find_all("li") if "project-tile" in li.get("class", "")]
    assert len(tiles) == 12  # one per entry of data/projects.yaml
    assert len(page.find_all("img")) >= 4


def test_every_page_has_one_h1_landmarks_and_alt_text(example: Path) -> None:
    for path in (example / "_site").rglob("*.html"):
        page = parse_page(path)
        assert len(page.find_all("h1")) == 1, path
        assert page.find_all("main") and page.find_all("nav") and page.find_all("header"), path
        assert all("alt" in img for img in page.find_all("img")), path


def test_no_broken_internal_links(example: Path) -> None:
    assert broken_links(example / "_site", "/") == []


def test_no_remote_scripts_or_styles(example: Path) -> None:
    for path in (example / "_site").rglob("*.html"):
        page = parse_page(path)
        for tag in page.find_all("script") + page.find_all("link"):
            for attribute in ("src", "href"):
                value = tag.get(attribute, "")
                if tag.get("rel") in {"stylesheet", "icon"} or attribute == "src":
                    assert not value.startswith(("http:", "https:", "//")), (path, value)


def test_build_is_deterministic(example: Path, tmp_path: Path) -> None:
    build_root(example, output=tmp_path / "again")
    assert tree_bytes(tmp_path / "again") == tree_bytes(example / "_site")


def test_sitegen_check_finds_nothing_in_the_example(example: Path) -> None:
    from sitegen.publish.check import check_site

    assert check_site(example / "_site", "/", origin="https://mira-okafor.github.io") == []


def test_example_as_a_project_site_has_no_broken_or_escaping_link(tmp_path: Path) -> None:
    from sitegen.publish.check import check_site

    root = copy_example(tmp_path / "project")
    build_root(root, base_url="https://mira-okafor.github.io/portfolio/")
    assert check_site(root / "_site", "/portfolio/", origin="https://mira-okafor.github.io") == []
