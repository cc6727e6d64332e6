"""What the panels of one run show, decided once per run: framing, contour levels, arrow scale.

Deciding the axes from the whole run (not from the epoch on screen) is what keeps the charts
still during Play: nothing rescales or jumps as the epochs go by.
"""

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
from lrviz.notation.numbers import fmt

Array = NDArray[np.float64]
Range = tuple[float, float]

# Path points farther from the optimum than this many times the start's distance are left out of
# the framing: only a diverging run goes there, and framing it would shrink the bowl to a dot.
VIEW_RADIUS = 4.0
# The view reaches past the optimum by this fraction of the start's offset from it.
BEYOND = 0.35
# Margin around the framed points, as a fraction of the span on each side.
PAD = 0.12
# Neither axis of the contour is let shrink below this fraction of the other, measured in units
# where the bowl is round (see _bowl_units); a thin sliver hides the shape of the valley.
MIN_ASPECT = 0.5
# Lines of the data panel that leave the data's box by more than this many data spans (a far
# start such as w0 = 1e6, or a diverging run) are not framed: they would squash the data.
MAX_FIT_SPAN_RATIO = 4.0
# The arrow -grad x scale spans about this fraction of the contour view at epoch 0.
ARROW_FRACTION = 0.22
# Samples per axis of the loss surface for contour lines; a quadratic bowl needs no more.
GRID = 97
# Contour levels: log-spaced in the loss above the minimum, over LEVEL_DECADES below the highest
# loss in view, so rings keep coming as the path goes down into the valley.
LEVELS = 14
LEVEL_DECADES = 5.0
# Closer to the minimum than this relative amount, loss - loss* is rounding noise.
LEVEL_RTOL = 1e-9
# Many points turn into a blob and slow every frame; an evenly spaced selection is drawn.
MAX_POINTS_SHOWN = 2_000
MAX_SEGMENTS = 300
# Smallest loss drawn on a log axis when the loss reaches exactly 0.
ZERO_LOSS_FLOOR = 1e-12
TINY = 1e-300


@dataclass(frozen=True, eq=False)
class Scene:
    """One run ready to draw. Ranges are (low, high) in data units; indices index data.x.

    shown / residual_idx: points drawn / points given a residual segment (all, up to a cap).
    arrow_scale: the contour's arrow is -grad * arrow_scale, in (w, b) units per gradient unit.
    loss_floor: losses below it (0 included) are drawn at it on the log axis.
    level_excess: contour levels as loss - optimum.loss, increasing, all > 0.
    x_scaling: (mean, std) when data.x is standardized z = (x - mean)/std, else None.
    loss, huber_delta: the loss the run minimised ("mse", "mae" or "huber", see lrviz.core);
    the surface, the optimum and the contour levels are that loss's.
    """

    data: Dataset
    history: History
    optimum: Optimum
    curvature: Curvature
    shown: NDArray[np.intp]
    residual_idx: NDArray[np.intp]
    fit_x: Range
    fit_y: Range
    w_range: Range
    b_range: Range
    path_leaves_view: bool
    arrow_scale: float
    loss_floor: float
    loss_top: float
    level_excess: tuple[float, ...]
    x_scaling: tuple[float, float] | None = None
    loss: str = "mse"
    huber_delta: float = 1.0

    @property
    def loss_label(self) -> str:
        """The loss as panel titles name it: "MSE", "MAE" or "Huber, δ = 1"."""
        return loss_label(self.loss, self.huber_delta)

    @property
    def last_epoch(self) -> int:
        """The last epoch with finite values (the history's last index)."""
        return self.history.epochs_run

    def clamp(self, epoch: int) -> int:
        """epoch clipped into 0..last_epoch."""
        return min(max(int(epoch), 0), self.last_epoch)


def loss_label(loss: str, huber_delta: float = 1.0) -> str:
    """A loss as the screen names it: "MSE", "MAE" or "Huber, δ = 1" (δ only for Huber)."""
    name = LOSS_NAMES.get(loss, loss)
    return f"{name}, δ = {fmt(huber_delta)}" if loss == "huber" else name


