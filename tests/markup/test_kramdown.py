"""kramdown syntax: attribute lists on blocks and spans, {:toc}, extensions, nested markdown="1"."""

from __future__ import annotations

import re

import pytest

from sitegen.markup.attributes import Attributes, parse_attribute_list
from sitegen.markup.kramdown import remove_extensions
from sitegen.markup.markdown import render_markdown
from sitegen.markup.tables import rewrite_tables


def html_of(text: str) -> str:
    return render_markdown(text).html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (".info", Attributes(classes=("info",))),
        (".circle.shadow", Attributes(classes=("circle", "shadow"))),
        ('#top .a key="v w" other=\'x\'', Attributes("top", ("a",), (("key", "v w"), ("other", "x")))),
        ('style="width: 640px;" class="center wide"', Attributes(classes=("center", "wide"), pairs=(("style", "width: 640px;"),))),
        (" toc ", Attributes(refs=("toc",))),
        ('title="a \\" quote"', Attributes(pairs=(("title", 'a " quote'),))),
    ],
)
def test_attribute_lists_parse(body: str, expected: Attributes) -> None:
    assert parse_attribute_list(body) == expected


def test_a_list_after_a_paragraph_applies_to_it() -> None:
    assert html_of("Success!\n{:.success}\n") == '<p class="success">Success!</p>'


def test_a_list_after_an_image_applies_to_its_paragraph_like_kramdown() -> None:
    html = html_of('![fig](a.png)\n{: style="width: 640px;" class="center"}\n')
    assert html == '<p class="center" style="width: 640px;"><img alt="fig" src="a.png"></p>'


def test_a_table_after_an_attribute_line_is_a_table_with_the_attributes() -> None:
    html = html_of('{: class="info"}\n| a | b |\n|---|---|\n| 1 | 2 |\n')
    assert html.startswith('<table class="info">')
    assert "<td>2</td>" in html and "|" not in html


def test_a_list_after_a_blank_line_applies_to_the_next_block() -> None:
    html = html_of("First\n\n{:.lead}\nSecond\n")
    assert html == '<p>First</p>\n<p class="lead">Second</p>'


def test_heading_attributes_set_its_id_and_the_toc_follows() -> None:
    rendered = render_markdown("## Setup\n{: #install .big}\n")
    assert rendered.html == '<h2 class="big" id="install">Setup</h2>'
    assert [heading.anchor for heading in rendered.toc] == ["install"]


def test_lists_take_attributes() -> None:
    html = html_of("1. one\n2. two\n{: .steps #s}\n")
    assert html.startswith('<ol class="steps" id="s">\n<li>one</li>')


def test_a_quote_takes_attributes_from_a_definition() -> None:
    html = html_of("{:note: .note title=\"N\"}\n> quoted\n{: note}\n")
    assert html == '<blockquote class="note" title="N">\n<p>quoted</p>\n</blockquote>'


def test_fenced_code_takes_attributes_after_it_or_before_it() -> None:
    after = html_of("```python\nx = 1\n```\n{: .wide #listing}\n")
    assert after.startswith('<div id="listing" class="wide highlight" data-lang="python"><div class="code-bar" data-pagefind-ignore>')
    assert '<span class="n">x</span>' in after
    before = html_of("{: .language-ruby}\n~~~\nputs 1\n~~~\n")
    assert '<span class="nb">puts</span>' in before


def test_an_indented_code_block_gets_its_language_from_the_list() -> None:
    html = html_of("Ruby:\n\n    def what?\n      42\n    end\n{: .language-ruby}\n")
    assert '<span class="k">def</span>' in html
    assert "{:" not in html


def test_attribute_lists_shown_inside_code_stay_as_written() -> None:
    html = html_of("    ![Image](path){:width=\"64px\"}\n    {: .language-ruby}\n\n`{:.x}` and\n\n```\n{: .y}\n```\n")
    assert html.count("{:") == 4
    bars = re.sub(r'<div class="code-bar" data-pagefind-ignore>.*?</div>', "", html)
    assert "class=" not in bars.replace('class="highlight"', "")


