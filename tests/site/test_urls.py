"""URLs: slugs in any script, pretty paths, and the base path never escaped."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sitegen.site.urls import (
    pretty_dest,
    rebase_root_relative,
    slugify,
    split_post_name,
    url_for_dest,
)


def test_slugs() -> None:
    assert slugify("Self-Attention, From Scratch!") == "self-attention-from-scratch"
    assert slugify("深度学习") == "深度学习"
    assert slugify("한국어 태그") == "한국어-태그"
    assert slugify("snake_case") == "snake-case"
    assert slugify("???") == "u3f-u3f-u3f"


@given(st.text(min_size=1, max_size=40))
def test_slugs_are_stable_and_url_safe(text: str) -> None:
    slug = slugify(text)
    assert slug == slugify(text)
    assert slug
    assert not re.search(r"[\s/?#%<>\"'\\]", slug)


def test_post_names() -> None:
    assert split_post_name("2024-03-05-attention") == ("2024-03-05", "attention")
    assert split_post_name("2016-8-20-etiam") == ("2016-08-20", "etiam")
    assert split_post_name("about") is None


def test_pretty_urls() -> None:
    assert pretty_dest("about") == "about/index.html"
    assert pretty_dest("") == "index.html"
    assert url_for_dest("about/index.html", "/portfolio/") == "/portfolio/about/"
    assert url_for_dest("blog/tags/深度学习/index.html", "/") == "/blog/tags/%E6%B7%B1%E5%BA%A6%E5%AD%A6%E4%B9%A0/"


@given(st.lists(st.text(alphabet="abc-_.", min_size=1, max_size=8), max_size=4), st.sampled_from(["/", "/portfolio/", "/a/b/"]))
def test_urls_never_escape_the_base_path(parts: list[str], base: str) -> None:
    dest = pretty_dest("/".join(part for part in parts if part not in {".", ".."}))
    assert url_for_dest(dest, base).startswith(base)
    assert rebase_root_relative("/" + "/".join(parts), base).startswith(base)
