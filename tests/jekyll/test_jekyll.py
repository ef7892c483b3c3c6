"""Jekyll content: Liquid before Markdown, Jekyll's filters and tags, front-matter fields, redirects."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.jekyll.permalink import dest_for_permalink, expand_permalink
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root, parse_page

LIQUID_SETTINGS = DEFAULT_SETTINGS.replace(
    'base_url = "https://example.org/"', 'base_url = "https://example.org/portfolio/"\nliquid = true'
)


def prose(path: Path) -> str:
    """Return the HTML inside a built page's prose block."""
    text = path.read_text(encoding="utf-8")
    start = text.index('<div class="prose">') + len('<div class="prose">')
    end = min(i for i in (text.find("</div>\n  <nav", start), text.find("</div>\n</article>", start)) if i > 0)
    return text[start:end]


def post(front: str, body: str) -> str:
    return "---\n" + textwrap.dedent(front).strip() + "\n---\n" + textwrap.dedent(body).lstrip("\n")


def test_filters_and_variables_render_before_markdown(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "static/img/a.png": b"png",
            "content/blog/2024-01-02-one.md": post(
                "title: One\nauthor_note: hello",
                """
                ![A]({{ '/img/a.png' | relative_url }}) {{ '/img/a.png' | absolute_url }}
                {{ site.baseurl }}|{{ site.url }}|{{ page.author_note | upcase }}|{{ page.url }}
                {{ page.date | date_to_xmlschema }} {{ "a < b" | xml_escape }} {{ "Hello World!" | slugify }}
                {% assign n = 2 | plus: 3 %}{% capture c %}n={{ n }}{% endcapture %}{{ c }}
                {% if n > 4 %}big{% endif %} {% for i in (1..3) %}{{ i }}{% endfor %}
                """,
            ),
        },
        settings=LIQUID_SETTINGS,
    )
    build_root(root)
    html = prose(root / "_site/blog/one/index.html")
    assert '<img alt="A" src="/portfolio/img/a.png">' in html
    assert "https://example.org/portfolio/img/a.png" in html
    assert "/portfolio|https://example.org|HELLO|/portfolio/blog/one/" in html
    assert "2024-01-02T00:00:00+00:00 a &lt; b hello-world" in html
    assert "n=5" in html and "big 123" in html


def test_post_url_link_and_include_with_parameters(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "_includes/note.html": '<aside class="note">{{ include.title }}: {{ include.text }}</aside>\n',
            "static/files/paper.pdf": b"%PDF",
            "content/blog/2024-01-02-one.md": post(
                "title: One",
                """
                See [two]({% post_url 2024-02-03-two %}), [about]({% link about.md %}), [pdf]({% link files/paper.pdf %}).

                {% include note.html title=page.title text="mind the shapes" %}
                """,
            ),
            "content/blog/2024-02-03-two.md": post("title: Two", "Two.\n"),
        },
        settings=LIQUID_SETTINGS,
    )
    build_root(root)
    page = parse_page(root / "_site/blog/one/index.html")
    assert ("href", "/portfolio/blog/two/") in page.links
    assert ("href", "/portfolio/about/") in page.links
    assert ("href", "/portfolio/files/paper.pdf") in page.links
    assert '<aside class="note">One: mind the shapes</aside>' in prose(root / "_site/blog/one/index.html")


def test_highlight_with_line_numbers_raw_and_kramdown_lines_left_alone(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-02-one.md": post(
                "title: One",
                """
                {% highlight python linenos %}
                def f(x):
                    return x
                {% endhighlight %}

                {% raw %}{{ kept }} {% if %}{% endraw %}

                A remark.
                {: .note}
                """,
            ),
        },
        settings=LIQUID_SETTINGS,
    )
    build_root(root)
    html = prose(root / "_site/blog/one/index.html")
    assert '<span class="linenos" data-linenos="1 "></span>' in html and 'data-linenos="2 "' in html
    assert '<span class="k">def</span>' in html
    assert "<p>{{ kept }} {% if %}</p>" in html
    assert '<p class="note">A remark.</p>' in html  # Liquid leaves kramdown's attribute lists to Markdown


def test_liquid_html_page_and_jinja_html_page_side_by_side(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/jinja.html": "---\ntitle: Jinja\nliquid: false\n---\n<p><a href=\"{{ url('about') }}\">about</a></p>\n",
            "content/liquid.html": (
                "---\ntitle: Liquid\n---\n{% highlight js %}let a = 1;{% endhighlight %}"
                "<p>{{ '/x/' | relative_url }}</p>\n"
            ),
        },
        settings=LIQUID_SETTINGS,
    )
    build_root(root)
    assert '<a href="/portfolio/about/">about</a>' in prose(root / "_site/jinja/index.html")
    liquid = prose(root / "_site/liquid/index.html")
    assert "<p>/portfolio/x/</p>" in liquid and '<span class="kd">let</span>' in liquid


