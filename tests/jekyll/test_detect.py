"""With `liquid = "auto"` a file is Liquid when it uses Liquid outside code and math."""

from __future__ import annotations

import pytest

from sitegen.jekyll.detect import uses_liquid
from tests.conftest import DEFAULT_SETTINGS, MakeSite, build_root

ABOUT = "---\ntitle: About\n---\n\nAbout.\n"


@pytest.mark.parametrize(
    "body",
    [
        "![Plot]({{ '/assets/img/plot.png' | relative_url }})",
        "See [the next one]({% post_url 2020-02-10-second %}).",
        "{% highlight python %}\nx = 1\n{% endhighlight %}",
        "{% include note.html text=\"careful\" %}",
        "{% raw %}\n```\n{{ x }}\n```\n{% endraw %}",
        "[home]({{ site.baseurl }}/)",
        "* TOC\n{:toc}\n\n{% assign n = 3 %}",
    ],
)
def test_a_markdown_body_that_uses_liquid_is_liquid(body: str) -> None:
    assert uses_liquid(body, markdown=True)


@pytest.mark.parametrize(
    "body",
    [
        "Plain prose with no template syntax.",
        "```jinja\n{% for post in posts %}{{ post.title }}{% endfor %}\n```",
        "Inline `{{ site.title }}` and `{% include x.html %}` are only shown.",
        "~~~liquid\n{% assign x = 1 %}\n~~~",
        "Math: $x^{{2}}$ and $$\\frac{a}{{b}}$$ stay math.",
        "<pre><code>{% if x %}{{ y | relative_url }}{% endif %}</code></pre>",
    ],
)
def test_code_math_and_plain_markdown_are_not_liquid(body: str) -> None:
    assert not uses_liquid(body, markdown=True)


@pytest.mark.parametrize(
    ("body", "liquid"),
    [
        ('<a href="{{ url(\'about\') }}">about</a>', False),
        ("{% for post in posts %}<p>{{ post.title }}</p>{% endfor %}", False),
        ('{% include "partials/card.html" %}', False),
        ("{% assign items = site.data.projects %}", True),
        ("{% include card.html title=page.title %}", True),
        ('<img src="{{ "/img/a.png" | relative_url }}" alt="">', True),
        ("{% capture note %}x{% endcapture %}", True),
    ],
)
def test_an_html_page_is_liquid_only_for_what_jinja_lacks(body: str, liquid: bool) -> None:
    assert uses_liquid(body, markdown=False) is liquid


def test_a_jekyll_post_dropped_into_a_site_renders_its_liquid(make_site: MakeSite) -> None:
    root = make_site({
        "content/about.md": ABOUT,
        "content/blog/2024-01-05-plot.md": (
            "---\nlayout: post\ntitle: Plot\n---\n\n"
            "![Plot]({{ '/img/plot.png' | relative_url }})\n\n"
            "{% highlight python %}\nx = 1\n{% endhighlight %}\n"
        ),
        "content/blog/2024-01-06-jinja.md": "---\ntitle: Jinja\n---\n\n```text\n{{ shown_as_is }}\n```\n",
        "static/img/plot.png": b"\x89PNG\r\n\x1a\n",
    })
    build_root(root)
    html = (root / "_site/blog/plot/index.html").read_text(encoding="utf-8")
    assert 'src="/img/plot.png"' in html
    assert "relative_url" not in html and "{%" not in html and "endhighlight" not in html
    assert "{{ shown_as_is }}" in (root / "_site/blog/jinja/index.html").read_text(encoding="utf-8")


def test_liquid_false_in_the_settings_leaves_liquid_as_text(make_site: MakeSite) -> None:
    settings = DEFAULT_SETTINGS + "liquid = false\n"
    root = make_site({"content/about.md": ABOUT, "content/blog/2024-01-05-raw.md": "---\ntitle: Raw\n---\n\n{% assign n = 3 %} stays.\n"}, settings=settings)
    build_root(root)
    assert "{% assign n = 3 %} stays." in (root / "_site/blog/raw/index.html").read_text(encoding="utf-8")


def test_liquid_must_be_true_false_or_auto(make_site: MakeSite) -> None:
    from sitegen.errors import ConfigError

    root = make_site({}, settings=DEFAULT_SETTINGS + 'liquid = "sometimes"\n')
    with pytest.raises(ConfigError) as caught:
        build_root(root)
    assert caught.value.format() == "pyproject.toml:8: error: setting 'liquid' must be true, false or \"auto\", got 'sometimes'"
