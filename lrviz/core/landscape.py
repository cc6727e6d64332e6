"""The loss landscape of MSE over (w, b): its surface, its minimum and its curvature."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrviz.core.dataset import MAX_ABS_VALUE, Dataset, make_dataset


def _dataset(x: ArrayLike | Dataset, y: ArrayLike | None) -> Dataset:
    return x if isinstance(x, Dataset) else make_dataset(x, y, copy=False)  # not kept


def loss_surface(
    x: ArrayLike | Dataset, y: ArrayLike | None, ws: ArrayLike, bs: ArrayLike
) -> NDArray[np.float64]:
    """Z of shape (len(bs), len(ws)) with Z[j, i] = MSE at (ws[i], bs[j]), plotly's orientation.

    Costs O(n) for the moments plus O(grid): the data is never broadcast against the grid.
    Pass a Dataset as x (and y=None) to skip re-validating the data.
    """
    m = _dataset(x, y).moments
    w = np.asarray(ws, dtype=np.float64)[np.newaxis, :]
    b = np.asarray(bs, dtype=np.float64)[:, np.newaxis]
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(m.loss(w, b), dtype=np.float64)


class Optimum(NamedTuple):
    """The least-squares minimum. When all x are equal it is not unique: every line through
    (x_0, mean y) is optimal, (w, b) is then one representative point and message says so."""

    w: float
    b: float
    loss: float
    unique: bool
    message: str


def optimum(x: ArrayLike | Dataset, y: ArrayLike | None = None) -> Optimum:
    """Closed-form least squares: w* = cov(x, y)/var(x), b* = mean y - w* mean x."""
    m = _dataset(x, y).moments
    if m.x_std > 0.0:
        w = m.w_star
        b = m.y_mean - w * m.x_mean
        if math.isfinite(b) and abs(w) <= MAX_ABS_VALUE and abs(b) <= MAX_ABS_VALUE:
            return Optimum(w, b, m.s_res, True, "")
        message = (
            "The x values are so close together that the best-fitting line is almost vertical: "
            "its slope is beyond the range this tool can draw."
        )
        return Optimum(0.0, m.y_mean, m.syy, False, message)
    x0 = f"{m.x_mean:.6g}"
    message = (
        f"All x are equal (x = {x0}), so the minimum is a line, not a point: every line through "
        f"({x0}, {m.y_mean:.6g}), b = {m.y_mean:.6g} - {x0}·w, fits equally well."
    )
    return Optimum(0.0, m.y_mean, m.syy, False, message)


class Curvature(NamedTuple):
    """The Hessian of the MSE, 2·[[mean x², mean x], [mean x, 1]] (constant in w and b).

    eigenvalues: (lambda_min, lambda_max). condition_number: lambda_max/lambda_min (inf when
    all x are equal). max_stable_lr: 2/lambda_max, the largest learning rate at which full-batch
    gradient descent does not diverge.
    """

    hessian: NDArray[np.float64]
    eigenvalues: tuple[float, float]
    condition_number: float
    max_stable_lr: float


def curvature(x: ArrayLike | Dataset, y: ArrayLike | None = None) -> Curvature:
    """Curvature of the loss bowl, with eigenvalues in closed form for a symmetric 2x2."""
    m = _dataset(x, y).moments
    a = 2.0 * (m.sxx + m.x_mean * m.x_mean)  # 2 mean x²
    c = 2.0
    off = 2.0 * m.x_mean
    half_trace = 0.5 * (a + c)
    radius = math.hypot(0.5 * (a - c), off)
    hi = half_trace + radius
    # det = 4 var(x); dividing avoids the cancellation in half_trace - radius.
    lo = (4.0 * m.sxx) / hi
    hessian = np.array([[a, off], [off, c]])
    hessian.setflags(write=False)
    cond = hi / lo if lo > 0.0 else math.inf
    return Curvature(hessian, (lo, hi), cond, 2.0 / hi)


def converged_at(loss: ArrayLike, optimum_loss: float, rtol: float = 1e-12) -> int | None:
    """First epoch whose loss is within a relative rtol of the optimum's loss, or None."""
    arr = np.asarray(loss, dtype=np.float64)
    hits = np.flatnonzero(arr - optimum_loss <= rtol * max(abs(optimum_loss), np.finfo(float).tiny))
    return int(hits[0]) if hits.size else None
