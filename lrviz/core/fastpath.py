"""One epoch of mini-batch updates as a tight scalar loop, bit for bit what ``step`` does.

``step`` calls the optimizer's init/update pair once per batch and records every intermediate,
which costs microseconds per update. Training needs only the parameters and the optimizer state
at the end of each epoch, so these loops inline the same arithmetic, in the same order, on plain
floats: ``batches.batch_grad`` for the gradient, then the update of ``optimizers``. Any change
there must be mirrored here; tests check that ``train`` equals ``step`` repeated exactly.
"""

from __future__ import annotations

import math

from lrviz.core.batches import BatchMeans, PointBatches, point_batch_grad
from lrviz.core.optimizers import AdamState, GdState, MomentumState, OptState


def advance_epoch(
    w: float,
    b: float,
    opt_state: OptState,
    means: BatchMeans,
    mx: float,
    my: float,
    optimizer: str,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[float, float, OptState]:
    """(w, b, optimizer state) after one update per batch of ``means``, in batch order."""
    cols = zip(
        means.ub.tolist(),
        means.vb.tolist(),
        means.p.tolist(),
        means.q.tolist(),
        means.s.tolist(),
        strict=True,
    )
    nlr = -lr
    if optimizer == "gd":
        for ub, vb, p, q, s in cols:
            e = my - w * mx - b
            gw = -2.0 * (p - w * q + e * s)
            gb = -2.0 * (vb - w * ub + e)
            w = w + nlr * gw
            b = b + nlr * gb
        return w, b, GdState()
    if optimizer in ("momentum", "nesterov"):
        assert isinstance(opt_state, MomentumState)
        vw, vbias = opt_state.velocity
        beta = momentum
        if optimizer == "momentum":
            for ub, vb, p, q, s in cols:
                e = my - w * mx - b
                gw = -2.0 * (p - w * q + e * s)
                gb = -2.0 * (vb - w * ub + e)
                vw = beta * vw + gw
                vbias = beta * vbias + gb
                w = w + nlr * vw
                b = b + nlr * vbias
        else:
            for ub, vb, p, q, s in cols:
                e = my - w * mx - b
                gw = -2.0 * (p - w * q + e * s)
                gb = -2.0 * (vb - w * ub + e)
                vw = beta * vw + gw
                vbias = beta * vbias + gb
                w = w + nlr * (gw + beta * vw)
                b = b + nlr * (gb + beta * vbias)
        return w, b, MomentumState((vw, vbias))
    assert isinstance(opt_state, AdamState)
    t = opt_state.count
    mw, mb = opt_state.mu
    nw, nb = opt_state.nu
    a1 = 1.0 - beta1
    a2 = 1.0 - beta2
    sqrt = math.sqrt
    for ub, vb, p, q, s in cols:
        e = my - w * mx - b
        gw = -2.0 * (p - w * q + e * s)
        gb = -2.0 * (vb - w * ub + e)
        mw = beta1 * mw + a1 * gw
        mb = beta1 * mb + a1 * gb
        nw = beta2 * nw + a2 * gw * gw
        nb = beta2 * nb + a2 * gb * gb
        t += 1
        c1 = 1.0 - beta1**t
        c2 = 1.0 - beta2**t
        w = w + nlr * (mw / c1) / (sqrt(nw / c2) + eps)
        b = b + nlr * (mb / c1) / (sqrt(nb / c2) + eps)
    return w, b, AdamState(t, (mw, mb), (nw, nb))


def advance_epoch_points(
    w: float,
    b: float,
    opt_state: OptState,
    pb: PointBatches,
    mx: float,
    my: float,
    loss: str,
    delta: float,
    optimizer: str,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[float, float, OptState]:
    """As ``advance_epoch`` for MAE and Huber, whose batch gradients need every point of the
    batch (``batches.point_batch_grad``, the function ``step`` calls too)."""
    nlr = -lr
    grad = point_batch_grad
    js = range(len(pb.bounds))
    if optimizer == "gd":
        for j in js:
            gw, gb = grad(pb, j, mx, my, w, b, loss, delta)
            w = w + nlr * gw
            b = b + nlr * gb
        return w, b, GdState()
    if optimizer in ("momentum", "nesterov"):
        assert isinstance(opt_state, MomentumState)
        vw, vbias = opt_state.velocity
        beta = momentum
        nesterov = optimizer == "nesterov"
        for j in js:
            gw, gb = grad(pb, j, mx, my, w, b, loss, delta)
            vw = beta * vw + gw
            vbias = beta * vbias + gb
            if nesterov:
                w = w + nlr * (gw + beta * vw)
                b = b + nlr * (gb + beta * vbias)
            else:
                w = w + nlr * vw
                b = b + nlr * vbias
        return w, b, MomentumState((vw, vbias))
    assert isinstance(opt_state, AdamState)
    t = opt_state.count
    mw, mb = opt_state.mu
    nw, nb = opt_state.nu
    a1 = 1.0 - beta1
    a2 = 1.0 - beta2
    sqrt = math.sqrt
    for j in js:
        gw, gb = grad(pb, j, mx, my, w, b, loss, delta)
        mw = beta1 * mw + a1 * gw
        mb = beta1 * mb + a1 * gb
        nw = beta2 * nw + a2 * gw * gw
        nb = beta2 * nb + a2 * gb * gb
        t += 1
        c1 = 1.0 - beta1**t
        c2 = 1.0 - beta2**t
        w = w + nlr * (mw / c1) / (sqrt(nw / c2) + eps)
        b = b + nlr * (mb / c1) / (sqrt(nb / c2) + eps)
    return w, b, AdamState(t, (mw, mb), (nw, nb))
