"""MAE and Huber landscapes computed exactly: the surface from sorted residuals, the minimum by
pivoting (MAE, a linear programme) and by Newton's method (Huber).

Everything works on the centred data u = x - mean(x), v = y - mean(y). For a slope w the
residual of point i at intercept b is r_i = c_i - t with c_i = v_i - w u_i and
t = b - (mean(y) - w mean(x)), so along a column of fixed w the loss is a function of the sorted
c alone: prefix sums of c and c^2 give every b of the column in O(log n) each.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrviz.core.batches import Centred
from lrviz.core.losses import mean_loss_and_grad

Array = NDArray[np.float64]


def _prefix_at(a: Array, ks: NDArray[np.intp]) -> Array:
    """sum(a[:k]) for each k of the non-decreasing ks (0 <= k <= len(a)), in one O(n) pass.

    Sums only the segments between consecutive ks (np.add.reduceat), rather than writing a
    cumulative sum of all n values: on 100,000 points that is several times faster.
    """
    n = len(a)
    bounds = np.concatenate(([0], ks))
    seg = np.add.reduceat(np.append(a, 0.0), np.minimum(bounds, n))[:-1]
    seg[bounds[1:] <= bounds[:-1]] = 0.0  # reduceat gives a[start], not 0, for an empty segment
    return np.cumsum(seg)


def surface(c: Centred, ws: Array, bs: Array, loss: str, delta: float) -> Array:
    """Z[j, i] = mean loss at (ws[i], bs[j]) for loss "mae" or "huber".

    O(len(ws) * n log n + grid size * log n): one sort per column, never the data against the
    grid; sums of c and c^2 up to each threshold come from ``_prefix_at``. Sums of (c - t)^2
    inside Huber's band are formed from those sums, so they carry a rounding error of order
    eps * (t^2 + c^2) per point: negligible beside the loss outside the band.
    """
    n = len(c.u)
    z = np.empty((len(bs), len(ws)))
    order = np.argsort(bs, kind="stable")
    bs_sorted = bs[order]
    for i, w in enumerate(ws.tolist()):
        cs = np.sort(c.v - w * c.u)
        total = float(cs.sum())
        t = bs_sorted - (c.my - w * c.mx)  # increasing, like bs_sorted
        if loss == "mae":
            k = np.searchsorted(cs, t, side="right")  # points with c <= t
            p_k = _prefix_at(cs, k)
            above = (total - p_k) - (n - k) * t
            below = k * t - p_k
            z[order, i] = (above + below) / n
            continue
        lo = np.searchsorted(cs, t - delta, side="left")  # c < t - delta: residual below -delta
        hi = np.searchsorted(cs, t + delta, side="right")  # c > t + delta: above +delta
        p_lo, p_hi = _prefix_at(cs, lo), _prefix_at(cs, hi)
        sq = cs * cs
        s2 = _prefix_at(sq, hi) - _prefix_at(sq, lo)
        m = hi - lo
        s1 = p_hi - p_lo
        inside = 0.5 * np.maximum(s2 - 2.0 * t * s1 + m * t * t, 0.0)
        below = delta * (lo * (t - 0.5 * delta) - p_lo)
        above = delta * ((total - p_hi) - (n - hi) * (t + 0.5 * delta))
        z[order, i] = (inside + below + above) / n
    return z


class RobustFit(NamedTuple):
    """A minimum (w, b) of MAE or Huber, its loss, and whether it is the only one."""

    w: float
    b: float
    loss: float
    unique: bool


def _weighted_median(values: Array, weights: Array) -> tuple[float, bool]:
    """A minimizer of sum(weights * |values - m|) (weights > 0), and whether it is the only one.

    The smallest value at which the cumulative weight, in sorted order, reaches half the total.
    Found by selection (np.partition around the middle, keeping the side that holds it), O(n)
    overall instead of a sort: the minimum of MAE calls this once per pivot on every point.
    """
    half = 0.5 * float(weights.sum())
    below_total = 0.0  # weight of the values already known to lie below the remaining ones
    above_min = math.inf  # smallest value already known to lie above them
    v, wt = values, weights
    while len(v) > 64:
        mid = len(v) // 2
        p = float(np.partition(v, mid)[mid])
        lower = v < p
        equal = v == p
        w_lower = below_total + float(wt[lower].sum())
        if w_lower >= half:
            above_min = p
            v, wt = v[lower], wt[lower]
            continue
        w_upto = w_lower + float(wt[equal].sum())
        if w_upto >= half:
            if w_upto == half:  # the weight is balanced between p and the next value up
                upper = v[v > p]
                nxt = min(above_min, float(upper.min()) if upper.size else math.inf)
                return p, not math.isfinite(nxt)
            return p, True
        below_total = w_upto
        upper = v > p
        v, wt = v[upper], wt[upper]
    order = np.argsort(v, kind="stable")
    vs, cw = v[order], below_total + np.cumsum(wt[order])
    k = int(np.searchsorted(cw, half, side="left"))
    k = min(k, len(vs) - 1)
    nxt = float(vs[k + 1]) if k + 1 < len(vs) else above_min
    # Cumulative weight exactly half at k: every m between vs[k] and the next value is optimal.
    tie = cw[k] == half and math.isfinite(nxt) and nxt != vs[k]
    return float(vs[k]), not tie


def _mae(c: Centred, w: float, t: float) -> float:
    return float(np.mean(np.abs(c.v - w * c.u - t)))


def lad(c: Centred, max_pivots: int = 200) -> RobustFit:
    """Least absolute deviations: the minimum of mean |y - w x - b|, exactly.

    MAE's minimum is a linear programme; a minimizing line passes through two data points. From
    the line through the median residual, each pivot rotates the line about a point it passes
    through to the best slope about that point (a weighted median of the slopes to the other
    points), until no rotation about any point on the line lowers the loss: then every
    direction of change raises or keeps it, which certifies the minimum. Finitely many pivots;
    the result is a vertex, exact up to rounding (tests compare it with all two-point lines).
    unique is False when a rotation keeps the loss (a segment of lines is optimal).
    Requires x not all equal.
    """
    u, v = c.u, c.v
    scale = float(np.max(np.abs(v))) + float(np.max(np.abs(u))) + 1e-300
    w = 0.0
    su = float(np.vdot(u, u))
    if su > 0:
        w = float(np.vdot(u, v)) / su
    t, _ = _weighted_median(v - w * u, np.ones_like(u))
    best = _mae(c, w, t)
    unique = True
    for _ in range(max_pivots):
        r = v - w * u - t
        tol = 1e-12 * (scale + abs(w) * float(np.max(np.abs(u))) + abs(t))
        on_line = np.flatnonzero(np.abs(r) <= tol)
        if on_line.size == 0:
            on_line = np.array([int(np.argmin(np.abs(r)))])
        improved = False
        flat = False
        for k in on_line.tolist():
            du = u - u[k]
            keep = du != 0.0
            if not np.any(keep):
                continue
            slopes = (v[keep] - v[k]) / du[keep]
            wk, unique_k = _weighted_median(slopes, np.abs(du[keep]))
            tk = float(v[k] - wk * u[k])
            fk = _mae(c, wk, tk)
            if fk < best * (1.0 - 1e-15) - 1e-300:
                w, t, best, improved = wk, tk, fk, True
                break
            # No better rotation about k. The loss is flat along it when the weighted median
            # is a tie, or another slope about k does as well as ours.
            flat = flat or not unique_k or (wk != w and fk <= best * (1.0 + 1e-12))
        unique = not flat
        if not improved:
            break
    b = t + c.my - w * c.mx
    return RobustFit(float(w), float(b), float(best), unique)


def huber_fit(c: Centred, delta: float, max_steps: int = 500) -> RobustFit:
    """The minimum of mean Huber loss: Newton's method with a backtracking line search.

    The Hessian is mean(z z^T) over the points inside the band |r| <= delta, z = (u, 1);
    where it is singular (too few points inside), the step is iteratively reweighted least
    squares instead (weights min(1, delta/|r|)), which also descends. Stops when a step no
    longer changes (w, t), or the gradient is below 1e-13 of its scale (delta (mean |x| + 1)):
    once the set of points inside the band settles, Newton's step on that quadratic piece is
    exact. Requires x not all equal. unique: the Hessian at the minimum is non-singular.
    """
    u, v = c.u, c.v
    n = len(u)
    su = float(np.vdot(u, u))
    w = float(np.vdot(u, v)) / su if su > 0 else 0.0
    t = 0.0

    def value(w_: float, t_: float) -> float:
        return mean_loss_and_grad(u, v, 0.0, 0.0, w_, t_, "huber", delta)[0]

    f = value(w, t)
    gscale = delta * (float(np.mean(np.abs(u))) + 1.0)
    h_ok = False
    for _ in range(max_steps):
        r = v - w * u - t
        clipped = np.clip(r, -delta, delta)
        gw = -float(np.vdot(clipped, u)) / n
        gt = -float(np.sum(clipped)) / n
        inside = np.abs(r) <= delta
        uu, ui, m = float(np.vdot(u[inside], u[inside])), float(np.sum(u[inside])), inside.sum()
        det = uu * m - ui * ui
        h_ok = m > 0 and det > 1e-12 * max(uu * m, 1e-300)
        if math.hypot(gw, gt) <= 1e-13 * gscale:
            break
        if h_ok:
            a, bb, d = uu / n, ui / n, m / n
        else:
            wt = np.where(inside, 1.0, delta / np.maximum(np.abs(r), 1e-300))
            a, bb, d = float(np.vdot(wt * u, u)) / n, float(np.vdot(wt, u)) / n, wt.sum() / n
        dt_ = a * d - bb * bb
        if dt_ <= 0:
            break
        sw = -(d * gw - bb * gt) / dt_
        st = -(a * gt - bb * gw) / dt_
        # Backtrack on the true loss; near the minimum its changes are rounding, so a step that
        # keeps it within 1e-14 counts (the gradient test above decides when to stop).
        step = 1.0
        fw, ft = w + sw, t + st
        fn = value(fw, ft)
        while fn > f + 1e-14 * abs(f) and step > 1e-10:
            step *= 0.5
            fw, ft = w + step * sw, t + step * st
            fn = value(fw, ft)
        if fn > f + 1e-14 * abs(f) or (fw == w and ft == t):
            break
        w, t, f = fw, ft, fn
    f = value(w, t)
    unique = bool(h_ok) or _rises_along_flat_directions(value, u, v, w, t, f, delta)
    b = t + c.my - w * c.mx
    return RobustFit(float(w), float(b), float(f), unique)


def _rises_along_flat_directions(value, u, v, w, t, f, delta) -> bool:  # type: ignore[no-untyped-def]
    """Whether the loss rises both ways along every direction the band's Hessian leaves flat
    (then the minimum is still the only one: the points outside the band pin it down)."""
    r = v - w * u - t
    inside = np.abs(r) <= delta
    xs = np.unique(u[inside])
    if xs.size >= 2:
        return True
    # One x inside: rotating about it is flat for the band; none inside: every direction.
    dirs = [(1.0, -float(xs[0]))] if xs.size == 1 else [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
    size = 1e-6 * (abs(w) + abs(t) + 1.0)
    return all(
        value(w + s * dw, t + s * dt) > f * (1 + 1e-12) + 1e-300
        for dw, dt in dirs
        for s in (size, -size)
    )


def location(values: Array, loss: str, delta: float) -> tuple[float, float]:
    """The constant b minimizing the mean loss of values - b, and that loss (all x equal)."""
    if loss == "mae":
        b = float(np.median(values))
        return b, float(np.mean(np.abs(values - b)))
    mean = float(np.mean(values))
    c = Centred(0.0, mean, np.zeros_like(values), values - mean)
    t = 0.0
    for _ in range(200):
        r = c.v - t
        inside = np.abs(r) <= delta
        g = float(np.sum(np.clip(r, -delta, delta)))
        m = int(inside.sum())
        nt = t + (g / m if m else float(np.median(r)))
        if abs(nt - t) <= 1e-15 * (abs(nt) + 1e-300):
            t = nt
            break
        t = nt
    b = t + mean
    return b, mean_loss_and_grad(c.u, c.v, 0.0, mean, 0.0, b, "huber", delta)[0]