def test_a_file_opts_into_liquid_in_a_site_without_it(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-02-one.md": post("title: One\nliquid: true", "{{ 'x' | upcase }}\n"),
            "content/blog/2024-01-03-two.md": post("title: Two", "{{ 'x' | upcase }}\n"),
        },
        settings=DEFAULT_SETTINGS + "liquid = false\n",
    )
    build_root(root)
    assert prose(root / "_site/blog/one/index.html") == "<p>X</p>"
    assert prose(root / "_site/blog/two/index.html") == "<p>{{ 'x' | upcase }}</p>"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Line one.\n\n{% frobnicate %}\n", "content/blog/2024-01-02-one.md:7: error: Liquid error: unexpected tag 'frobnicate'"),
        ("{% include missing.html %}\n", "content/blog/2024-01-02-one.md:5: error: Liquid error: no file 'missing.html' in _includes/"),
        ("{% post_url 2001-01-01-nothing %}\n", "content/blog/2024-01-02-one.md:5: error: Liquid error: post_url: no post named '2001-01-01-nothing' in content/blog/"),
        ("{% if x %}never closed\n", "content/blog/2024-01-02-one.md:5: error: Liquid error: 'if' is never closed with {% endif %}"),
        ("ok\n\n{% for i in (1..3) %}{% endfor %}\n{% if x %}\n{% for y in z %}{% endfor %}\n",
         "content/blog/2024-01-02-one.md:8: error: Liquid error: 'if' is never closed with {% endif %}"),
        ("{% post_url 2001-01-01-nothing\n  more %}\n",  # one line, even when the tag's argument is not
         "content/blog/2024-01-02-one.md:5: error: Liquid error: post_url: no post named '2001-01-01-nothing more' in content/blog/"),
        ("ok\n{% raw %}\nnever closed\n", "content/blog/2024-01-02-one.md:6: error: Liquid error: 'raw' is never closed with {% endraw %}"),
        ("ok\n\n{% highlight python %}\nx = 1\n",
         "content/blog/2024-01-02-one.md:7: error: Liquid error: 'highlight' is never closed with {% endhighlight %}"),
        ("{{ 'a' | no_such_filter }}\n", "content/blog/2024-01-02-one.md:5: error: Liquid error: unknown filter 'no_such_filter'"),
        ("ok\n{% assign x = %}\n", "content/blog/2024-01-02-one.md:6: error: Liquid error: expected a primitive expression, found end of expression"),
        # Resource limits: a loop, nested loops, a value doubled again and again, a filter over a huge range.
        ("ok\n{% for i in (1..100000000) %}x{% endfor %}\n",
         "content/blog/2024-01-02-one.md:6: error: Liquid error: loops run more than 1,000,000 times (nested loops multiply)"),
        ("{% for i in (1..10000) %}{% for j in (1..10000) %}x{% endfor %}{% endfor %}\n",
         "content/blog/2024-01-02-one.md:5: error: Liquid error: loops run more than 1,000,000 times (nested loops multiply)"),
        ('{% assign s = "xxxxxxxxxx" %}\n{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}\n',
         "content/blog/2024-01-02-one.md:6: error: Liquid error: assigned values hold more than 20,000,000 bytes"),
        ('{{ (1..100000000) | join: "," }}\n',
         "content/blog/2024-01-02-one.md:5: error: Liquid error: a filter was given more than 1,000,000 items"),
        # Includes never leave _includes/, and include_relative never leaves the page's folder.
        ("{% include ../pyproject.toml %}\n", "content/blog/2024-01-02-one.md:5: error: Liquid error: no file '../pyproject.toml' in _includes/"),
        ("{% include /etc/passwd %}\n", "content/blog/2024-01-02-one.md:5: error: Liquid error: no file '/etc/passwd' in _includes/"),
        ("{% include_relative ../../../etc/passwd %}\n",
         ("content/blog/2024-01-02-one.md:5: error: Liquid error: include_relative: '../../../etc/passwd' must be a path below "
          "the including file's folder (no '/' first, no '..')")),
        ("x\n{% include_relative missing.md %}\n",
         "content/blog/2024-01-02-one.md:6: error: Liquid error: include_relative: no file 'missing.md' in content/blog/"),
    ],
)
def test_liquid_errors_name_file_line_and_liquid(make_site: MakeSite, body: str, message: str) -> None:
    root = make_site(
        {"content/about.md": "About\n", "content/blog/2024-01-02-one.md": post("title: One\ntags: [a]", body)},
        settings=LIQUID_SETTINGS,
    )
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format() == message


