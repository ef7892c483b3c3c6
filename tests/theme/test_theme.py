"""The packaged default theme: a site without templates/ builds on it, and overrides it file by file."""

from __future__ import annotations

import pytest

from sitegen.engine.inputs import walk_inputs
from sitegen.engine.write import MARKER
from sitegen.errors import SitegenError
from sitegen.theme import STATIC_PATH, TEMPLATES_PATH
from tests.conftest import (
    DEFAULT_SETTINGS,
    REPO,
    MakeSite,
    build_root,
    parse_page,
    site_config,
    tree_bytes,
)

POSTS = {
    "content/about.md": "---\ntitle: About me\n---\nHello.\n",
    "content/blog/2024-03-05-first.md": "---\ntitle: First\ntags: [numpy, notes]\n---\nOne.\n",
    "content/blog/2024-03-06-second.md": "---\ntitle: Second\n---\nTwo.\n",
}
TAGS_PARTIAL = '<p class="my-tags">{% for tag in post.tags %}#{{ tag.name }} {% endfor %}</p>\n'
EXTENDING_POST = """\
{% extends "theme/post.html" %}
{% block main %}<p class="banner">Reposted from my old blog</p>
{{ super() }}{% endblock %}
"""


def test_the_theme_in_the_source_tree_is_the_example_sites_templates_and_static() -> None:
    assert TEMPLATES_PATH == (REPO / "templates").resolve()
    assert STATIC_PATH == (REPO / "static").resolve()


def test_a_site_with_no_templates_or_static_builds_on_the_theme(make_site: MakeSite) -> None:
    root = make_site(POSTS, theme=False)
    assert not (root / "templates").exists()
    build_root(root)
    out = root / "_site"
    assert {"css/site.css", "js/site.js", "favicon.svg"} <= set(tree_bytes(out))
    assert (out / "css/site.css").read_bytes() == (REPO / "static/css/site.css").read_bytes()
    page = parse_page(out / "blog/first/index.html")
    assert page.title == "First · Test Site"
    assert [a["href"] for a in page.find_all("a") if a.get("class") == "tag"] == ["/blog/tags/numpy/", "/blog/tags/notes/"]


def test_overriding_one_partial_changes_only_the_pages_that_include_it(make_site: MakeSite) -> None:
    plain = make_site(POSTS, theme=False)
    build_root(plain)
    before = tree_bytes(plain / "_site")
    (plain / "templates/partials").mkdir(parents=True)
    (plain / "templates/partials/tags.html").write_text(TAGS_PARTIAL, encoding="utf-8")
    build_root(plain)
    after = tree_bytes(plain / "_site")
    changed = sorted(dest for dest in before if before[dest] != after.get(dest) and dest != MARKER)  # the marker names the build
    # The first post and every listing that shows it (blog, its tags); the untagged post and about are untouched.
    assert changed == ["blog/first/index.html", "blog/index.html", "blog/tags/notes/index.html", "blog/tags/numpy/index.html"]
    assert set(after) == set(before)
    text = (plain / "_site/blog/first/index.html").read_text(encoding="utf-8")
    assert '<p class="my-tags">#numpy #notes </p>' in text
    assert 'class="tag-list"' not in text
    unchanged = (plain / "_site/blog/second/index.html").read_text(encoding="utf-8")
    assert "my-tags" not in unchanged


def test_a_template_can_extend_the_themes_version_of_itself(make_site: MakeSite) -> None:
    root = make_site({**POSTS, "templates/post.html": EXTENDING_POST, "templates/partials/tags.html": TAGS_PARTIAL}, theme=False)
    build_root(root)
    post = (root / "_site/blog/first/index.html").read_text(encoding="utf-8")
    # The banner comes first, then the theme's post (which includes the site's own tags partial).
    assert post.index('<p class="banner">Reposted from my old blog</p>') < post.index('<article class="post"')
    assert '<p class="my-tags">#numpy #notes </p>' in post
    about = (root / "_site/about/index.html").read_text(encoding="utf-8")
    assert "banner" not in about


