"""Front matter: splitting, safe YAML with anchors, located errors, text locale codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.errors import ContentError
from sitegen.readers.frontmatter import parse_front_matter, split_front_matter

ABOUT = """\
---
titles:
  # @start locale config
  en      : &EN       About
  en-GB   : *EN
  zh-Hans : &ZH_HANS  关于
  zh      : *ZH_HANS
  zh-CN   : *ZH_HANS
  zh-Hant : &ZH_HANT  關於
  zh-TW   : *ZH_HANT
  ko      : &KO       소개
  fr      : &FR       À propos
  fr-CA   : *FR
  # @end locale config
key: page-about
---
Body line one.
"""


def test_anchors_and_aliases_resolve_to_the_anchored_text() -> None:
    front = parse_front_matter(ABOUT, "content/about.md")
    titles = front.data["titles"]
    assert titles["en-GB"] == "About"
    assert titles["zh-CN"] == titles["zh"] == "关于"
    assert titles["zh-TW"] == "關於"
    assert titles["fr-CA"] == "À propos"
    assert titles["ko"] == "소개"
    assert front.data["key"] == "page-about"
    assert front.body == "Body line one.\n"
    assert front.body_line == 17
    assert front.key_lines == {"titles": 2, "key": 15}


def test_yaml_error_is_located_in_the_file() -> None:
    text = "---\ntitle: ok\ntags: [a, b\ndate: 2024-01-01\n---\nbody\n"
    with pytest.raises(ContentError) as caught:
        parse_front_matter(text, "content/blog/x.md")
    error = caught.value
    assert error.path == "content/blog/x.md"
    assert error.line == 3  # where the unclosed bracket opens, not where the parser gave up
    assert error.format().startswith("content/blog/x.md:3:")
    assert "invalid YAML" in error.format()


def test_front_matter_must_be_a_mapping() -> None:
    with pytest.raises(ContentError) as caught:
        parse_front_matter("---\n- a\n- b\n---\nbody\n", "content/x.md")
    assert caught.value.format() == "content/x.md:2: error: front matter must be a mapping of fields, got a list"


def test_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(ContentError, match="no closing '---'"):
        parse_front_matter("---\ntitle: x\nbody\n", "content/x.md")


def test_no_front_matter_keeps_the_whole_text() -> None:
    front = parse_front_matter("# Title\n\ntext\n", "content/x.md")
    assert front.data == {}
    assert front.body == "# Title\n\ntext\n"
    assert front.body_line == 1


def test_norwegian_and_other_yaml11_booleans_stay_text() -> None:
    front = parse_front_matter("---\ntitles:\n  no: Om\n  nb: Om meg\nflag: on\ndraft: true\n---\n", "c.md")
    assert front.data["titles"] == {"no": "Om", "nb": "Om meg"}
    assert front.data["flag"] == "on"
    assert front.data["draft"] is True


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(ContentError, match="invalid YAML"):
        parse_front_matter("---\nx: !!python/object/apply:os.system ['true']\n---\n", "c.md")


@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e"), max_size=30), max_size=8),
    st.integers(min_value=0, max_value=5),
)
def test_split_preserves_the_body_and_its_first_line(body_lines: list[str], fields: int) -> None:
    body = "\n".join(line.replace("\n", " ") for line in body_lines) + "\n"
    head = "".join(f"k{i}: {i}\n" for i in range(fields))
    yaml_text, split_body, first_line = split_front_matter(f"---\n{head}---\n{body}")
    assert yaml_text == head
    assert split_body == body
    assert first_line == fields + 3
