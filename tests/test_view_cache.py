"""The shared view cache: equal inputs share one result, different inputs or versions never do."""

from __future__ import annotations

import threading

import pandas as pd

from tracker.app import view_cache

calls: list[tuple[object, ...]] = []


def _table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    calls.append((len(frame), lang))
    return frame.assign(lang=lang)


def _loader(query: object, wave: int) -> dict[str, object]:
    calls.append(("load", wave))
    return {"rows": query(wave)}  # type: ignore[operator]


def test_equal_content_is_built_once_and_shared() -> None:
    calls.clear()
    first = view_cache.build(_table, pd.DataFrame({"a": [1, 2]}), "nb")
    # A different object with the same content finds the same result.
    again = view_cache.build(_table, pd.DataFrame({"a": [1, 2]}), lang="nb")
    again_positional = view_cache.build(_table, pd.DataFrame({"a": [1, 2]}), "nb")
    assert again_positional is first
    assert calls == [(2, "nb"), (2, "nb")]  # keyword and positional are different keys
    assert again.equals(first)


def test_different_content_is_built_again() -> None:
    calls.clear()
    one = view_cache.build(_table, pd.DataFrame({"a": [1, 2]}), "en")
    other = view_cache.build(_table, pd.DataFrame({"a": [1, 3]}), "en")
    assert other is not one
    assert list(other["a"]) == [1, 3]
    assert calls == [(2, "en"), (2, "en")]


def test_arguments_without_a_content_key_are_not_cached() -> None:
    calls.clear()
    lock = threading.Lock()  # cannot be pickled

    def uses_lock(guard: object, n: int) -> int:
        calls.append(("lock", n))
        return n

    assert view_cache.build(uses_lock, lock, 1) == 1
    assert view_cache.build(uses_lock, lock, 1) == 1
    assert calls == [("lock", 1), ("lock", 1)]


def test_loads_are_keyed_by_database_version() -> None:
    calls.clear()

    def query(wave: int) -> list[int]:
        return [wave]

    first = view_cache.load("/db", (1, 1, 1), _loader, query, 2024)
    same = view_cache.load("/db", (1, 1, 1), _loader, query, 2024)
    after_import = view_cache.load("/db", (1, 2, 1), _loader, query, 2024)
    other_db = view_cache.load("/other", (1, 1, 1), _loader, query, 2024)
    assert first == same == after_import == other_db == {"rows": [2024]}
    assert calls == [("load", 2024)] * 3
    # Each run gets its own copy: changing it does not change what others get.
    same["rows"].append(1)
    assert view_cache.load("/db", (1, 1, 1), _loader, query, 2024) == {"rows": [2024]}
