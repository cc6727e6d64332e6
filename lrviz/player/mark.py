"""The data point the chain-rule view follows: its ring in the fit panel and its numbers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from lrviz.core import Dataset


class Mark(NamedTuple):
    """Point i of the trained data at (x, y), in the units the run was trained in (z if scaled)."""

    i: int
    x: float
    y: float


def mark_of(data: Dataset, point: int | None) -> Mark | None:
    """Point `point` of data, or None when there is no point or it is not an index of data."""
    if point is None or isinstance(point, bool) or not 0 <= point < data.n:
        return None
    return Mark(int(point), float(data.x[point]), float(data.y[point]))


def mark_data(view: str, mark: Mark | None) -> dict[str, Any]:
    """What the player is told: {run: view, point: {i, x, y} | None}; run guards a stale mark."""
    return {"run": view, "point": None if mark is None else mark._asdict()}


def encode_mark(view: str, mark: Mark | None, chain: dict[str, Any] | None = None) -> bytes:
    """mark_data as UTF-8 JSON bytes, with the followed point's per-epoch numbers under "chain"
    (lrviz.explain.live.point_data). Bytes, so an unchanged choice is sent once per session
    and afterwards only referred to."""
    body = {**mark_data(view, mark), "chain": chain}
    text = json.dumps(body, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def picked_point(state: Mapping[str, Any] | None) -> int | None:
    """The index a click on a data point in the fit panel reported, or None (bad input too)."""
    value = state.get("point") if hasattr(state, "get") else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
