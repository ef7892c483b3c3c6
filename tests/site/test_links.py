"""Links that other tools wrote: Jupyter heading anchors, notebook series without dates, footnotes in summaries."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from sitegen.markup.headings import jupyter_anchor
from sitegen.model import Heading
from sitegen.site.history import first_commit_date
from sitegen.site.links import heading_fragment
from tests.conftest import MakeSite, build_root, parse_page


def notebook(*cells: str) -> str:
    """A notebook of Markdown cells."""
    return json.dumps(
        {
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": source} for source in cells],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


HEADINGS = (
    Heading(2, "clustering-inferring-labels-on-unlabeled-data", "Clustering: Inferring Labels on Unlabeled Data"),
    Heading(3, "sorted-and-unsorted-indices", "Sorted and unsorted indices"),
    Heading(2, "1-setup-the-gpu", "1. Setup the GPU!"),
)


def test_jupyter_anchors_are_the_text_with_dashes() -> None:
    assert jupyter_anchor("Clustering: Inferring Labels on Unlabeled Data") == "Clustering:-Inferring-Labels-on-Unlabeled-Data"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("Clustering:-Inferring-Labels-on-Unlabeled-Data", "clustering-inferring-labels-on-unlabeled-data"),
        ("Sorted-and-unsorted-indices", "sorted-and-unsorted-indices"),
        ("Clustering%3A-Inferring-Labels-on-Unlabeled-Data", "clustering-inferring-labels-on-unlabeled-data"),
        ("sorted-and-unsorted-indices", "sorted-and-unsorted-indices"),
        ("setup-the-gpu", "1-setup-the-gpu"),
        ("fn:1", "fn:1"),
        ("Nowhere-Here", "Nowhere-Here"),
    ],
)
def test_heading_fragments_in_jupyter_form_find_their_heading(fragment: str, expected: str) -> None:
    assert heading_fragment(fragment, HEADINGS) == expected


def test_a_notebook_series_without_dates_links_between_its_posts(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/03.01-Introducing-Pandas-Objects.ipynb": notebook(
                "# Introducing Pandas Objects\n\nSee [the next part](03.02-Data-Indexing.ipynb#Sorted-and-unsorted-indices) "
                "and [below](#Clustering:-Inferring-Labels-on-Unlabeled-Data).",
                "## Clustering: Inferring Labels on Unlabeled Data\n\nText.",
            ),
            "content/blog/03.02-Data-Indexing.ipynb": notebook(
                "# Data Indexing\n\nBack to [the first part](03.01-Introducing-Pandas-Objects.ipynb).",
                "### Sorted and unsorted indices\n\nText.",
            ),
        }
    )
    for name, moment in (("03.01-Introducing-Pandas-Objects", 1_700_000_000), ("03.02-Data-Indexing", 1_700_086_400)):
        os.utime(root / f"content/blog/{name}.ipynb", (moment, moment))
    report = build_root(root)
    assert report.posts == 2
    first = parse_page(root / "_site/blog/03-01-introducing-pandas-objects/index.html")
    second = parse_page(root / "_site/blog/03-02-data-indexing/index.html")
    links = {value for _, value in first.links}
    assert "/blog/03-02-data-indexing/#sorted-and-unsorted-indices" in links
    assert "#clustering-inferring-labels-on-unlabeled-data" in links
    assert "clustering-inferring-labels-on-unlabeled-data" in first.ids
    assert "sorted-and-unsorted-indices" in second.ids
    assert ("href", "/blog/03-01-introducing-pandas-objects/") in second.links
    # Not committed: the notebook is dated by its modification time.
    times = [attrs["datetime"] for attrs in first.find_all("time")]
    assert times and times[0].startswith("2023-11-14")


def test_a_committed_file_is_dated_by_the_commit_that_added_it(tmp_path: Path) -> None:
    path = tmp_path / "03.01-x.ipynb"
    path.write_text("{}", encoding="utf-8")
    assert first_commit_date(path) is None
    env = {**os.environ, "GIT_AUTHOR_DATE": "2021-04-05T06:07:08+02:00", "GIT_COMMITTER_DATE": "2021-04-05T06:07:08+02:00"}
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", path.name], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "add"], cwd=tmp_path, check=True, env=env)
    first_commit_date.cache_clear()
    added = first_commit_date(path)
    assert added is not None and added.isoformat() == "2021-04-05T06:07:08+02:00"


def test_a_footnote_in_a_summary_links_to_the_post_not_the_listing(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-01-noted.md": (
                "---\ntitle: Noted\n---\nA claim[^1] up front.\n\n<!--more-->\n\nMore.\n\n[^1]: The source.\n[^2]: Never cited.\n"
            )
        }
    )
    build_root(root)
    listing = parse_page(root / "_site/blog/index.html")
    assert ("href", "/blog/noted/#fn:1") in listing.links
    assert not any(value.startswith("#fn") for _, value in listing.links)
    assert "fnref:1" not in listing.ids
    post = (root / "_site/blog/noted/index.html").read_text(encoding="utf-8")
    assert post.count('class="footnote-backref"') == 1  # the note never cited has no link back
    assert "Never cited." in post
