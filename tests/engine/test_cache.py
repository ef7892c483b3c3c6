"""The content-hash cache: keys that separate their parts, plain files, atomic writes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.engine.cache import Cache, cache_key


def test_key_separates_its_parts() -> None:
    assert cache_key("ab", "c") != cache_key("a", "bc")
    assert cache_key("a", b"b") == cache_key(b"a", "b")
    assert cache_key("x") != cache_key("x", "")


@given(st.lists(st.binary(max_size=20), max_size=4), st.lists(st.binary(max_size=20), max_size=4))
def test_keys_differ_when_parts_differ(first: list[bytes], second: list[bytes]) -> None:
    assert (cache_key(*first) == cache_key(*second)) == (first == second)


def test_put_then_get_returns_the_bytes(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    key = cache_key("entry")
    assert cache.get(key) is None
    assert not cache.has(key)
    cache.put(key, b"\x00value")
    assert cache.get(key) == b"\x00value"
    assert cache.has(key)
    assert cache.path_of(key) == tmp_path / "cache" / key[:2] / key
    assert cache.path_of(key).read_bytes() == b"\x00value"  # a plain file, not a pickle


def test_put_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = cache_key("entry")
    cache.put(key, b"old")
    cache.put(key, b"new")
    assert cache.get(key) == b"new"
    assert [p.name for p in cache.path_of(key).parent.iterdir()] == [key]


def test_a_key_is_never_a_path(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    for key in ("../../etc/passwd", "", "ABCDEF0123456789", "abc"):
        with pytest.raises(ValueError, match="not a cache key"):
            cache.get(key)


def test_writers_racing_on_one_key_leave_a_whole_entry(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = cache_key("shared")
    values = [bytes([n]) * 200_000 for n in range(8)]
    threads = [threading.Thread(target=cache.put, args=(key, value)) for value in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get(key) in values
    assert len(list(cache.path_of(key).parent.iterdir())) == 1


def test_an_unwritable_cache_does_not_fail(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = Cache(blocker)
    key = cache_key("x")
    cache.put(key, b"data")  # logged, not raised: the value was computed anyway
    assert cache.get(key) is None
