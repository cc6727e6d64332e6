"""An epoch's mini-batches as a few per-batch means, from which each MSE gradient costs O(1).

The MSE gradient of a batch depends on the data only through the batch's means of u, v, x*u and
x*v, where u = x - mean(x) and v = y - mean(y) are centred on the whole data's means (so data far
from 0 does not cancel). One vectorized pass gives these means for every batch of an epoch; the
optimizer then walks the batches with scalar arithmetic. ``step`` and the fast loops in
``fastpath`` both take their gradients from here, so they agree bit for bit.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrviz.core.dataset import Dataset
from lrviz.core.losses import mean_loss_and_grad

Array = NDArray[np.float64]


class Centred(NamedTuple):
    """The data centred on its own means: u = x - mx and v = y - my, shape (n,)."""

    mx: float
    my: float
    u: Array
    v: Array


def centre(data: Dataset) -> Centred:
    """u = x - mean(x), v = y - mean(y), with the means the moments use. O(n)."""
    m = data.moments
    return Centred(m.x_mean, m.y_mean, data.x - m.x_mean, data.y - m.y_mean)


class BatchMeans(NamedTuple):
    """Per-batch means for one epoch, each of shape (batches,), in batch order.

    starts: where each batch starts in the epoch's permutation. ub, vb: means of u and v.
    p: mean of x*v, q: mean of x*u, s: mean of x (= ub + mx), all over the batch.
    """

    starts: NDArray[np.intp]
    ub: Array
    vb: Array
    p: Array
    q: Array
    s: Array


def batch_means(c: Centred, perm: NDArray[np.intp], batch_size: int) -> BatchMeans:
    """Means of every batch perm[i : i + batch_size] in one vectorized pass, O(n).

    The last batch may be short; its means are over its own points.
    """
    n = len(perm)
    starts = np.arange(0, n, batch_size, dtype=np.intp)
    up = c.u[perm]
    vp = c.v[perm]
    with np.errstate(all="ignore"):
        if batch_size == 1:
            su, sv, suu, suv = up, vp, up * up, up * vp
            counts: Array | float = 1.0
        else:
            su = np.add.reduceat(up, starts)
            sv = np.add.reduceat(vp, starts)
            suu = np.add.reduceat(up * up, starts)
            suv = np.add.reduceat(up * vp, starts)
            counts = np.diff(np.append(starts, n)).astype(np.float64)
        ub = su / counts
        vb = sv / counts
        # mean(x v) = mean(u v) + mx mean(v), and likewise for x u.
        p = suv / counts + c.mx * vb
        q = suu / counts + c.mx * ub
        s = ub + c.mx
    return BatchMeans(starts, ub, vb, p, q, s)


def batch_grad(
    w: float, b: float, mx: float, my: float, ub: float, vb: float, p: float, q: float, s: float
) -> tuple[float, float]:
    """Mean MSE gradient (dL/dw, dL/db) of one batch at (w, b), from its means. O(1).

    With e = my - w mx - b, the batch's mean residual is vb - w ub + e and the mean of
    residual * x is p - w q + e s; each gradient is -2 times one of them (dL/dy_hat = -2 r).
    The fast loops inline this exact expression, so keep the two in step.
    """
    e = my - w * mx - b
    return -2.0 * (p - w * q + e * s), -2.0 * (vb - w * ub + e)


# Up to this many points a batch's gradient is summed in scalar arithmetic: for a few points
# that beats the fixed cost of half a dozen numpy calls; past it, numpy's passes win.
SMALL_BATCH = 32


class PointBatches(NamedTuple):
    """An epoch's batches for a loss without sufficient statistics (MAE, Huber).

    bounds: (start, end) of each batch in the permutation. up, vp: u and v in permuted order;
    ul, vl: the same as lists when batches are small (scalar sums), else empty.
    """

    bounds: list[tuple[int, int]]
    up: Array
    vp: Array
    ul: list[float]
    vl: list[float]


def point_batches(c: Centred, perm: NDArray[np.intp], batch_size: int) -> PointBatches:
    """The epoch's batches perm[i : i + batch_size] with their points gathered once, O(n)."""
    n = len(perm)
    bounds = [(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
    up, vp = c.u[perm], c.v[perm]
    small = batch_size <= SMALL_BATCH
    return PointBatches(bounds, up, vp, up.tolist() if small else [], vp.tolist() if small else [])


def point_batch_grad(
    pb: PointBatches,
    j: int,
    mx: float,
    my: float,
    w: float,
    b: float,
    loss: str,
    delta: float,
) -> tuple[float, float]:
    """Mean gradient (dL/dw, dL/db) of batch j of a loss from ``losses``, O(batch size).

    Per point r = (v - w u) + e with e = my - w mx - b, c = -dL_i/dy_hat_i (sign(r) with
    sign(0) = 0 for MAE, clip(r, -delta, delta) for Huber, 2 r for MSE); then
    dL/db = -mean(c) and dL/dw = -(mean(c u) + mx mean(c)), as ``losses.mean_loss_and_grad``.
    ``step`` and the fast loops both call this, so they agree bit for bit.
    """
    start, end = pb.bounds[j]
    m = end - start
    e = my - w * mx - b
    if m == 1 and pb.ul:  # one point (SGD): the sums below without their loop
        u, v = pb.ul[start], pb.vl[start]
        r = v - w * u + e
        if loss == "mae":
            c = 1.0 if r > 0.0 else (-1.0 if r < 0.0 else r)
        elif loss == "huber":
            c = delta if r > delta else (-delta if r < -delta else r)
        else:
            c = 2.0 * r
        return -(c * u + mx * c), -c
    if pb.ul:
        sc = scu = 0.0
        us, vs = pb.ul[start:end], pb.vl[start:end]
        # One loop per loss, so the loop body does not test the loss name at every point.
        if loss == "mae":
            for u, v in zip(us, vs, strict=True):
                r = v - w * u + e
                c = 1.0 if r > 0.0 else (-1.0 if r < 0.0 else r)  # r: keeps 0.0 (and nan)
                sc += c
                scu += c * u
        elif loss == "huber":
            for u, v in zip(us, vs, strict=True):
                r = v - w * u + e
                c = delta if r > delta else (-delta if r < -delta else r)
                sc += c
                scu += c * u
        else:
            for u, v in zip(us, vs, strict=True):
                c = 2.0 * (v - w * u + e)
                sc += c
                scu += c * u
        mean_c = sc / m
        return -(scu / m + mx * mean_c), -mean_c
    _, gw, gb = mean_loss_and_grad(pb.up[start:end], pb.vp[start:end], mx, my, w, b, loss, delta)
    return gw, gb