def test_error_in_an_include_names_the_include(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "_includes/bad.html": "ok\n{% for %}\n",
            "content/blog/2024-01-02-one.md": post("title: One", "{% include bad.html %}\n"),
        },
        settings=LIQUID_SETTINGS,
    )
    with pytest.raises(SitegenError) as caught:
        build_root(root)
    assert caught.value.format().startswith("_includes/bad.html:2: error: Liquid error: ")
    assert caught.value.format().endswith("(included from content/blog/2024-01-02-one.md)")


def test_jekyll_front_matter_fields(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-02-one.md": post(
                "title: One\ncategories: [Deep Learning, notes]\nlang: fr\nlayout: article",
                "Teaser.\n\n<!-- cut -->\n\nRest.\n",
            ).replace("lang: fr", "lang: fr\nexcerpt_separator: <!-- cut -->"),
            "content/blog/2024-01-03-hidden.md": post("title: Hidden\npublished: false", "No.\n"),
        },
        settings=LIQUID_SETTINGS,
    )
    report = build_root(root)
    assert report.warnings == ()
    page = parse_page(root / "_site/blog/one/index.html")
    assert page.find_all("html")[0]["lang"] == "fr"
    assert not (root / "_site/blog/hidden").exists()
    assert (root / "_site/blog/tags/deep-learning/index.html").is_file()
    listing = (root / "_site/blog/index.html").read_text(encoding="utf-8")
    assert "<p>Teaser.</p>" in listing and "Rest." not in listing


@pytest.mark.parametrize(
    ("mode", "tags", "categories"),
    [
        ("tags", {"deep-learning", "notes", "numpy"}, set()),
        ("categories", {"numpy"}, {"deep-learning", "notes"}),
        ("ignore", {"numpy"}, set()),
    ],
)
def test_categories_become_tags_categories_or_nothing(make_site: MakeSite, mode: str, tags: set[str], categories: set[str]) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-02-one.md": post("title: One\ncategories: [Deep Learning, notes]\ntags: [numpy]", "Text.\n"),
            "content/blog/2024-01-03-two.md": post("title: Two\ncategory: notes", "Text.\n"),
        },
        settings=LIQUID_SETTINGS + f'categories = "{mode}"\n',
    )
    build_root(root)
    out = root / "_site"
    assert {path.parent.name for path in (out / "blog/tags").glob("*/index.html")} == tags
    assert {path.parent.name for path in (out / "blog/categories").glob("*/index.html")} == categories
    assert (out / "blog/categories/index.html").is_file() == bool(categories)
    links = {href for name, href in parse_page(out / "blog/one/index.html").links if name == "href"}
    assert {link for link in links if "/blog/categories/" in link} == {f"/portfolio/blog/categories/{c}/" for c in categories}
    if categories:
        listing = parse_page(out / "blog/categories/notes/index.html")
        assert listing.title.startswith("Posts in “notes” · ")
        assert {"/portfolio/blog/one/", "/portfolio/blog/two/"} <= {href for _, href in listing.links}
        feed = (out / "blog/categories/notes/feed.xml").read_text(encoding="utf-8")
        assert feed.count("<entry>") == 2


def test_theme_includes_and_front_matter_of_minimal_mistakes_chirpy_and_al_folio(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "static/img/a.png": b"png",
            "content/blog/2024-01-02-one.md": post(
                "title: One\nimage:\n  path: /img/a.png\n  alt: A picture\n"
                "gallery:\n  - url: /img/a.png\n    image_path: /img/a.png\n    alt: tile",
                """
                {% include toc %}
                {% include figure image_path="/img/a.png" alt="mm figure" caption="A *caption*." %}

                {% include gallery caption="The gallery." %}

                {% include video id="XsxDH4HcOWA" provider="youtube" %}

                {% include embed/youtube.html id='Balreaj8Yqs' %}

                {% include figure.liquid path="img/a.png" class="img-fluid" %}

                {% include video.liquid path="img/clip.mp4" controls=true %}

                {% seo %}{% feed_meta %}
                """,
            ),
        },
        settings=LIQUID_SETTINGS,
    )
    build_root(root)
    html = prose(root / "_site/blog/one/index.html")
    assert '<figure><img src="/portfolio/img/a.png" alt="mm figure"><figcaption>A <em>caption</em>.</figcaption></figure>' in html
    assert '<figure class="gallery"><a href="/portfolio/img/a.png"><img src="/portfolio/img/a.png" alt="tile"></a>' in html
    assert '<a href="https://www.youtube.com/watch?v=XsxDH4HcOWA">' in html and "watch?v=Balreaj8Yqs" in html
    assert '<img src="/portfolio/img/a.png" alt="" class="img-fluid">' in html
    assert '<video src="/portfolio/img/clip.mp4" controls>' in html
    page = parse_page(root / "_site/blog/one/index.html")
    image = next(meta for meta in page.find_all("meta") if meta.get("property") == "og:image")
    assert image["content"] == "https://example.org/portfolio/img/a.png"


