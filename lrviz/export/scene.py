"""What the exported page draws that does not change with the epoch: points, ranges, contours."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lrviz.core import (
    LOSS_NAMES,
    Curvature,
    Dataset,
    History,
    Optimum,
    curvature,
    loss_surface,
    optimum,
)

Array = NDArray[np.float64]

# A scatter of more points than this turns into a blob on a projector and slows every frame;
# the page draws an evenly spaced selection and says so.
MAX_POINTS_SHOWN = 2_000
# Residual segments beyond this many hide the data; they are drawn for an evenly spaced subset.
MAX_SEGMENTS = 100
# Contour grid per axis: a quadratic bowl needs no more, and the page stays small.
GRID = 81
# Contour levels are log-spaced in the loss above the minimum, over at least MIN_DECADES and at
# most MAX_DECADES below the highest loss on the grid: enough rings to follow the path into the
# valley without a thicket of lines around the minimum.
MIN_DECADES = 3.0
MAX_DECADES = 8.0
LEVELS = 16
# No level closer to the minimum than the loss this many grid cells away from it (see _contour).
RESOLVED_CELLS = 2
# A fit line that leaves the data's box by more than this many data spans (a diverging run)
# would squash the data into a sliver; the axes then keep to the data and the line is clipped.
MAX_FIT_SPAN_RATIO = 4.0
# Neither contour axis is drawn narrower than this fraction of the other, so a path that moves
# mostly along one parameter still shows the bowl around it. Widths are compared by the change
# they make to y_hat (a change dw moves y_hat by about dw times the RMS of x), since w and b
# have different units.
MIN_ASPECT = 1.0 / 8.0


@dataclass(frozen=True)
class ContourGrid:
    """ws shape (GRID,), bs shape (GRID,); z shape (GRID, GRID), z[j, i] = log10 of the loss
    above the minimum at (ws[i], bs[j]), floored just below the lowest level; levels =
    (start, end, size) in the same log10 units."""

    ws: Array
    bs: Array
    z: Array
    levels: tuple[float, float, float]


@dataclass(frozen=True)
class Scene:
    """The static part of the page.

    shown: indices of the points drawn (shape (m,)); segments: indices into the drawn points
    that get a residual segment. x_range, y_range: data panel axes. w_range, b_range: contour
    panel axes. minimum_point: the least-squares (w, b), None if it is not a single drawable
    point. minimum_line: when all x are equal every point of a line is a minimum; its two ends
    (w, b) across w_range, else None. loss_floor: losses below it (an exact 0) are drawn
    at it on the log axis. loss_range: log10 axis range of the loss panel. loss, huber_delta:
    the loss the run minimised ("mse", "mae" or "huber"); the contours and the minimum are its.
    """

    shown: NDArray[np.intp]
    segments: NDArray[np.intp]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    w_range: tuple[float, float]
    b_range: tuple[float, float]
    contour: ContourGrid
    minimum_point: tuple[float, float] | None
    minimum_line: tuple[tuple[float, float], tuple[float, float]] | None
    loss_floor: float
    loss_range: tuple[float, float]
    optimum: Optimum
    curvature: Curvature
    loss: str = "mse"
    huber_delta: float = 1.0

    @property
    def loss_name(self) -> str:
        """The loss as the page names it: "MSE", "MAE" or "Huber, δ = 1"."""
        name = LOSS_NAMES.get(self.loss, self.loss)
        return f"{name}, δ = {self.huber_delta:.4g}" if self.loss == "huber" else name


def _evenly(count: int, limit: int) -> NDArray[np.intp]:
    """At most limit indices in [0, count), evenly spaced, first and last included."""
    if count <= limit:
        return np.arange(count, dtype=np.intp)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(np.intp))


def _span(lo: float, hi: float, pad: float = 0.08) -> tuple[float, float]:
    """[lo, hi] widened by pad on each side; a single value gets a unit-scale window."""
    if not hi > lo:
        half = max(1.0, abs(lo) * 0.1)
        return lo - half, hi + half
    extra = (hi - lo) * pad
    return lo - extra, hi + extra


def _widen(r: tuple[float, float], width: float) -> tuple[float, float]:
    mid = 0.5 * (r[0] + r[1])
    return mid - 0.5 * width, mid + 0.5 * width


def _data_ranges(
    data: Dataset, history: History
) -> tuple[tuple[float, float], tuple[float, float]]:
    xs, ys = data.x, data.y
    x_range = _span(float(xs.min()), float(xs.max()))
    y_lo, y_hi = float(ys.min()), float(ys.max())
    ends = np.array(x_range)
    fits = np.concatenate([history.w[k] * ends + history.b[k] for k in (0, -1)])
    with_fits = (min(y_lo, float(fits.min())), max(y_hi, float(fits.max())))
    data_span = max(y_hi - y_lo, 1e-12 * max(1.0, abs(y_lo)))
    if with_fits[1] - with_fits[0] <= MAX_FIT_SPAN_RATIO * data_span:
        y_lo, y_hi = with_fits
    return x_range, _span(y_lo, y_hi)


def _all_x_equal(data: Dataset) -> bool:
    return data.moments.x_std == 0.0


def _parameter_ranges(
    data: Dataset, history: History, opt: Optimum
) -> tuple[tuple[float, float], tuple[float, float]]:
    ws, bs = history.w, history.b
    if opt.unique or _all_x_equal(data):  # else the minimum is too far away to draw
        ws, bs = np.append(ws, opt.w), np.append(bs, opt.b)
    w_range = _span(float(ws.min()), float(ws.max()), 0.15)
    b_range = _span(float(bs.min()), float(bs.max()), 0.15)
    m = data.moments
    x_rms = math.sqrt(m.sxx + m.x_mean * m.x_mean)
    if not (x_rms > 0.0 and math.isfinite(x_rms)):  # all x are 0: w changes nothing
        return w_range, b_range
    w_effect = (w_range[1] - w_range[0]) * x_rms
    b_effect = b_range[1] - b_range[0]
    if b_effect < MIN_ASPECT * w_effect:
        b_range = _widen(b_range, MIN_ASPECT * w_effect)
    elif w_effect < MIN_ASPECT * b_effect:
        w_range = _widen(w_range, MIN_ASPECT * b_effect / x_rms)
    return w_range, b_range


def _contour(
    data: Dataset,
    history: History,
    opt: Optimum,
    w_range: tuple[float, float],
    b_range: tuple[float, float],
    loss: str = "mse",
    delta: float = 1.0,
) -> ContourGrid:
    ws = np.linspace(*w_range, GRID)
    bs = np.linspace(*b_range, GRID)
    excess = loss_surface(data, None, ws, bs, loss, delta) - opt.loss
    # Far outside the data's scale the grid can overflow; such cells only need to be "high".
    excess = np.where(np.isfinite(excess), np.maximum(excess, 0.0), np.finfo(np.float64).max)
    top = float(excess.max())
    if not top > 0.0:  # a flat grid: any positive scale draws it as one colour
        top = 1.0
    path_excess = history.loss - opt.loss
    positive = path_excess[path_excess > 0.0]
    lowest = float(positive.min()) if positive.size else top * 10.0**-MAX_DECADES
    # Rings thinner than a couple of grid cells across the steep direction of the valley come
    # out as dotted noise, so no level goes below the loss two cells away from the minimum.
    steps = loss_surface(
        data,
        None,
        [opt.w + RESOLVED_CELLS * (ws[1] - ws[0]), opt.w],
        [opt.b, opt.b + RESOLVED_CELLS * (bs[1] - bs[0])],
        loss,
        delta,
    )
    resolved = float(max(steps[0, 0], steps[1, 1])) - opt.loss
    if math.isfinite(resolved) and resolved > 0.0:
        lowest = max(lowest, resolved)
    decades = min(max(math.log10(top) - math.log10(lowest), MIN_DECADES), MAX_DECADES)
    end = math.log10(top)
    start = end - decades
    z = np.log10(np.maximum(excess, 10.0 ** (start - 0.5)))
    return ContourGrid(ws, bs, np.round(z, 3), (start, end, decades / LEVELS))


def _minimum_line(
    data: Dataset, w_range: tuple[float, float], opt: Optimum, loss: str = "mse"
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if not _all_x_equal(data):
        return None
    m = data.moments
    (w0, w1) = w_range
    # Every line through (x, y*) is a minimum: y* is the mean for MSE, the loss's own
    # location (a median for MAE) otherwise, which the optimum holds at w = 0.
    level = m.y_mean if loss == "mse" else opt.b + opt.w * m.x_mean
    return (w0, level - m.x_mean * w0), (w1, level - m.x_mean * w1)


def _loss_axis(loss: Array) -> tuple[float, tuple[float, float]]:
    positive = loss[loss > 0.0]
    if positive.size == 0:  # every epoch sits exactly on a perfect fit: a line on the axis
        return 1e-12, (-12.0, 0.0)
    hi = float(positive.max())
    lo = max(float(positive.min()), hi * 1e-16)
    lo_log, hi_log = math.log10(lo), math.log10(hi)
    margin = max(0.05 * (hi_log - lo_log), 0.2)
    bottom = lo_log - margin
    # An exact zero has no place on a log axis; it is drawn on the bottom edge, below every
    # positive loss, rather than at some made-up small value.
    floor = 10.0**bottom if positive.size < loss.size else lo
    return floor, (bottom, hi_log + margin)


def build_scene(
    data: Dataset,
    history: History,
    max_points: int = MAX_POINTS_SHOWN,
    loss: str = "mse",
    huber_delta: float = 1.0,
) -> Scene:
    """The static scene for a run with at least one epoch recorded, trained on loss (with
    huber_delta for Huber). Costs O(n + epochs) for MSE, O(grid n log n) for MAE and Huber."""
    shown = _evenly(data.n, max_points)
    segments = _evenly(len(shown), MAX_SEGMENTS)
    opt = optimum(data, loss=loss, huber_delta=huber_delta)
    x_range, y_range = _data_ranges(data, history)
    w_range, b_range = _parameter_ranges(data, history, opt)
    floor, loss_range = _loss_axis(history.loss)
    return Scene(
        shown=shown,
        segments=segments,
        x_range=x_range,
        y_range=y_range,
        w_range=w_range,
        b_range=b_range,
        contour=_contour(data, history, opt, w_range, b_range, loss, huber_delta),
        minimum_point=(opt.w, opt.b) if opt.unique else None,
        minimum_line=_minimum_line(data, w_range, opt, loss),
        loss_floor=floor,
        loss_range=loss_range,
        optimum=opt,
        curvature=curvature(data),
        loss=loss,
        huber_delta=huber_delta,
    )
