"""One list of the site's inputs serves build, the preview's watcher and deploy; hidden files are never inputs."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from sitegen.engine.inputs import input_kind, walk_inputs
from sitegen.engine.stale import inputs_digest
from sitegen.publish.deploy import uncommitted_sources
from sitegen.serve.watch import take_snapshot
from tests.conftest import MakeSite, site_config

FILES = {
    "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
    "content/blog/2024-01-01-first.md": "---\ntitle: First\n---\nBody.\n",
    "content/blog/.2024-01-02-first.md.swp": "editor swap file",
    "content/.ipynb_checkpoints/x-checkpoint.ipynb": "{}",
    "static/.DS_Store": "finder",
    "templates/.page.html.un~": "undo file",
    "locales.yaml": "default: en\nlocales:\n  en:\n    name: English\n",
    "notes.txt": "not an input: outside every input location",
}


def test_build_and_preview_see_the_same_inputs(make_site: MakeSite) -> None:
    root = make_site(FILES)
    config = site_config(root)
    rels = [rel for _path, rel in walk_inputs(config)]
    assert set(take_snapshot(config)) == set(rels)
    assert {"pyproject.toml", "locales.yaml", "content/about.md", "templates/base.html", "static/css/site.css"} <= set(rels)
    assert not [rel for rel in rels if "/." in rel or rel.startswith(".")]
    assert "notes.txt" not in rels


def test_hidden_files_change_nothing(make_site: MakeSite) -> None:
    root = make_site(FILES)
    config = site_config(root)
    before = inputs_digest(config, root / "_site")
    (root / "content/.draft.md").write_text("---\ntitle: Hidden\n---\n", encoding="utf-8")
    (root / "static/.DS_Store").write_text("changed", encoding="utf-8")
    assert inputs_digest(config, root / "_site") == before
    (root / "content/about.md").write_text("---\ntitle: About\n---\nChanged.\n", encoding="utf-8")
    assert inputs_digest(config, root / "_site") != before


def test_each_input_has_the_kind_of_its_location(make_site: MakeSite) -> None:
    config = site_config(make_site(FILES))
    kinds = {rel: input_kind(rel, config) for rel in ("pyproject.toml", "locales.yaml", "templates/post.html", "static/a.css", "content/a.md")}
    assert kinds == {
        "pyproject.toml": "config",
        "locales.yaml": "config",
        "templates/post.html": "template",
        "static/a.css": "static",
        "content/a.md": "content",
    }


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_deploy_asks_git_about_the_same_inputs(make_site: MakeSite) -> None:
    root = make_site(FILES)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "site")
    config = site_config(root)
    for rel in ("content/.draft.md", "static/.DS_Store", "notes.txt", "content/about.md", "templates/page.html"):
        (root / rel).write_text("changed\n", encoding="utf-8")
    assert uncommitted_sources(root.resolve(), config) == ["content/about.md", "templates/page.html"]