def test_chirpy_media_subpath_is_the_folder_of_a_posts_images(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "static/img/posts/one/plot.png": b"png",
            "static/img/posts/one/cover.png": b"png",
            "content/blog/2024-01-02-one.md": post(
                "title: One\nmedia_subpath: /img/posts/one\nimage: cover.png",
                "![Plot](plot.png){: width=\"700\" }\n\n![Elsewhere](/img/posts/one/plot.png) [a link](plot.png)\n",
            ),
        },
        settings=LIQUID_SETTINGS,
    )
    report = build_root(root)
    page = parse_page(root / "_site/blog/one/index.html")
    images = [img["src"] for img in page.find_all("img")]
    assert images == ["/portfolio/img/posts/one/plot.png", "/portfolio/img/posts/one/plot.png"]
    image = next(meta for meta in page.find_all("meta") if meta.get("property") == "og:image")
    assert image["content"] == "https://example.org/portfolio/img/posts/one/cover.png"
    assert [w.message for w in report.warnings] == ["link target 'plot.png' does not exist"]  # a link is not an image


def test_unknown_jekyll_layout_warns_and_uses_the_default(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-02-one.md": post("title: One\nlayout: prediction_post", "Text.\n"),
            "content/notes.md": post("title: Notes\nlayout: post", "Text.\n"),
        },
        settings=LIQUID_SETTINGS,
    )
    report = build_root(root)
    assert [w.format() for w in report.warnings] == [
        "content/blog/2024-01-02-one.md:3: warning: unknown Jekyll layout 'prediction_post'; using 'post'"
    ]
    assert (root / "_site/blog/one/index.html").is_file() and (root / "_site/notes/index.html").is_file()


def test_layout_map_setting(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-02-one.md": post("title: One\nlayout: prediction_post", "Text.\n"),
        },
        settings=LIQUID_SETTINGS + 'layout_map = { prediction_post = "post" }\n',
    )
    assert build_root(root).warnings == ()


def test_common_theme_layout_names_do_not_stop_a_site_without_liquid(make_site: MakeSite) -> None:
    root = make_site(
        {"content/about.md": "About\n", "content/landing.md": post("title: Landing\nlayout: landing", "Text.\n")}
    )
    build_root(root)
    assert (root / "_site/landing/index.html").is_file()


def test_duplicate_front_matter_keys_warn_naming_both_lines(make_site: MakeSite) -> None:
    root = make_site(
        {"content/about.md": "About\n", "content/blog/2024-01-02-one.md": post("title: One\ntags: [a]\ntitle: Two", "x\n")}
    )
    report = build_root(root)
    assert [w.format() for w in report.warnings] == [
        "content/blog/2024-01-02-one.md:4: warning: front-matter key 'title' is set twice, on lines 2 and 4; line 4 wins"
    ]
    assert parse_page(root / "_site/blog/one/index.html").title.startswith("Two")


def test_permalinks_keep_old_urls_and_redirects_answer(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": post("title: About\nredirect_from: [/about-me.html, /bio/]", "Me.\n"),
            "content/blog/2024-01-02-one.md": post("title: One\ncategories: [ML]\naliases: [/old/one/]", "x\n"),
            "content/blog/2024-01-03-two.md": post("title: Two\npermalink: /two.html", "x\n"),
        },
        settings=LIQUID_SETTINGS + 'permalink = "date"\n',
    )
    build_root(root)
    out = root / "_site"
    assert (out / "ml/2024/01/02/one.html").is_file()
    assert (out / "two.html").is_file()
    for dest, target in (("about-me.html", "/portfolio/about/"), ("bio/index.html", "/portfolio/about/"),
                         ("old/one/index.html", "/portfolio/ml/2024/01/02/one.html")):
        page = parse_page(out / dest)
        refresh = [m for m in page.find_all("meta") if m.get("http-equiv") == "refresh"]
        assert refresh == [{"http-equiv": "refresh", "content": f"0; url={target}"}]
        assert {"rel": "canonical", "href": "https://example.org" + target} in page.find_all("link")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "about-me" not in sitemap and "old/one" not in sitemap


