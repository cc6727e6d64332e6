"""Points: the validated (x, y) pairs every data source returns, ready for make_dataset."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrviz.data.errors import DataError
from lrviz.data.limits import MAX_ABS_VALUE
from lrviz.data.wording import limit_phrase, number

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Points:
    """Paired data: read-only float64 arrays x, y of shape (n,), n >= 1, finite, |v| <= 1e150.

    x_name, y_name: column labels (plain text, possibly from a file: show them as text).
    dropped: rows left out because a value was missing. message: one plain-text summary of
    where the points came from and what was dropped, for the app to show.
    """

    x: FloatArray
    y: FloatArray
    x_name: str = "x"
    y_name: str = "y"
    dropped: int = 0
    message: str = ""

    @property
    def n(self) -> int:
        return len(self.x)


def _vector(label: str, values: ArrayLike) -> FloatArray:
    try:
        arr = np.array(values, dtype=np.float64)  # a copy, so callers keep their arrays
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"{label} must be a list of numbers.") from None
    if arr.ndim != 1:
        raise DataError(f"{label} must be a flat list of numbers.")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise DataError(f"{label} value {i + 1} is {arr[i]}; every value must be a finite number.")
    big = np.flatnonzero(np.abs(arr) > MAX_ABS_VALUE)
    if big.size:
        i = int(big[0])
        raise DataError(f"{label} value {i + 1} is {number(arr[i])}, too large: {limit_phrase()}.")
    arr.setflags(write=False)
    return arr


def make_points(
    x: ArrayLike,
    y: ArrayLike,
    *,
    x_name: str = "x",
    y_name: str = "y",
    dropped: int = 0,
    message: str = "",
) -> Points:
    """Check and copy x, y (same length >= 1, finite, within ±MAX_ABS_VALUE) into Points.

    Raises DataError naming the first bad value (1-based).
    """
    xs = _vector("x", x)
    ys = _vector("y", y)
    if xs.size == 0:
        raise DataError("There are no points: x and y need at least one value each.")
    if xs.size != ys.size:
        raise DataError(f"x has {xs.size} values but y has {ys.size}; they must pair up.")
    return Points(xs, ys, x_name, y_name, dropped, message)