def make_scene(
    data: Dataset,
    history: History,
    x_scaling: tuple[float, float] | None = None,
    loss: str = "mse",
    huber_delta: float = 1.0,
) -> Scene:
    """Frame the run in history (trained on data) for the three panels and the bowl.

    x_scaling: (mean, std) if data.x is standardized, so the fit panel shows original units.
    loss, huber_delta: the loss the run minimised; its surface and optimum are drawn.
    """
    opt = optimum(data, loss=loss, huber_delta=huber_delta)
    curv = curvature(data)
    w_range, b_range, leaves = _contour_view(history, opt, curv)
    loss_floor, loss_top = _loss_span(history.loss, opt.loss)
    return Scene(
        data=data,
        history=history,
        optimum=opt,
        curvature=curv,
        shown=_evenly(data.n, MAX_POINTS_SHOWN),
        residual_idx=_evenly(data.n, MAX_SEGMENTS),
        fit_x=_fit_x(data.x),
        fit_y=_fit_y(data, history, opt),
        w_range=w_range,
        b_range=b_range,
        path_leaves_view=leaves,
        arrow_scale=_arrow_scale(history, w_range, b_range),
        loss_floor=loss_floor,
        loss_top=loss_top,
        level_excess=_levels(data, opt, w_range, b_range, loss, huber_delta),
        x_scaling=x_scaling,
        loss=loss,
        huber_delta=huber_delta,
    )


def surface_grid(scene: Scene, samples: int = GRID) -> tuple[Array, Array, Array]:
    """(ws, bs, excess) over the contour view: excess[j, i] = loss(ws[i], bs[j]) - loss*, >= 0.

    Values that overflow float64 (a far corner of a huge view) come back as nan, never inf.
    """
    ws = np.linspace(*scene.w_range, samples)
    bs = np.linspace(*scene.b_range, samples)
    z = loss_surface(scene.data, None, ws, bs, scene.loss, scene.huber_delta) - scene.optimum.loss
    z = np.where(np.isfinite(z), np.maximum(z, 0.0), np.nan)
    return ws, bs, z


def rounded(values: Array, span: float, rel: float = 1e-5) -> list[float]:
    """values rounded to rel * span (a drawing needs no finer), as a short-to-print list."""
    step = span * rel
    decimals = -math.floor(math.log10(step)) if step > 0 and math.isfinite(step) else 12
    return np.round(np.asarray(values, dtype=np.float64), decimals).tolist()