def test_redirect_onto_a_real_page_is_a_warning(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/about.md": "About\n",
            "content/blog/2024-01-02-one.md": post("title: One\nredirect_from: /about/", "x\n"),
        },
        settings=LIQUID_SETTINGS,
    )
    report = build_root(root)
    assert [w.format() for w in report.warnings] == [
        "content/blog/2024-01-02-one.md:3: warning: redirect from '/about/' not written: 'about/index.html' is another page"
    ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("date", "/ml/2020/03/01/whats-jekyll.html"),
        ("pretty", "/ml/2020/03/01/whats-jekyll/"),
        ("none", "/ml/whats-jekyll.html"),
        ("ordinal", "/ml/2020/061/whats-jekyll.html"),
        ("/:year/:i_month/:i_day/:title/", "/2020/3/1/whats-jekyll/"),
        ("/blog/:short_year/:slug", "/blog/20/whats-jekyll"),
    ],
)
def test_permalink_styles(pattern: str, expected: str) -> None:
    date = datetime(2020, 3, 1, tzinfo=UTC)
    assert expand_permalink(pattern, slug="whats-jekyll", date=date, categories=("ML",)) == expected


@pytest.mark.parametrize(
    ("path", "dest"),
    [("/a/b/", "a/b/index.html"), ("/a.html", "a.html"), ("/about", "about/index.html"), ("/", "index.html")],
)
def test_permalink_destinations(path: str, dest: str) -> None:
    assert dest_for_permalink(path) == dest


def test_an_edited_include_or_post_title_reaches_the_pages_that_use_them(make_site: MakeSite) -> None:
    from sitegen.build import build
    from sitegen.engine.memo import BuildMemo
    from sitegen.serve.watch import take_snapshot
    from tests.conftest import site_config

    root = make_site(
        {
            "content/about.md": "About\n",
            "_includes/sig.html": "v1\n",
            "content/archive.md": post("title: Archive", "{% for p in site.posts %}[{{ p.title }}]{% endfor %}\n"),
            "content/blog/2024-01-02-one.md": post("title: One", "{% include sig.html %}\n"),
        },
        settings=LIQUID_SETTINGS,
    )
    memo = BuildMemo()
    before = take_snapshot(site_config(root))
    build(site_config(root), memo=memo)
    (root / "_includes/sig.html").write_text("v2\n", encoding="utf-8")
    text = (root / "content/blog/2024-01-02-one.md").read_text(encoding="utf-8")
    after = take_snapshot(site_config(root))
    assert before["_includes/sig.html"] != after["_includes/sig.html"]  # the preview sees the edit
    build(site_config(root), memo=memo)
    assert prose(root / "_site/blog/one/index.html") == "<p>v2</p>"
    (root / "content/blog/2024-01-02-one.md").write_text(text.replace("title: One", "title: Uno"), encoding="utf-8")
    build(site_config(root), memo=memo)
    assert prose(root / "_site/archive/index.html") == "<p>[Uno]</p>"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"_includes/loop.html": "a\n{% include loop.html %}\n", "content/blog/2024-01-02-one.md": post("title: One", "{% include loop.html %}\n")},
         "_includes/loop.html:2: error: Liquid error: includes nested too deep (an include that includes itself?) (included from content/blog/2024-01-02-one.md)"),
        ({**{f"_includes/d{n}.html": f"{{% include d{n + 1}.html %}}" for n in range(40)}, "_includes/d40.html": "end",
          "content/blog/2024-01-02-one.md": post("title: One", "x\n{% include d0.html %}\n")},
         "_includes/d29.html:1: error: Liquid error: includes nested too deep (an include that includes itself?) (included from content/blog/2024-01-02-one.md)"),
        ({"content/page.html": "---\ntitle: Page\n---\n<ul>\n{% for p in site.posts %}<li>{{ p.title }</li>{% endfor %}\n</ul>\n"},
         "content/page.html:5: error: Liquid error: expected '}}', found end of file"),
    ],
)
def test_runaway_and_broken_liquid_exits_1_with_one_located_line(make_site: MakeSite, files: dict[str, str], expected: str) -> None:
    import subprocess
    import sys

    root = make_site({"content/about.md": "About\n", **files}, settings=LIQUID_SETTINGS)
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--root", str(root)], capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [expected]
    assert not (root / "_site").exists()
