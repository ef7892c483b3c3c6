"""TeX to MathML: layouts browsers show right, and equation numbers with links to them."""

from __future__ import annotations

import re

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


def test_math_works_in_tables_lists_headings_and_admonitions() -> None:
    text = (
        "## The loss $\\mathcal{L}(\\theta)$\n\n"
        "| term | value |\n|---|---|\n| $\\hat{y}_i$ | $\\frac{1}{n}$ |\n\n"
        "- first $a_i^2$\n- second:\n\n    $$\\sum_{i=1}^n x_i$$\n\n"
        "1. numbered $\\sqrt{d}$\n\n"
        '!!! note "On $\\sigma$"\n    Inside $\\log p$ and\n\n    $$\\int_0^1 f(x) \\, dx$$\n\n'
        "!!! warning\n    $e^{i\\pi} = -1$\n\n        code $x$ stays code\n"
    )
    html = render_markdown(text).html
    assert "$" not in html.replace("code $x$ stays code", "")  # every span was converted, code excepted
    assert "<code>code $x$ stays code" in html
    for container, count in (("h2", 1), ("td", 2), ("li", 3), ('div class="admonition note"', 3), ('div class="admonition warning"', 1)):
        name = container.split()[0]
        parts = re.findall(f"<{container}[^>]*>(.*?)</{name}>", html, re.DOTALL)
        assert parts, container
        assert sum(part.count("<math ") for part in parts) == count, (container, parts)
    assert 'id="the-loss' in html  # the heading keeps an anchor made from its text
    note = re.search(r'<div class="admonition note">(.*?)</div>', html, re.DOTALL)
    assert note and 'display="block"' in note.group(1) and "<p><math" not in note.group(1)  # a block, not in a paragraph


def test_align_numbers_each_row_unless_nonumber_and_labels_link_to_their_row() -> None:
    text = (
        "$$\\begin{align} a &= b \\label{first} \\\\ c &= \\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix} \\nonumber \\\\"
        " e &= f \\tag{*} \\\\ g &= h \\\\ \\end{align}$$\n\n"
        "$$\\begin{align*} x &= y \\\\ z &= w \\end{align*}$$\n\n"
        "$$\\begin{gather} p = q \\\\ r = s \\notag \\end{gather}$$\n\n"
        "$$\\begin{equation} u = v \\end{equation}$$\n\n"
        "See $\\eqref{first}$.\n"
    )
    html = render_markdown(text).html
    align, starred, gather, equation = re.findall(r"<(?:div|math)[^>]*?(?:numbered-rows|numbered\"|display=\"block\")[^>]*>.*?</math>", html, re.DOTALL)
    cells = re.findall(r'<mtd class="eq-number"([^>]*)>(.*?)</mtd>', align)
    assert [(anchor, number) for anchor, number in cells] == [
        (' id="eq-first"', '<mpadded width="0"><mtext>(1)</mtext></mpadded>'), ("", ""),
        ("", '<mpadded width="0"><mtext>(*)</mtext></mpadded>'), ("", '<mpadded width="0"><mtext>(2)</mtext></mpadded>'),
    ]
    assert align.startswith('<div class="math-display numbered-rows">') and align.count("<mtr>") == 6  # 4 rows + the matrix's 2
    assert "eq-number" not in starred
    assert re.findall(r'<mtd class="eq-number">(.*?)</mtd>', gather) == ['<mpadded width="0"><mtext>(3)</mtext></mpadded>', ""]
    assert equation.startswith('<div class="math-display numbered">') and '</math><span class="eq-number">(4)</span>' in html
    assert '<a class="eqref" href="#eq-first">(1)</a>' in html


def mathml(tex: str, display: bool = True) -> str:
    return render_markdown(f"$${tex}$$\n" if display else f"${tex}$\n").html


def test_subscripts_accents_signs_and_operator_names_are_laid_out_as_in_tex() -> None:
    # A subscript under a letter keeps its height whatever the letter's depth; the accent leans with the italic letter.
    assert '<msub><mpadded depth="0"><mover accent="true"><mi>&#x1D466;</mi><mo>&#x002C6;</mo></mover></mpadded><mi>i</mi></msub>' in mathml(r"\hat{y}_i")
    assert '<msub><mpadded depth="0"><mi>y</mi></mpadded>' in mathml("y_j")
    # A sign that starts a term has no space around it; a binary minus keeps the operator's.
    signs = mathml(r"-a = -\log(-b) - c")
    assert signs.count('<mo lspace="0em" rspace="0em">&#x02212;</mo>') == 3 and "<mo>&#x02212;</mo>" in signs
    # \log p: a thin space between the name and its argument, none before a parenthesis.
    names = mathml(r"2\log p + \exp(x)")
    assert '<mn>2</mn><mspace width="0.1667em" /><mi>log</mi><mspace width="0.1667em" /><mi>p</mi>' in names
    assert '<mi>exp</mi><mo stretchy="false">&#x00028;</mo>' in names
    # a/b, |x| and \dots take no operator spacing; \partial is a letter.
    assert '<mo lspace="0em" rspace="0em">&#x0002F;</mo><mi>&#x02202;</mi>' in mathml(r"\partial J / \partial u", display=False)
    assert '<mo lspace="0em" rspace="0em">&#x02026;</mo>' in mathml(r"k_1, \dots, k_n")


def test_display_integrals_are_display_size_and_matrix_bars_stretch() -> None:
    assert '<mo mathsize="150%">&#x0222B;</mo>' in mathml(r"\int_0^1 f")
    assert "mathsize" not in mathml(r"\int_0^1 f", display=False)
    assert "mathsize" not in mathml(r"\frac{\int f}{2}")  # a fraction's parts are in text style
    bars = mathml(r"\det \begin{vmatrix} 1 & x \\ 0 & 1 \end{vmatrix}")
    assert '<mo stretchy="true" fence="true" form="prefix">&#x0007C;</mo><mtable>' in bars
    norm = mathml(r"\left\| \frac{x}{y} \right\|")
    assert norm.count('stretchy="true" fence="true" form="prefix"') == 2 and "&#x02016;" not in norm.split("alttext")[1].split(">", 1)[1]


def test_the_layout_tree_writes_back_exactly_what_it_read() -> None:
    import latex2mathml.converter

    from sitegen.markup.math import extract_math
    from sitegen.markup.mathlayout import parse
    from tests.conftest import REPO

    spans = [span for path in sorted((REPO / "content").rglob("*.md")) for span in extract_math(path.read_text("utf-8"))[1]]
    assert len(spans) > 40
    for span in spans:
        converted = str(latex2mathml.converter.convert(span.tex, display="block" if span.display else "inline"))
        assert parse(converted).write_children() == converted
