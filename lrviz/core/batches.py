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
