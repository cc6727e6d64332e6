"""The epoch on screen, as the player reports it: {"run": id, "epoch": k} in its state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Cursor(NamedTuple):
    """Epoch `epoch` of run `run`, as last reported by the browser."""

    run: str
    epoch: int


def read_cursor(state: object) -> Cursor | None:
    """The cursor inside the player's state mapping, or None if absent or malformed."""
    if not isinstance(state, Mapping):
        return None
    raw = state.get("cursor")
    if not isinstance(raw, Mapping):
        return None
    run, epoch = raw.get("run"), raw.get("epoch")
    if not isinstance(run, str) or isinstance(epoch, bool) or not isinstance(epoch, int | float):
        return None
    if epoch != epoch or epoch in (float("inf"), float("-inf")):
        return None
    return Cursor(run, int(epoch))


def shown_epoch(state: object, view: str, last_epoch: int) -> int:
    """The epoch on screen for the run the browser knows as view (the cursor's "run"): the
    reported one, clipped to 0..last_epoch.

    A report about another run (sent before a restart reached the browser) means epoch 0:
    a new run always starts at 0.
    """
    cursor = read_cursor(state)
    if cursor is None or cursor.run != view:
        return 0
    return min(max(cursor.epoch, 0), last_epoch)