def nice_floor(value: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is <= value (> 0): 0.0037 -> 0.002."""
    exponent = math.floor(math.log10(value))
    base = 10.0**exponent
    for mult in (5.0, 2.0, 1.0):
        if mult * base <= value * (1 + 1e-12):
            return mult * base
    return base


def _evenly(n: int, cap: int) -> NDArray[np.intp]:
    if n <= cap:
        return np.arange(n, dtype=np.intp)
    return np.unique(np.linspace(0, n - 1, cap).round().astype(np.intp))


def _padded(lo: float, hi: float, pad: float = PAD) -> Range:
    span = hi - lo
    # A zero span (one x value) still needs an axis: one unit, or 10% of the value's size.
    if not span > 0:
        span = max(1.0, abs(lo) * 0.2)
        mid = 0.5 * (lo + hi)
        return (mid - span / 2, mid + span / 2)
    return (lo - pad * span, hi + pad * span)


def _fit_x(x: Array) -> Range:
    return _padded(float(x.min()), float(x.max()), 0.08)


def _fit_y(data: Dataset, history: History, opt: Optimum) -> Range:
    x_lo, x_hi = float(data.x.min()), float(data.x.max())
    y_lo, y_hi = float(data.y.min()), float(data.y.max())
    span = max(y_hi - y_lo, x_hi - x_lo, 1e-12 * max(abs(y_lo), abs(y_hi), 1.0))
    values = [y_lo, y_hi]
    if opt.unique:
        values += [opt.w * x_lo + opt.b, opt.w * x_hi + opt.b]
    with np.errstate(all="ignore"):
        ends = np.concatenate([history.w * x_lo + history.b, history.w * x_hi + history.b])
    centre = 0.5 * (y_lo + y_hi)
    near = ends[np.isfinite(ends) & (np.abs(ends - centre) <= MAX_FIT_SPAN_RATIO * span)]
    if near.size:
        values += [float(near.min()), float(near.max())]
    return _padded(min(values), max(values), 0.1)


def _bowl_units(curv: Curvature) -> tuple[float, float]:
    """Scales (sw, sb) making the bowl round: loss - loss* ~ (sw dw)^2 + (sb db)^2 per axis."""
    h_ww, h_bb = float(curv.hessian[0, 0]), float(curv.hessian[1, 1])
    sb = math.sqrt(h_bb)
    sw = math.sqrt(h_ww) if h_ww > 0 else sb  # all x = 0: the loss ignores w
    return sw, sb


def _contour_view(history: History, opt: Optimum, curv: Curvature) -> tuple[Range, Range, bool]:
    sw, sb = _bowl_units(curv)
    dist = np.hypot((history.w - opt.w) * sw, (history.b - opt.b) * sb)
    radius = VIEW_RADIUS * float(dist[0])
    keep = dist <= radius if radius > 0 else np.ones(dist.shape, dtype=bool)
    keep[0] = True
    # Past the optimum, away from the start, by BEYOND of the way: the optimum then sits inside
    # the view with whole rings round it, not in the corner the path ends in.
    ws = np.append(history.w[keep], [opt.w, opt.w + BEYOND * (opt.w - float(history.w[0]))])
    bs = np.append(history.b[keep], [opt.b, opt.b + BEYOND * (opt.b - float(history.b[0]))])
    w_lo, w_hi = float(ws.min()), float(ws.max())
    b_lo, b_hi = float(bs.min()), float(bs.max())
    nw, nb = (w_hi - w_lo) * sw, (b_hi - b_lo) * sb
    largest = max(nw, nb)
    if not largest > 0:
        largest = 1.0  # start at the optimum: show the bowl around it
    nw, nb = max(nw, MIN_ASPECT * largest), max(nb, MIN_ASPECT * largest)
    w_range = _centred(0.5 * (w_lo + w_hi), nw / sw)
    b_range = _centred(0.5 * (b_lo + b_hi), nb / sb)
    return w_range, b_range, not bool(keep.all())


def _centred(mid: float, span: float) -> Range:
    # Below ~1e-12 of the centre's size, the axis would have no distinct tick values.
    span = max(span, 1e-12 * max(abs(mid), 1.0)) * (1 + 2 * PAD)
    return (mid - span / 2, mid + span / 2)


def _arrow_scale(history: History, w_range: Range, b_range: Range) -> float:
    span_w = w_range[1] - w_range[0]
    span_b = b_range[1] - b_range[0]
    length = math.hypot(float(history.dw[0]) / span_w, float(history.db[0]) / span_b)
    # A subnormal gradient (data near 1e-320) makes the ratio overflow: no arrow scale then.
    if not (length > 0 and math.isfinite(ARROW_FRACTION / length)):
        return 1.0
    return nice_floor(ARROW_FRACTION / length)


def _loss_span(loss: Array, optimum_loss: float) -> tuple[float, float]:
    positive = loss[loss > 0]
    smallest = float(positive.min()) if positive.size else math.inf
    if optimum_loss > 0:
        smallest = min(smallest, optimum_loss)
    floor = smallest / 10 if math.isfinite(smallest) else ZERO_LOSS_FLOOR
    floor = max(floor, TINY)
    top = max(float(loss.max()), optimum_loss, floor * 10)
    return floor, top


def _levels(
    data: Dataset, opt: Optimum, w_range: Range, b_range: Range, loss: str, delta: float
) -> tuple[float, ...]:
    corners = loss_surface(data, None, np.array(w_range), np.array(b_range), loss, delta)
    corners = corners - opt.loss
    top = float(np.nanmax(np.where(np.isfinite(corners), corners, np.nan)))
    if not (math.isfinite(top) and top > 0):
        finite_top = np.finfo(np.float64).max / 10
        top = finite_top if not math.isfinite(top) else 1.0
    low = max(top * 10.0**-LEVEL_DECADES, abs(opt.loss) * LEVEL_RTOL, TINY)
    if low >= top:
        return (top * 0.5,)
    return tuple(float(v) for v in np.geomspace(low, top * 0.9, LEVELS))