def test_a_static_file_of_the_site_replaces_the_themes_and_the_rest_still_come(make_site: MakeSite) -> None:
    root = make_site({**POSTS, "static/css/site.css": "body { color: teal; }\n", "static/extra.txt": "mine\n"}, theme=False)
    build_root(root)
    out = root / "_site"
    assert (out / "css/site.css").read_text(encoding="utf-8") == "body { color: teal; }\n"
    assert (out / "js/site.js").read_bytes() == (REPO / "static/js/site.js").read_bytes()
    assert (out / "extra.txt").read_text(encoding="utf-8") == "mine\n"


def test_theme_files_are_inputs_of_the_build(make_site: MakeSite) -> None:
    root = make_site(POSTS, theme=False)
    files = dict(walk_inputs(site_config(root)))
    assert files[TEMPLATES_PATH / "base.html"] == "theme/templates/base.html"
    assert files[STATIC_PATH / "css/site.css"] == "theme/static/css/site.css"


def test_in_the_repository_the_example_sites_folders_are_the_theme_and_listed_once() -> None:
    rels = [rel for _, rel in walk_inputs(site_config(REPO))]
    assert "templates/base.html" in rels and not any(rel.startswith("theme/") for rel in rels)


def test_an_error_in_a_theme_template_names_it_as_the_themes(make_site: MakeSite) -> None:
    root = make_site({**POSTS, "templates/post.html": '{% extends "theme/post.html" %}{% block main %}{{ nope }}{% endblock %}'},
                     theme=False)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format().startswith("templates/post.html:1: error: undefined template variable: 'nope' is undefined")


def test_theme_settings_colour_fonts_and_social_links(make_site: MakeSite) -> None:
    settings = DEFAULT_SETTINGS + (
        'accent_color = "#aa3300"\naccent_color_dark = "#ffb38a"\nfont_body = "Georgia, \\"Times New Roman\\", serif"\n'
        '[tool.sitegen.social]\nGitHub = "https://github.com/ada"\nMastodon = "https://mastodon.social/@ada"\n'
    )
    root = make_site(POSTS, settings=settings, theme=False)
    build_root(root)
    html = (root / "_site/about/index.html").read_text(encoding="utf-8")
    assert (
        '<style>:root { --accent: #aa3300; --font-body: Georgia, "Times New Roman", serif; }\n'
        '@media (prefers-color-scheme: dark) { :root:not([data-theme="light"]) { --accent: #ffb38a; } }\n'
        ':root[data-theme="dark"] { --accent: #ffb38a; }</style>'
    ) in html
    links = [(a["href"], a.get("rel")) for a in parse_page(root / "_site/about/index.html").find_all("a") if a.get("rel") == "me"]
    assert links == [("https://github.com/ada", "me"), ("https://mastodon.social/@ada", "me")]


def test_theme_settings_that_could_break_the_style_sheet_are_refused(make_site: MakeSite) -> None:
    settings = DEFAULT_SETTINGS + 'accent_color = "red; } body { display: none"\nfont_mono = "x</style>"\n'
    root = make_site(POSTS, settings=settings, theme=False)
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == (
        "pyproject.toml:8: error: setting 'accent_color' must be a hex colour such as '#1d5fa8', got 'red; } body { display: none'\n"
        "pyproject.toml:9: error: setting 'font_mono' must be a CSS font list such as 'Georgia, serif', got 'x</style>'"
    )


@pytest.mark.parametrize(
    ("files", "menu"),
    [
        ({"content/about.md": "About\n", "content/deep-learning.md": "DL\n"}, ["/about/", "/deep-learning/", "/blog/"]),
        ({"content/about.md": "About\n"}, ["/about/", "/blog/"]),
        ({"content/blog/2024-01-01-a.md": "A\n"}, ["/blog/"]),
    ],
)
def test_without_a_menu_setting_the_menu_lists_the_pages_that_exist(
    make_site: MakeSite, files: dict[str, str], menu: list[str]
) -> None:
    settings = DEFAULT_SETTINGS.replace('menu = ["about", "blog"]\n', "")
    root = make_site(files, settings=settings, theme=False)
    build_root(root)
    nav = (root / "_site/index.html").read_text(encoding="utf-8").split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert [part.split('"')[1] for part in nav.split("href=")[1:]] == menu
