"""kramdown list continuation: item content at its content column (2-3 spaces) stays in the item."""

from __future__ import annotations

import pytest

from sitegen.markup.lists import reindent_lists
from sitegen.markup.markdown import render_markdown
from tests.conftest import PageParser


def tree(text: str) -> list[tuple[str, int]]:
    """Return (tag, depth in lists) for every element of the rendered HTML, in order."""
    html = render_markdown(text).html
    found: list[tuple[str, int]] = []
    depth = 0

    class Walk(PageParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            nonlocal depth
            found.append((tag, depth))
            depth += tag == "li"

        def handle_endtag(self, tag: str) -> None:
            nonlocal depth
            depth -= tag == "li"

    Walk().feed(html)
    return found


def in_items(text: str, tag: str) -> list[int]:
    """Return the list depth of each `tag` element."""
    return [depth for name, depth in tree(text) if name == tag]


@pytest.mark.parametrize("marker", ["1.", "-", "*", "+", "10."])
def test_a_paragraph_at_the_content_column_stays_in_the_item(marker: str) -> None:
    pad = " " * (len(marker) + 1)
    text = f"{marker} First\n\n{pad}More of the first.\n\n{marker} Second\n"
    assert in_items(text, "p") == [1, 1, 1]
    assert in_items(text, "li") == [0, 0]


def test_fence_math_and_image_in_a_numbered_item_with_three_spaces() -> None:
    text = (
        "1. Run it:\n\n   ```python\n   x = 1\n   ```\n\n"
        "   $$\n   a = b\n\n   c = d\n   $$\n\n   ![plot](p.png)\n\n2. Next\n"
    )
    html = render_markdown(text).html
    assert in_items(text, "pre") == [1]
    assert in_items(text, "math") == [1]
    assert in_items(text, "img") == [1]
    assert in_items(text, "li") == [0, 0]
    assert "x</span> <span class=\"o\">=</span>" in html and "\n   x" not in html  # the code lost the item's indent only


def test_bullets_nest_two_spaces_deep() -> None:
    text = "- a\n  - b\n    - c\n  - d\n- e\n"
    assert in_items(text, "li") == [0, 1, 2, 1, 0]
    assert in_items(text, "ul") == [0, 1, 2]


def test_bullets_nested_in_a_numbered_list_and_numbers_in_bullets() -> None:
    text = "1. one\n   * nested\n\n     nested para\n\n2. two\n   1. inner\n\n      inner para\n"
    assert in_items(text, "li") == [0, 1, 0, 1]
    assert in_items(text, "p") == [1, 2, 2, 1, 2, 2]


def test_an_indented_code_block_inside_an_item_is_four_past_its_content() -> None:
    text = "* item\n\n  para\n\n      code in item\n\nafter\n"
    assert in_items(text, "pre") == [1]
    assert tree(text)[-1] == ("p", 0)


@pytest.mark.parametrize(
    "text",
    [
        "text\n\n    code\n    - not a list\n",  # an indented code block outside lists
        "```\n- fenced\n  stays\n```\n",  # a fence outside lists
        "- a\n\n* * *\n\n  para\n",  # a rule ends the list
        "plain\ntext\n",
    ],
)
def test_the_line_count_never_changes(text: str) -> None:
    assert reindent_lists(text) == (text, tuple(range(len(text.split("\n")))))


def test_code_outside_lists_keeps_its_text() -> None:
    assert reindent_lists("text\n\n    code\n    - not a list\n")[0] == "text\n\n    code\n    - not a list\n"
    assert reindent_lists("- x\n\n```\n- fenced\n  stays\n```\n")[0] == "- x\n\n```\n- fenced\n  stays\n```\n"
    assert "<hr>\n<p>para</p>" in render_markdown("- a\n\n* * *\n\n  para\n").html


def test_wide_markers_and_lazy_lines() -> None:
    assert in_items("10. ten\n\n    content\n", "p") == [1, 1]
    assert in_items("- a\nlazy line\n", "li") == [0]
    assert "lazy line" in render_markdown("- a\nlazy line\n").html


def test_an_item_right_after_a_loose_items_paragraph_is_a_new_item() -> None:
    text = "- A bullet\n  - nested\n\n    its own paragraph\n- Back at the top\n"
    assert in_items(text, "li") == [0, 1, 0]
    assert "Back at the top" not in render_markdown(text).html.split("its own paragraph")[0]
    numbered = "1. one\n   * nested\n\n     nested para\n2. two\n"
    assert in_items(numbered, "li") == [0, 1, 0]


def test_math_failures_keep_their_source_line_when_a_blank_line_is_added() -> None:
    text = "- a\n\n  para\n- b\n\n  See $\\frac{a}{$ here.\n"
    rendered = render_markdown(text)
    assert [failure.line for failure in rendered.math_failures] == [5]
    assert reindent_lists(text)[1] == (0, 1, 2, 3, 3, 4, 5, 6)


def test_a_marker_in_an_items_indented_code_is_code() -> None:
    text = "- a\n\n      - not an item\n      code\n\n- b\n"
    assert in_items(text, "pre") == [1]
    assert in_items(text, "li") == [0, 0]
    assert "- not an item\ncode" in render_markdown(text).html


def test_lists_inside_block_quotes_continue_at_their_content_column() -> None:
    text = "> 1. one\n>\n>    para in one\n> 2. two\n\nafter\n"
    assert in_items(text, "li") == [0, 0]
    assert in_items(text, "p") == [1, 1, 1, 0]
    assert in_items("> quote\n>\n> - a\n>   - b\n", "li") == [0, 1]


def test_no_list_starts_inside_a_paragraph() -> None:
    text = "text\n- a\n\n  para\n"
    assert reindent_lists(text)[0] == text
    assert "<pre" not in render_markdown(text).html
