"""`sitegen doctor` and `sitegen override`: what breaks GitHub Pages sites, and theme overrides that fell behind."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.overrides import copy_template, diff_template, mark_template, theme_digest
from sitegen.publish.doctor import (
    Finding,
    _requirement_problem,
    check_base_url,
    check_cname,
    check_overrides,
    check_publishing,
    github_remote,
)
from tests.conftest import DEFAULT_SETTINGS, REPO, MakeSite, build_root, site_config


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize(
    ("remote", "base_url", "expected"),
    [
        ("git@github.com:ada/ada.github.io.git", "https://ada.github.io/",
         Finding("ok", "base_url path '/' fits the user site ada/ada.github.io")),
        ("https://github.com/ada/notes.git", "https://ada.github.io/notes/",
         Finding("ok", "base_url path '/notes/' fits the project site ada/notes")),
        ("https://github.com/ada/notes", "https://ada.github.io/",
         Finding("error", "base_url path '/' does not fit the project site ada/notes, which GitHub Pages serves under '/notes/'",
                 "set base_url in pyproject.toml (the Pages workflow passes the right one with --base-url)")),
    ],
)
def test_base_url_against_the_git_remote(make_site: MakeSite, remote: str, base_url: str, expected: Finding) -> None:
    root = make_site({}, settings=DEFAULT_SETTINGS.replace("https://example.org/", base_url), theme=False)
    git(root, "init", "-q")
    git(root, "remote", "add", "origin", remote)
    assert list(check_base_url(site_config(root), github_remote(root))) == [expected]


def test_publishing_source_and_nojekyll(make_site: MakeSite) -> None:
    root = make_site({"content/about.md": "About\n"}, theme=False)
    git(root, "init", "-q")
    assert [f.message for f in check_publishing(site_config(root))] == [
        "nothing publishes the site yet: no Pages workflow and no gh-pages branch"
    ]
    (root / ".github/workflows").mkdir(parents=True)
    (root / ".github/workflows/pages.yml").write_text("steps:\n  - uses: actions/deploy-pages@v4\n", encoding="utf-8")
    build_root(root)
    assert [f.format() for f in check_publishing(site_config(root))] == [
        "ok: Pages source: GitHub Actions (.github/workflows/pages.yml); set Settings → Pages → Source to match"
    ]
    (root / "_site/.nojekyll").unlink()
    assert [f.format() for f in check_publishing(site_config(root))][1:] == [
        "error: _site/ has no .nojekyll\n  hint: build again with sitegen build"
    ]


def test_a_cname_that_disagrees_with_the_settings(make_site: MakeSite) -> None:
    root = make_site({"static/CNAME": "www.ada.dev\n"}, theme=False)
    assert [f.format() for f in check_cname(site_config(root))] == [
        (
            "error: static/CNAME names 'www.ada.dev' but the settings name no domain\n"
            '  hint: set domain = "www.ada.dev" in pyproject.toml (the build writes CNAME) and delete static/CNAME'
        )
    ]
    agreeing = make_site({}, settings=DEFAULT_SETTINGS + 'domain = "www.ada.dev"\n', theme=False)
    assert list(check_cname(site_config(agreeing))) == []


def test_requirements_are_compared_with_the_installed_versions() -> None:
    assert _requirement_problem("jinja2>=3.1") is None
    assert _requirement_problem("jinja2>=99") == f"jinja2 {__import__('jinja2').__version__} is installed, sitegen needs >=99"
    assert _requirement_problem("surely-not-installed-xyz>=1") == "surely-not-installed-xyz is not installed"
    assert _requirement_problem('pytest>=99; extra == "test"') is None


def test_overrides_copied_marked_changed_and_extended(make_site: MakeSite) -> None:
    root = make_site({"templates/page.html": '{% extends "theme/page.html" %}\n', "content/about.md": "About\n"}, theme=False)
    config = site_config(root)
    copy_template(config, "partials/tags.html")
    copy_template(config, "post.html")
    (root / "templates/base.html").write_text("{% block main %}{% endblock %}\n", encoding="utf-8")
    with pytest.raises(SitegenError, match="the site has this template already"):
        copy_template(config, "post.html")
    # The theme's post.html "changed since": the copy records an older version.
    post = root / "templates/post.html"
    post.write_text(post.read_text(encoding="utf-8").replace(theme_digest("post.html"), "0123456789ab", 1), encoding="utf-8")
    assert [f.format() for f in check_overrides(config)] == [
        (
            "warning: templates/base.html replaces the theme's base.html; sitegen cannot tell whether the theme changed since\n"
            "  hint: compare: sitegen override --diff base.html; then record the theme's version: sitegen override --mark base.html"
        ),
        "ok: templates/page.html extends the theme's page.html, so it follows its changes",
        "ok: templates/partials/tags.html replaces the theme's partials/tags.html, unchanged since it was copied",
        (
            f"warning: templates/post.html replaces the theme's post.html, which changed since it was copied "
            f"(0123456789ab → {theme_digest('post.html')})\n"
            "  hint: merge the theme's changes (sitegen override --diff post.html), then: sitegen override --mark post.html"
        ),
    ]
    assert diff_template(config, "post.html") == ""  # the marker line is not part of the comparison
    mark_template(config, "post.html")
    assert [f.severity for f in check_overrides(config)] == ["warning", "ok", "ok", "ok"]
    assert post.read_text(encoding="utf-8").count("{#- theme: post.html") == 1
    build_root(root)  # the marker line leaves no trace in the output
    assert "theme:" not in (root / "_site/blog/index.html").read_text(encoding="utf-8")


def test_the_example_site_overrides_nothing() -> None:
    assert list(check_overrides(site_config(REPO))) == []


def test_an_unknown_theme_template(make_site: MakeSite) -> None:
    root = make_site({}, theme=False)
    with pytest.raises(SitegenError, match="the theme has no template 'nope.html'"):
        copy_template(site_config(root), "nope.html")
    with pytest.raises(SitegenError, match=r"the theme has no template '../pyproject.toml'"):
        copy_template(site_config(root), "../pyproject.toml")
