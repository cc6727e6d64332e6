"""The loss landscape over (w, b): its surface, its minimum and (for MSE) its curvature."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrviz.core import robust
from lrviz.core.batches import centre
from lrviz.core.dataset import MAX_ABS_VALUE, Dataset, make_dataset
from lrviz.core.losses import LOSS_NAMES, check_loss


def _dataset(x: ArrayLike | Dataset, y: ArrayLike | None) -> Dataset:
    return x if isinstance(x, Dataset) else make_dataset(x, y, copy=False)  # not kept


def loss_surface(
    x: ArrayLike | Dataset,
    y: ArrayLike | None,
    ws: ArrayLike,
    bs: ArrayLike,
    loss: str = "mse",
    huber_delta: float = 1.0,
) -> NDArray[np.float64]:
    """Z of shape (len(bs), len(ws)) with Z[j, i] = the mean loss at (ws[i], bs[j]), plotly's
    orientation. loss: "mse" (default), "mae" or "huber" (with huber_delta), see ``losses``.

    MSE costs O(n) for the moments plus O(grid); MAE and Huber one sort of the residuals per
    column, O(len(ws) n log n + grid log n), exact up to rounding (``robust.surface``). The
    data is never broadcast against the grid. Pass a Dataset as x (and y=None) to skip
    re-validating the data.
    """
    check_loss(loss, huber_delta)
    data = _dataset(x, y)
    w = np.asarray(ws, dtype=np.float64)
    b = np.asarray(bs, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if loss != "mse":
            return robust.surface(centre(data), w.ravel(), b.ravel(), loss, float(huber_delta))
        m = data.moments
        return np.asarray(m.loss(w[np.newaxis, :], b[:, np.newaxis]), dtype=np.float64)


class Optimum(NamedTuple):
    """The minimum of the loss. When all x are equal it is not unique: every line through
    (x_0, the best constant) is optimal, (w, b) is then one representative point and message
    says so. MAE's minimum can also be a segment of lines (unique False, message says so)."""

    w: float
    b: float
    loss: float
    unique: bool
    message: str


def optimum(
    x: ArrayLike | Dataset, y: ArrayLike | None = None, loss: str = "mse", huber_delta: float = 1.0
) -> Optimum:
    """The minimum of the mean loss over (w, b).

    MSE: closed-form least squares, w* = cov(x, y)/var(x), b* = mean y - w* mean x. MAE: least
    absolute deviations by pivoting (a linear programme solved exactly: the line through two
    data points, certified optimal; ``robust.lad``). Huber: Newton's method to a gradient
    below 1e-13 of its scale (``robust.huber_fit``).
    """
    check_loss(loss, huber_delta)
    data = _dataset(x, y)
    if loss != "mse":
        return _robust_optimum(data, loss, float(huber_delta))
    m = data.moments
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


def _robust_optimum(data: Dataset, loss: str, delta: float) -> Optimum:
    c = centre(data)
    name = LOSS_NAMES[loss]
    if data.moments.x_std > 0.0:
        with np.errstate(all="ignore"):
            fit = robust.lad(c) if loss == "mae" else robust.huber_fit(c, delta)
        ok = all(math.isfinite(v) and abs(v) <= MAX_ABS_VALUE for v in (fit.w, fit.b))
        if ok and math.isfinite(fit.loss):
            message = ""
            if not fit.unique:
                message = (
                    f"The {name} minimum is not a single line: nearby lines fit equally well; "
                    "this is one of them."
                )
            return Optimum(fit.w, fit.b, fit.loss, fit.unique, message)
    b, value = robust.location(data.y, loss, delta)
    if data.moments.x_std > 0.0:
        message = (
            "The x values are so close together that the best-fitting line is almost vertical: "
            "its slope is beyond the range this tool can draw."
        )
        return Optimum(0.0, b, value, False, message)
    x0 = f"{data.moments.x_mean:.6g}"
    message = (
        f"All x are equal (x = {x0}), so the minimum is a line, not a point: every line through "
        f"({x0}, {b:.6g}), b = {b:.6g} - {x0}·w, fits equally well."
    )
    return Optimum(0.0, b, value, False, message)


class Curvature(NamedTuple):
    """The Hessian of the MSE, 2·[[mean x², mean x], [mean x, 1]] (constant in w and b).

    eigenvalues: (lambda_min, lambda_max). condition_number: lambda_max/lambda_min (inf when
    all x are equal). max_stable_lr: 2/lambda_max, the largest learning rate at which full-batch
    gradient descent on MSE does not diverge. This is MSE's alone: see ``stable_lr`` for the
    other losses.
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


def stable_lr(
    x: ArrayLike | Dataset, y: ArrayLike | None = None, loss: str = "mse"
) -> float | None:
    """A learning rate below which full-batch gradient descent cannot diverge, or None.

    mse: 2/lambda_max of MSE's Hessian, exact (above it GD diverges). huber: 4/lambda_max of
    MSE's Hessian, sufficient only: Huber's gradient changes at most half as fast as MSE's
    (its Hessian is mean(z z^T) over the points inside the band, at most MSE's / 2), and GD on
    a function whose gradient is L-Lipschitz converges for rates below 2/L; with outliers
    outside the band larger rates may converge too. mae: None, there is no such rate: MAE's
    gradient jumps, so fixed-rate descent never settles exactly, it ends up circling the
    minimum at a distance proportional to the rate; it never diverges either.
    """
    check_loss(loss, 1.0)
    if loss == "mae":
        return None
    limit = curvature(x, y).max_stable_lr
    return limit if loss == "mse" else 2.0 * limit


def converged_at(loss: ArrayLike, optimum_loss: float, rtol: float = 1e-12) -> int | None:
    """First epoch whose loss is within a relative rtol of the optimum's loss, or None."""
    arr = np.asarray(loss, dtype=np.float64)
    hits = np.flatnonzero(arr - optimum_loss <= rtol * max(abs(optimum_loss), np.finfo(float).tiny))
    return int(hits[0]) if hits.size else None
