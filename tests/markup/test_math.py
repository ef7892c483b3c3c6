"""Where math is found in Markdown source: kramdown's rules, and never inside code or HTML tags."""

from __future__ import annotations

import re

import pytest

from sitegen.markup.blocks import CODE, MATH, TEXT, classify_lines
from sitegen.markup.markdown import render_markdown
from sitegen.markup.math import extract_math


def maths(html: str) -> list[str]:
    return re.findall(r'<math alttext="([^"]*)"', html)


def test_display_math_with_blank_lines_inside_is_one_expression() -> None:
    html = render_markdown("Text\n\n$$\na_1 = b\n\nc_2 = d\n$$\n\nAfter *x*\n").html
    assert maths(html) == ["a_1 = b c_2 = d"]
    assert 'display="block"' in html
    assert html.count("<em>") == 1  # only the one after the math
    assert html.count("<p>") == 2


def test_inline_double_dollars_with_a_blank_line_inside_are_math() -> None:
    html = render_markdown("We have $$a_1\n\nb_2$$ inline.\n").html
    assert maths(html) == ["a_1 b_2"]
    assert 'display="inline"' in html


def test_display_math_indented_in_a_list_is_math_not_code() -> None:
    html = render_markdown("1. First step:\n\n        $$\n        x_1 = y_2\n        $$\n\n2. Second\n").html
    assert maths(html) == ["x_1 = y_2"]
    assert "<pre" not in html and "<code" not in html
    item = re.search(r"<li>(.*?)</li>", html, re.DOTALL)
    assert item is not None and "<math" in item.group(1)  # the math stays in its list item


def test_display_math_in_a_nested_list_stays_in_the_nested_item() -> None:
    html = render_markdown("- a\n    - b\n\n            $$x^2$$\n\n- c\n").html
    assert maths(html) == ["x^2"]
    assert re.search(r"<ul>\s*<li>\s*<p>b</p>\s*<math", html)


def test_indented_code_outside_lists_keeps_its_dollars() -> None:
    html = render_markdown("Para\n\n    $x = $y and $$z$$\n\nDone $w$\n").html
    assert maths(html) == ["w"]
    assert "$x = $y and $$z$$" in html


def test_shell_variables_in_inline_code_are_not_math() -> None:
    html = render_markdown("It costs $5 and `echo $HOME` or `$PATH`, see $x$.\n").html
    assert maths(html) == ["x"]
    assert "<code>echo $HOME</code>" in html
    assert "<code>$PATH</code>" in html


def test_a_dollar_before_a_code_span_does_not_close_inside_it() -> None:
    html = render_markdown("Pay $a then run `cmd $b` now\n").html
    assert maths(html) == []
    assert "<code>cmd $b</code>" in html


def test_dollars_in_html_attributes_are_not_math() -> None:
    source = '<div class="6u 12u$(small)">\n<p>A</p>\n</div>\n<div class="12u$">B</div>\n'
    html = render_markdown(source).html
    assert maths(html) == []
    assert 'class="6u 12u$(small)"' in html and 'class="12u$"' in html


def test_dollars_inside_raw_html_code_elements_are_not_math() -> None:
    html = render_markdown("<pre>$x$ and $$y$$</pre>\n\n<code>$a$</code> and <kbd>$k$</kbd> but $b$\n").html
    assert maths(html) == ["b"]
    assert "<pre>$x$ and $$y$$</pre>" in html
    assert "<code>$a$</code>" in html


def test_math_inside_html_elements_that_are_not_code_is_math() -> None:
    html = render_markdown('<div class="note">\n$$\nE = mc^2\n$$\n</div>\n').html
    assert maths(html) == ["E = mc^2"]


def test_inline_math_does_not_reach_into_an_html_tag() -> None:
    html = render_markdown('Costs $3 <span title="a$b">x</span> here.\n').html
    assert maths(html) == []
    assert 'title="a$b"' in html


def test_less_than_inside_math_is_not_a_tag() -> None:
    assert maths(render_markdown("Where $a<b$ holds.\n").html) == ["a&lt;b"]


def test_math_in_html_comments_is_left_alone() -> None:
    text, spans = extract_math("<!-- $x$ -->\n\n$y$\n")
    assert [span.tex for span in spans] == ["y"]
    assert text.startswith("<!-- $x$ -->")


def test_math_in_a_heading_gives_a_clean_id_and_a_readable_toc_entry() -> None:
    rendered = render_markdown("## The $\\alpha$ parameter and $O(n^2)$\n\n## Plain\n")
    heading = rendered.toc[0]
    assert heading.text == "The α parameter and O(n²)"
    assert heading.anchor == "the-α-parameter-and-on²"
    assert f'<h2 id="{heading.anchor}">' in rendered.html
    assert "zzmath" not in rendered.html
    assert maths(rendered.html) == ["\\alpha", "O(n^2)"]


def test_two_headings_with_the_same_math_get_distinct_ids() -> None:
    rendered = render_markdown("## $x$\n\n## $x$\n")
    assert [heading.anchor for heading in rendered.toc] == ["x", "x_1"]


def test_line_kinds_follow_lists_fences_and_math_blocks() -> None:
    lines = [
        "- item\n",  # 0
        "\n",
        "        code in the item\n",  # 2
        "\n",
        "    $$\n",  # 4: math in the item
        "        not code\n",
        "    $$\n",
        "```\n",  # 7
        "$x$\n",
        "```\n",
        "text\n",  # 10
    ]
    kinds = [line.kind for line in classify_lines(lines)]
    assert kinds == [TEXT, TEXT, CODE, CODE, TEXT, MATH, MATH, CODE, CODE, CODE, TEXT]


@pytest.mark.parametrize(
    "text",
    ["`$HOME` and `$PATH`", "echo $HOME and $PATH", "$ 5 and $ 6", '<a href="x$y$">z</a>'],
)
def test_no_math_found(text: str) -> None:
    assert extract_math(text)[1] == []


def test_indented_lines_inside_raw_html_are_not_code() -> None:
    html = render_markdown('<div class="note">\n\n    Some $x$ text\n\n</div>\n\nMention `<div>` here.\n\n    $y$ code\n').html
    assert maths(html) == ["x"]
    assert "$y$ code" in html


def test_dollars_in_link_destinations_are_not_math() -> None:
    html = render_markdown('See [the $x$ page](https://a.org/$foo$/b "t $y$") and $z$.\n').html
    assert maths(html) == ["x", "z"]
    assert 'href="https://a.org/$foo$/b"' in html and 'title="t $y$"' in html


def test_inline_math_does_not_end_inside_a_link() -> None:
    html = render_markdown("It costs $5 [per seat](https://a.org/$plan) a month.\n").html
    assert maths(html) == []
    assert 'href="https://a.org/$plan"' in html


def test_double_dollars_never_swallow_a_placeholder() -> None:
    _, spans = extract_math("Use $$ to open.\n\nzznbcell0zz\n\nand $$ to close.\n")
    assert spans == []


def test_an_equation_reference_in_the_text_links_to_the_equation() -> None:
    text = "$$\n\\begin{equation}\na = b \\label{eq:one}\n\\end{equation}\n$$\n\nSee \\eqref{eq:one} and \\ref{eq:one}; `\\eqref{x}` is code.\n"
    html = render_markdown(text).html
    assert '<p>See <a class="eqref" href="#eq-one">(1)</a> and <a class="eqref" href="#eq-one">1</a>; <code>\\eqref{x}</code> is code.</p>' in html
    assert 'id="eq-one"' in html
