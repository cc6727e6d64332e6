"""The server-wide cache of runs: one build per key, bounded, failures not kept."""

from __future__ import annotations

import pytest

from lrviz.ui import shared_runs


@pytest.fixture(autouse=True)
def empty() -> None:
    shared_runs.clear()


def test_same_key_builds_once_and_returns_the_same_object() -> None:
    calls: list[int] = []

    def build() -> list[int]:
        calls.append(1)
        return [len(calls)]

    first = shared_runs.shared(("a", "v"), build)
    again = shared_runs.shared(("a", "v"), build)
    assert again is first
    assert len(calls) == 1
    other = shared_runs.shared(("a", "w"), build)
    assert other == [2]


def test_oldest_unused_entry_is_evicted() -> None:
    for i in range(shared_runs.MAX_ENTRIES):
        shared_runs.shared((str(i),), lambda i=i: i)
    shared_runs.shared(("0",), lambda: -1)  # used again: now the newest
    shared_runs.shared(("new",), lambda: 99)  # evicts "1", the oldest unused
    assert shared_runs.shared(("0",), lambda: -1) == 0
    assert shared_runs.shared(("1",), lambda: -1) == -1


def test_a_failed_build_is_not_kept() -> None:
    def bad() -> int:
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        shared_runs.shared(("x",), bad)
    assert shared_runs.shared(("x",), lambda: 5) == 5
