"""Runs and payloads shared by every session of the server, so a class opening one link trains once.

Each new session starts on the same default run (or the same link's run): building it costs about
0.35 s of server CPU (training, the chain-rule replay, four figures, JSON), the largest part of a
first page load. Runs and payload bytes are immutable, so sessions can hold the same objects.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Distinct (run, look, view) combinations kept; hostile or varied settings only evict older ones.
MAX_ENTRIES = 24

_lock = threading.Lock()
_entries: OrderedDict[tuple[str, ...], object] = OrderedDict()


def shared(key: tuple[str, ...], build: Callable[[], T]) -> T:
    """The value cached under key, or build() (outside the lock), cached and returned.

    key must name everything build's result depends on. Two sessions asking at once may both
    build; the values are equal, and the later one is kept.
    """
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[return-value]
    value = build()
    with _lock:
        _entries[key] = value
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached value (tests)."""
    with _lock:
        _entries.clear()
