"""Per-point table rows (x, y, ŷ, residual, ∂L/∂ŷ and the contributions), means on the last row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lrviz.core import StepRecord
from lrviz.explain.perpoint import PerPoint
from lrviz.notation.numbers import fmt

COLUMNS = ("point", "x", "y", "ŷ", "y − ŷ", "∂L/∂ŷ", "∂L/∂w contribution", "∂L/∂b contribution")
MEAN_LABEL = "mean"
CLIP_COLUMN = "Huber clip"
"""Extra column for a Huber run: which points' ∂L/∂ŷ is clipped at ±δ."""


@dataclass(frozen=True)
class Page:
    """Which rows a table shows: `rows` (point numbers, shape (k,)) out of n, and how chosen."""

    rows: NDArray[np.intp]
    n: int
    caption: str


def pages(n: int, size: int) -> int:
    """Number of pages of `size` rows for n points (at least 1)."""
    return max(1, -(-n // max(1, size)))


def page_rows(n: int, page: int, size: int) -> Page:
    """Points page*size … page*size+size-1 (page counted from 0, clamped to the last page)."""
    page = min(max(0, page), pages(n, size) - 1)
    start = page * size
    rows = np.arange(start, min(n, start + size), dtype=np.intp)
    caption = f"Points {start} to {rows[-1]} of {n} (page {page + 1} of {pages(n, size)})."
    return Page(rows, n, caption)


def top_rows(pts: PerPoint, count: int) -> Page:
    """The `count` points with the largest pull, |∂L_i/∂w| and |∂L_i/∂b| each scaled to its max.

    O(n) with argpartition, so 10,000 or a million points stay fast. Sorted, largest first.
    """
    strength = pull_strength(pts)
    count = min(count, pts.n)
    top = np.argpartition(-strength, count - 1)[:count] if count < pts.n else np.arange(pts.n)
    top = top[np.argsort(-strength[top], kind="stable")]
    return Page(top.astype(np.intp), pts.n, f"The {count} points of {pts.n} that pull hardest.")


def pull_strength(pts: PerPoint) -> NDArray[np.float64]:
    """Per point: the larger of |∂L_i/∂w| / max|∂L_i/∂w| and the same for b, in [0, 1]."""
    with np.errstate(all="ignore"):
        parts = []
        for g in (pts.dL_dw_i, pts.dL_db_i):
            a = np.nan_to_num(np.abs(g), nan=0.0, posinf=np.finfo(np.float64).max)
            top = float(np.max(a))
            parts.append(a / top if top > 0 else np.zeros_like(a))
        return np.maximum(parts[0], parts[1])


def table_columns(rec: StepRecord, page: Page, pts: PerPoint | None = None) -> dict[str, list[str]]:
    """Plain-text columns for the page's rows, then a last row of means over all n points.

    The means row holds the record's dL/dw and dL/db (the batch means the update uses) and the
    plain means of the other columns over all n points. A Huber run gets one more column,
    CLIP_COLUMN, saying which rows are clipped at ±δ (with the count on the means row).
    """
    pts = PerPoint.of(rec) if pts is None else pts
    arrays = (pts.x, pts.y, pts.y_hat, pts.residual, pts.dL_dyhat, pts.dL_dw_i, pts.dL_db_i)
    cols: dict[str, list[str]] = {name: [] for name in COLUMNS}
    cols["point"] = [str(int(i)) for i in page.rows]
    for name, values in zip(COLUMNS[1:], arrays, strict=True):
        cols[name] = [fmt(v) for v in values[page.rows]]
    with np.errstate(all="ignore"):
        plain = [fmt(float(np.mean(a))) for a in arrays[:5]]
    means = (f"{MEAN_LABEL} of {pts.n}", *plain, fmt(rec.dL_dw), fmt(rec.dL_db))
    for name, value in zip(COLUMNS, means, strict=True):
        cols[name].append(value)
    if pts.node.loss == "huber":
        clipped = pts.clipped
        note = pts.node.clip_note
        cols[CLIP_COLUMN] = [note if clipped[i] else "" for i in page.rows]
        cols[CLIP_COLUMN].append(f"{int(np.count_nonzero(clipped))} of {pts.n} {note}")
    return cols