@pytest.mark.parametrize(
    ("text", "element"),
    [
        ("`success`{:.success}", '<code class="success">success</code>'),
        ("*em*{:.hi}", '<em class="hi">em</em>'),
        ("[link](x){:target=\"_blank\"}", '<a href="x" target="_blank">link</a>'),
        ('![I](i.png "T"){:.circle.shadow}', '<img alt="I" class="circle shadow" src="i.png" title="T">'),
        ('![I](i.png){:width="128px" height="128px"}', '<img alt="I" height="128px" src="i.png" width="128px">'),
    ],
)
def test_span_attribute_lists(text: str, element: str) -> None:
    assert html_of(f"Before {text} after.\n") == f"<p>Before {element} after.</p>"


def test_span_lists_in_table_cells() -> None:
    html = html_of("| A | B |\n|---|---|\n| ![I](i.png){:.border} | `x`{:.info} |\n")
    assert '<img alt="I" class="border" src="i.png">' in html
    assert '<code class="info">x</code>' in html


def test_a_span_list_after_plain_text_is_dropped() -> None:
    assert html_of("Plain words{: .x} here.\n") == "<p>Plain words here.</p>"


def test_toc_list_becomes_the_table_of_contents_without_no_toc_headings() -> None:
    text = "* TOC\n{:toc}\n\n## Contents\n{:.no_toc}\n\n## First $\\alpha$\n\n### Sub\n\n## Second\n"
    rendered = render_markdown(text)
    toc = re.search(r'<ul id="markdown-toc">.*?</ul></li>.*?</ul>', rendered.html)
    assert toc is not None
    assert re.findall(r'href="#([^"]+)"', toc.group(0)) == ["first-α", "sub", "second"]
    assert "TOC" not in rendered.html
    assert [heading.anchor for heading in rendered.toc] == ["first-α", "sub", "second"]


def test_an_ordered_toc_list_gives_an_ordered_table_of_contents() -> None:
    html = html_of("1. toc\n{: toc}\n\n## A\n")
    assert html.startswith('<ol id="markdown-toc"><li><a href="#a">A</a></li></ol>')


def test_options_and_comments_are_accepted_and_removed() -> None:
    text = '{::options parse_block_html="true" /}\nBefore\n{::comment}\nHidden $x$ {: .no}\n\nstill hidden\n{:/comment}\nAfter\n'
    rendered = render_markdown(text)
    assert rendered.html == "<p>Before</p>\n<p>After</p>"
    assert rendered.math_failures == ()


def test_removing_extensions_keeps_line_numbers() -> None:
    text = "a\n{::comment}\nb\nc\n{:/comment}\nd\n{::nomarkdown}<b>x</b>{:/nomarkdown}\n"
    kept = remove_extensions(text)
    assert kept == ("a\n\n\n\n\nd\nzzraw0zz\n", ("<b>x</b>",))
    assert remove_extensions("```\n{::comment}\n```\n") == ("```\n{::comment}\n```\n", ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The span form: the content is raw HTML, its `*` no emphasis.
        ("a {::nomarkdown}<b>*x*</b>{:/nomarkdown} b", "<p>a <b>*x*</b> b</p>"),
        # The block form, with `{:/}` as the closing tag and options on the opening one.
        ('{::nomarkdown type="html"}\n<div>\n_a_ $x$\n\n    not code\n</div>\n{:/}\n\nafter *em*',
         "<div>\n_a_ $x$\n\n    not code\n</div>\n<p>after <em>em</em></p>"),
        ("{::nomarkdown}\n# not a heading\n{:/nomarkdown}", "# not a heading"),
        # Inside code it is code; inside a comment it is gone.
        ("`{::nomarkdown}*a*{:/}`", "<p><code>{::nomarkdown}*a*{:/}</code></p>"),
        ("{::comment}\n{::nomarkdown}a{:/nomarkdown}\n{:/comment}\nz", "<p>z</p>"),
        ("x {::nomarkdown/} y", "<p>x  y</p>"),
    ],
)
def test_nomarkdown_content_passes_through_raw(text: str, expected: str) -> None:
    assert html_of(text) == expected


def test_markdown_inside_an_element_nested_in_plain_html() -> None:
    text = (
        '<div class="grid">\n<div class="cell" markdown="1">\n'
        '![Image](i.png "T"){:.rounded}\n</div>\n</div>\n'
    )
    html = html_of(text)
    assert '<img alt="Image" class="rounded" src="i.png" title="T">' in html
    assert 'markdown="1"' not in html and "{:" not in html


