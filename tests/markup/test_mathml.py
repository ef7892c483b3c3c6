"""TeX to MathML: layouts browsers show right, and equation numbers with links to them."""

from __future__ import annotations

from sitegen.markup.markdown import render_markdown


def test_labelled_displays_are_numbered_in_order_and_eqref_links_to_them() -> None:
    text = (
        "$$\n\\begin{equation}\n\\label{eq:loss} L = 1\n\\end{equation}\n$$\n\n"
        "$$ a = b \\tag{A} $$\n\n"
        "$$ c = d \\label{second} $$\n\n"
        "See $\\eqref{eq:loss}$, $\\ref{second}$ and $\\eqref{nowhere}$.\n"
    )
    html = render_markdown(text).html
    assert '<div class="math-display numbered" id="eq-loss"><math ' in html
    assert html.count('<span class="eq-number">') == 3
    assert '<span class="eq-number">(1)</span>' in html
    assert '<span class="eq-number">(A)</span>' in html
    assert '<div class="math-display numbered" id="eq-second">' in html and '<span class="eq-number">(2)</span>' in html
    assert 'See <a class="eqref" href="#eq-loss">(1)</a>, <a class="eqref" href="#eq-second">2</a> and ' in html
    assert '<span class="eqref missing">(nowhere?)</span>' in html
    assert "<p><div" not in html


def test_an_eqref_inside_a_formula_shows_the_number() -> None:
    html = render_markdown("$$ x = 1 \\label{one} $$\n\nSo $y = \\eqref{one}$.\n").html
    assert "<mtext>(1)</mtext>" in html


def test_gather_rows_are_a_centred_table_not_ignored_line_breaks() -> None:
    html = render_markdown("$$\\begin{gather} a = b \\\\ c = d \\end{gather}$$\n").html
    assert '<mtable displaystyle="true" rowspacing="0.5em">' in html
    assert html.count("<mtr>") == 2 and 'columnalign="center"' in html
    assert "linebreak" not in html


def test_a_one_letter_mathrm_is_upright() -> None:
    html = render_markdown("$\\int f(x) \\mathrm{d}x$\n").html
    assert '<mi mathvariant="normal">d</mi>' in html


def test_matrices_cases_and_alphabets() -> None:
    html = render_markdown(
        "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} \\quad f(x) = \\begin{cases} x & x > 0 \\\\ 0 & \\text{else} \\end{cases}$$\n\n"
        "$\\mathbb{R}^n$, $\\mathcal{L}$, $\\boldsymbol{\\theta}$, $\\operatorname{argmax}_x$\n"
    ).html
    assert html.count("<mtable") == 2 and "<mtext>else</mtext>" in html
    assert "&#x0211D;" in html and "&#x02112;" in html  # double-struck R, script L
    assert "<mi>\U0001d73d</mi>" in html  # bold italic theta: MathML Core ignores mathvariant="bold-italic"
    assert "<mo>argmax</mo>" in html


def test_limits_of_a_sum_inside_delimiters_go_above_and_below() -> None:
    html = render_markdown("$$\\left( \\sum_{k=1}^n a_k \\right)^2$$\n").html
    assert "<munderover><mo>&#x02211;</mo><mrow><mi>k</mi>" in html
    assert "<msubsup><mo>&#x02211;" not in html
