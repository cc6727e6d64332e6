"""Validated training data and the centred moments that make full-batch MSE cost O(1) per epoch."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Squares of numbers beyond this overflow float64 once they are multiplied by a weight or summed;
# data past it is refused rather than silently turned into inf.
MAX_ABS_VALUE = 1e150


@dataclass(frozen=True)
class Moments:
    """Sufficient statistics of a batch for MSE on y_hat = w*x + b.

    All second moments are centred means (not sums), so precision holds for data far from 0:
    sxx = mean((x - x_mean)^2), sxy = mean((x - x_mean)(y - y_mean)), syy = mean((y - y_mean)^2).
    x_std = sqrt(sxx) and y_proj = sxy / x_std carry the same information in a form that neither
    overflows nor underflows, and s_res = mean((y - y_mean - w_star (x - x_mean))^2) is the loss
    left at the optimum.
    """

    n: int
    x_mean: float
    y_mean: float
    sxx: float
    sxy: float
    syy: float
    x_std: float
    y_proj: float
    s_res: float

    @staticmethod
    def of(
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        summaries: tuple[Summary, Summary] | None = None,
    ) -> Moments:
        """Moments of paired arrays x, y of shape (n,), n >= 1. Costs O(n), in two passes.

        summaries: (summarize(x), summarize(y)) when the caller has them already.
        """
        n = len(x)
        sum_x, sum_y = summaries or (summarize(x), summarize(y))
        x_mean, sx = sum_x.centre_and_scale()
        y_mean, sy = sum_y.centre_and_scale()
        # Centred values are divided by their largest magnitude before squaring, so a spread of
        # 1e-162 does not underflow to 0 and one of 1e150 does not overflow.
        uu = uv = vv = 0.0
        for u, v in _scaled_chunks(x, y, (x_mean, sx), (y_mean, sy)):
            uu += float(np.vdot(u, u))
            uv += float(np.vdot(u, v))
            vv += float(np.vdot(v, v))
        uu, uv, vv = uu / n, uv / n, vv / n
        x_std = sx * math.sqrt(uu)
        syy = sy * sy * vv
        y_proj, s_res = 0.0, syy
        if uu > 0.0:
            y_proj = sy * uv / math.sqrt(uu)
            res = vv - uv * uv / uu
            if res < 1e-4 * vv:
                # Near a perfect fit that difference cancels, so sum the residuals directly
                # (a perfect fit then leaves exactly 0). Elsewhere it is good to ~1e-12.
                slope = uv / uu
                res = 0.0
                for u, v in _scaled_chunks(x, y, (x_mean, sx), (y_mean, sy)):
                    r = v - slope * u
                    res += float(np.vdot(r, r))
                res /= n
            s_res = sy * sy * res
        return Moments(n, x_mean, y_mean, x_std * x_std, sx * sy * uv, syy, x_std, y_proj, s_res)

    @property
    def w_star(self) -> float:
        """Least-squares slope sxy/sxx; 0.0 when all x are equal (then any slope is optimal).

        May be inf when the x values are so close together that the slope overflows.
        """
        if self.x_std == 0.0:
            return 0.0
        with np.errstate(over="ignore"):
            return float(np.float64(self.y_proj) / self.x_std)

    def loss(self, w: float | NDArray, b: float | NDArray) -> float | NDArray:
        """MSE at (w, b) in O(1); broadcasts over arrays of w and b.

        mean((y - w x - b)^2) = e^2 + (x_std w - y_proj)^2 + s_res, with e = y_mean - w x_mean - b.
        Written around the optimum so the loss near it is not a difference of large numbers.
        """
        e = self.y_mean - w * self.x_mean - b
        d = self.x_std * w - self.y_proj
        return e * e + d * d + self.s_res

    def grad(self, w: float, b: float) -> tuple[float, float]:
        """Mean gradient (dL/dw, dL/db) at (w, b) in O(1).

        Means of the chain-rule products dL/dy_hat * dy_hat/dw = -2 (y - y_hat) x and
        dL/dy_hat * dy_hat/db = -2 (y - y_hat), folded into the moments.
        """
        e = self.y_mean - w * self.x_mean - b
        dl_dw = -2.0 * (self.x_mean * e - self.x_std * (self.x_std * w - self.y_proj))
        dl_db = -2.0 * e
        return dl_dw, dl_db


class Summary(NamedTuple):
    """Smallest value, largest value and mean of an array; nan or inf make the mean non-finite."""

    lo: float
    hi: float
    mean: float

    def centre_and_scale(self) -> tuple[float, float]:
        """The mean and the largest |v - mean| (0 exactly when all values are equal)."""
        if self.lo == self.hi:
            return self.hi, 0.0  # a mean of equal values can be off by an ulp; the value is not
        return self.mean, max(self.hi - self.mean, self.mean - self.lo)


def summarize(v: NDArray[np.float64]) -> Summary:
    """One pass over v of shape (n,), n >= 1, a cache-sized chunk at a time."""
    lo, hi, total = math.inf, -math.inf, 0.0
    for i in range(0, len(v), _CHUNK):
        chunk = v[i : i + _CHUNK]
        lo = min(lo, float(chunk.min()))
        hi = max(hi, float(chunk.max()))
        total += float(chunk.sum())  # nan and inf propagate here, whatever min and max say
    return Summary(lo, hi, total / len(v))


# Centring a million points at once allocates fresh 8 MB temporaries, and their page faults cost
# more than the arithmetic; chunks this size stay in cache and reuse the same memory. (np.vdot,
# not np.dot: on slices this size OpenBLAS's threaded dot costs 50x more in start-up than work.)
_CHUNK = 1 << 14


def _scaled_chunks(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    x_centre_scale: tuple[float, float],
    y_centre_scale: tuple[float, float],
) -> Iterator[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """(x - x_mean) / sx and (y - y_mean) / sy, a cache-sized chunk at a time; a scale of 0
    (all values equal) yields zeros."""
    (mx, sx), (my, sy) = x_centre_scale, y_centre_scale
    for i in range(0, len(x), _CHUNK):
        u = x[i : i + _CHUNK] - mx
        v = y[i : i + _CHUNK] - my
        # Divide, not multiply by 1/s: the reciprocal of a subnormal spread overflows to inf.
        if sx:
            u /= sx
        else:
            u[:] = 0.0
        if sy:
            v /= sy
        else:
            v[:] = 0.0
        yield u, v


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training pairs as read-only float64 arrays x, y of shape (n,), with their moments."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    moments: Moments

    @property
    def n(self) -> int:
        return self.moments.n


def _as_vector(
    name: str, values: ArrayLike, copy: bool
) -> tuple[NDArray[np.float64], Summary | None]:
    """A read-only float64 copy (or view) of values and its summary (None when empty)."""
    try:
        arr = np.array(values, dtype=np.float64, copy=True if copy else None)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of numbers.") from None
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a flat list of numbers, not an array of shape {arr.shape}."
        )
    if arr.size == 0:
        return arr, None
    # The summary's one pass checks everything; only a failure pays for the passes that find
    # the first offending index.
    summary = summarize(arr)
    if not (
        math.isfinite(summary.mean) and summary.lo >= -MAX_ABS_VALUE and summary.hi <= MAX_ABS_VALUE
    ):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"{name}[{i}] is {arr[i]}; every value must be a finite number.")
        i = int(np.flatnonzero(np.abs(arr) > MAX_ABS_VALUE)[0])
        raise ValueError(
            f"{name}[{i}] = {arr[i]:.3g} is too large: its square would overflow. "
            f"Keep every value within ±{MAX_ABS_VALUE:.0e}."
        )
    if not copy:
        arr = arr.view()  # a read-only view leaves the caller's own array writeable
    arr.setflags(write=False)
    return arr, summary


def make_dataset(x: ArrayLike, y: ArrayLike, *, copy: bool = True) -> Dataset:
    """Check and copy the pairs (x_i, y_i), then compute their moments once.

    copy=False views float64 arrays instead of copying them, for callers that use the Dataset
    only while they run and keep no reference to it (``train``, the landscape functions): the
    copy's fresh memory costs more than everything else ``train`` does on a million points.

    Raises ValueError with a message a student can act on: empty data, mismatched lengths,
    non-numbers, nan/inf (naming the first bad index) and values whose squares overflow.
    """
    xs, sum_x = _as_vector("x", x, copy)
    ys, sum_y = _as_vector("y", y, copy)
    if sum_x is None or sum_y is None:
        raise ValueError("There is no data: x and y need at least one point.")
    if xs.size != ys.size:
        raise ValueError(
            f"x has {xs.size} values but y has {ys.size}; they must pair up one to one."
        )
    return Dataset(xs, ys, Moments.of(xs, ys, (sum_x, sum_y)))