def test_longer_closing_fences_close_like_kramdown() -> None:
    html = html_of("~~~~~~~~~~~~\n~~~~~~~\ncode with tildes\n~~~~~~~~\n~~~~~~~~~~~~~~~~~~\n\nafter\n")
    assert "<p>after</p>" in html
    assert "code with tildes" in html and html.count("<pre") == 1


def test_a_list_after_raw_html_goes_on_its_first_tag_keeping_the_others() -> None:
    html = html_of('<iframe width=560 src="x" allowfullscreen></iframe>\n{: .center style="a"}\n\n<div class="a">y</div>\n{:.b}\n')
    assert '<iframe width=560 src="x" allowfullscreen class="center" style="a"></iframe>' in html
    assert '<div class="a b">y</div>' in html
    assert "<p" not in html


def test_a_list_closing_a_heading_or_paragraph_line_applies_to_it() -> None:
    rendered = render_markdown("## Title {: #t .c}\n\nPara end {: .p}\n")
    assert rendered.html == '<h2 class="c" id="t">Title</h2>\n<p class="p">Para end</p>'
    assert rendered.toc[0].text == "Title"


def test_a_list_inside_raw_html_leaves_nothing_visible() -> None:
    html = html_of('<div class="x">\nSome text\n{: .c}\n</div>\n')
    assert "zzkdial" not in html and "{:" not in html
    assert html.startswith('<div class="x">\nSome text\n')


def test_markdown_attributes_shown_in_code_are_not_spread() -> None:
    html = html_of('```html\n<div class="a">\n<div markdown="1">\n</div>\n</div>\n```\n')
    assert html.count("markdown") == 1


def test_an_indented_list_in_a_list_item_keeps_the_list_whole() -> None:
    html = html_of('- ![img](a.png)\n  {: width="50%"}\n- next\n  {: .n}\n\n1. Step\n\n    text\n    {: .c}\n\n2. two\n')
    assert html.count("<ul>") == 1 and html.count("<ol>") == 1
    assert '<li><img alt="img" src="a.png" width="50%"></li>' in html
    assert '<li class="n">next</li>' in html
    assert '<p class="c">text</p>' in html


def table_rows(html: str) -> list[list[str]]:
    """Return the cell texts of each row of the first table."""
    table = html[html.index("<table>") : html.index("</table>")]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)]


@pytest.mark.parametrize(
    "text",
    [
        # A separator line first, row groups, a footer.
        "|---+---|\n| H1 | H2 |\n|:--|--:|\n| a | b |\n|---+---|\n| c | d |\n|===+===|\n| f | g |\n|---+---|\n",
        # Short separators, rows without a closing pipe.
        "|---\n| H1 | H2\n|-|-:\n| a | b\n|---\n| c | d\n|===\n| f | g\n",
    ],
)
def test_kramdown_tables_with_separators_first_groups_and_footers_are_tables(text: str) -> None:
    html = html_of(text)
    assert html.count("<table>") == 1 and "|" not in html
    assert table_rows(html) == [["H1", "H2"], ["a", "b"], ["c", "d"], ["f", "g"]]
    assert 'style="text-align: right;">b<' in html
    assert re.search(r"<tfoot>\s*<tr>\s*<td[^>]*>f</td>", html) and "zzkd" not in html


def test_a_kramdown_table_without_a_header_gets_an_empty_one() -> None:
    html = html_of("| a | b |\n| c | d |\n|---|---|\n| e | f |\n")
    assert table_rows(html) == [["", ""], ["a", "b"], ["c", "d"], ["e", "f"]]


def test_tables_in_code_and_plain_tables_stay_as_written() -> None:
    assert rewrite_tables(["| a | b |", "|---|---|", "| 1 | 2 |"]) == ["| a | b |", "|---|---|", "| 1 | 2 |"]
    assert rewrite_tables(["```", "|---+---|", "| a | b |", "```"]) == ["```", "|---+---|", "| a | b |", "```"]
    assert rewrite_tables(["text", "", "    |---+---|", "    | a |"]) == ["text", "", "    |---+---|", "    | a |"]


def test_two_toc_lists_on_one_list_make_one_table_of_contents() -> None:
    html = html_of("1. x\n{:toc}\n{:toc}\n\n## A\n")
    assert html.count('id="markdown-toc"') == 1
