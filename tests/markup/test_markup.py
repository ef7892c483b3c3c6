"""Markdown: math left intact and turned into MathML, code highlighted, anchors stable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.markup.markdown import first_paragraph, plain_text, render_markdown, split_summary
from sitegen.markup.math import extract_math


def maths(html: str) -> list[str]:
    return re.findall(r'<math alttext="([^"]*)"', html)


def test_underscores_and_braces_in_display_math_are_not_markdown() -> None:
    text = "$$\nW_{q} x_t + b_{k} \\quad \\{a\\} \\\\ \\|x\\|_2\n$$\n"
    html = render_markdown(text).html
    assert "<em>" not in html
    assert maths(html) == ["W_{q} x_t + b_{k} \\quad \\{a\\} \\\\ \\|x\\|_2"]
    assert 'display="block"' in html
    assert "<p>" not in html  # a display block is not wrapped in a paragraph


def test_inline_math_keeps_underscores_on_one_line() -> None:
    html = render_markdown("Take $x_i$ and $y_j$ then *emphasis*.").html
    assert maths(html) == ["x_i", "y_j"]
    assert html.count("<em>") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\\(a_b\\) inline", ["a_b"]),
        ("\\[ \\frac{a}{b} \\]", ["\\frac{a}{b}"]),
        ("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", ["\\begin{aligned} a &amp;= b \\\\ c &amp;= d \\end{aligned}"]),
        ("inline $$ E = mc^2 $$ in text", ["E = mc^2"]),
    ],
)
def test_every_delimiter(text: str, expected: list[str]) -> None:
    assert maths(render_markdown(text).html) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $10.",
        "Use `$x_i$` in code.",
        "```\n$x_i$\n```",
        "    $ echo $HOME",
        "An escaped \\$x\\$ stays text.",
    ],
)
def test_dollars_that_are_not_math(text: str) -> None:
    assert "<math" not in render_markdown(text).html


def test_math_inside_code_is_left_alone() -> None:
    html = render_markdown("```python\nx = '$a_b$'\n```\n").html
    assert "$a_b$" in html
    assert "<math" not in html


def test_code_is_highlighted_with_pygments_and_focusable() -> None:
    html = render_markdown("```python\ndef f(x):\n    return x\n```\n").html
    assert html.startswith(
        '<div class="highlight" data-lang="python"><div class="code-bar" data-pagefind-ignore>'
        '<span class="code-lang">python</span></div><pre tabindex="0">'
    )
    assert '<span class="k">def</span>' in html


def test_code_without_a_language_has_an_empty_bar() -> None:
    html = render_markdown("```\nplain\n```\n").html
    assert html.startswith('<div class="highlight" data-lang="text"><div class="code-bar" data-pagefind-ignore></div><pre tabindex="0">')


def test_line_numbers_and_highlighted_lines_are_asked_for_per_block() -> None:
    html = render_markdown('```python hl_lines="2" linenums="1"\na = 1\nb = 2\n```\n').html
    assert '<span class="linenos" data-linenos="1 "></span><span class="n">a</span>' in html
    assert '<span class="hll"><span class="linenos" data-linenos="2 "></span><span class="n">b</span>' in html
    assert "linenos" not in render_markdown("```python\na = 1\n```\n").html


def test_fenced_code_inside_a_list() -> None:
    html = render_markdown("1. Step\n\n    ```bash\n    pip install x\n    ```\n").html
    assert '<div class="highlight" data-lang="bash">' in html


def test_tables_footnotes_admonitions_and_attributes() -> None:
    text = "| a | b |\n|---|---|\n| $x_1$ | 2 |\n\nNote[^1].\n\n[^1]: Foot.\n\n!!! note \"Heads up\"\n    Body.\n\n![pic](p.png){ width=10 }\n"
    html = render_markdown(text).html
    assert "<table>" in html and maths(html) == ["x_1"]
    assert 'class="footnote-ref"' in html
    assert '<div class="admonition note">' in html
    assert 'width="10"' in html


def test_markdown_inside_html_blocks() -> None:
    html = render_markdown('<section class="row" markdown="1">\n**bold** $a_b$\n</section>\n').html
    assert "<strong>bold</strong>" in html
    assert maths(html) == ["a_b"]


def test_heading_anchors_are_stable_in_any_script() -> None:
    text = "## Self-Attention, Step 1\n\n## 小结\n\n## 소개\n\n## 小结\n\n## ???\n"
    anchors = [heading.anchor for heading in render_markdown(text).toc]
    assert anchors == ["self-attention-step-1", "小结", "소개", "小结_1", "u3f-u3f-u3f"]
    assert anchors == [heading.anchor for heading in render_markdown(text).toc]


def test_an_h1_in_the_body_is_demoted_below_the_page_title() -> None:
    rendered = render_markdown("# Part one\n\ntext\n\n## Detail\n")
    assert "<h1" not in rendered.html
    assert [h.level for h in rendered.toc] == [2, 3]


def test_a_failed_conversion_stays_visible_and_is_reported_with_its_line() -> None:
    rendered = render_markdown("line one\n\nSee $\\frac{a}{$ here.\n")
    assert rendered.math_failures and rendered.math_failures[0].line == 2
    assert "\\frac{a}{" in plain_text(rendered.html)


def test_summary_splits_at_the_more_marker() -> None:
    html = render_markdown("Intro paragraph.\n\n<!--more-->\n\nRest.\n").html
    summary, body = split_summary(html)
    assert summary == "<p>Intro paragraph.</p>"
    assert "Rest." in body
    assert first_paragraph(body) == "<p>Intro paragraph.</p>"


def test_extract_math_reports_source_lines() -> None:
    _, spans = extract_math("a\n\n$$\nx\n$$\n\ntext $y$\n")
    assert [(span.tex, span.display, span.line) for span in spans] == [("x", True, 2), ("y", False, 6)]


def test_rendered_markdown_is_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.engine.cache import Cache
    from sitegen.markup import markdown as markup

    cache = Cache(tmp_path)
    text = "## Heading\n\n$x_i$ and `code`\n\nBad $\\frac{a}{$\n"
    first = markup.render_markdown_cached(text, "default", cache)
    assert len(list(tmp_path.rglob("*"))) == 2  # one folder, one entry

    def fail(*args: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(markup, "render_markdown", fail)
    assert markup.render_markdown_cached(text, "default", cache) == first
    with pytest.raises(AssertionError, match="converted again"):
        markup.render_markdown_cached(text + "more", "default", cache)


def test_the_empty_corner_of_a_table_is_a_data_cell_not_a_nameless_header() -> None:
    html = render_markdown("| | LayerNorm | RMSNorm |\n|---|---|---|\n| mean | yes | no |\n\n| ![x](x.png) | A |\n|---|---|\n| 1 | 2 |\n").html
    headers = re.findall(r"<t([hd])>(.*?)</t[hd]>", html.split("<tbody>")[0])
    assert headers == [("d", ""), ("h", "LayerNorm"), ("h", "RMSNorm")]
    assert '<th><img alt="x" src="x.png"></th>' in html  # a cell with an image is a header with a name
