"""The loss node: MSE, MAE and Huber, each per point and with its local derivative dL_i/dy_hat_i.

With the residual r_i = y_i - y_hat_i (as torch.nn.MSELoss, L1Loss and HuberLoss define them):

- mse:   L_i = r_i^2,                                   dL_i/dy_hat_i = -2 r_i
- mae:   L_i = |r_i|,                                   dL_i/dy_hat_i = -sign(r_i)
- huber: L_i = r_i^2 / 2 if |r_i| <= delta,
         else delta (|r_i| - delta / 2),                dL_i/dy_hat_i = -clip(r_i, -delta, delta)

|r| has no derivative at r = 0; MAE uses the subgradient sign(0) = 0 there, as torch does (the
point already on the line pulls neither way). Huber is differentiable everywhere. The loss of a
batch is the mean of its L_i, so its gradient is the mean of dL_i/dy_hat_i * (x_i, 1).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

LOSSES = ("mse", "mae", "huber")

LOSS_NAMES = {"mse": "MSE", "mae": "MAE", "huber": "Huber"}
"""How each loss is named on screen."""


def check_loss(loss: object, huber_delta: object) -> None:
    """Raise ValueError for an unknown loss name or a Huber delta that is not a positive number."""
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")
    ok = isinstance(huber_delta, int | float | np.integer | np.floating) and not isinstance(
        huber_delta, bool
    )
    if not ok or not math.isfinite(float(huber_delta)) or float(huber_delta) <= 0:  # type: ignore[arg-type]
        raise ValueError(f"The Huber delta must be a positive number, not {huber_delta!r}.")


def pointwise(loss: str, r: Array, delta: float = 1.0) -> Array:
    """L_i for residuals r = y - y_hat, same shape as r."""
    if loss == "mse":
        return r * r
    a = np.abs(r)
    if loss == "mae":
        return a
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def dl_dyhat(loss: str, r: Array, delta: float = 1.0) -> Array:
    """dL_i/dy_hat_i for residuals r = y - y_hat: -2 r, -sign(r) (0 at r = 0) or -clip(r)."""
    if loss == "mse":
        return -2.0 * r
    if loss == "mae":
        return -np.sign(r)
    return -np.clip(r, -delta, delta)


def mean_loss_and_grad(
    u: Array, v: Array, mx: float, my: float, w: float, b: float, loss: str, delta: float
) -> tuple[float, float, float]:
    """(mean L_i, dL/dw, dL/db) at (w, b) over points given centred: u = x - mx, v = y - my.

    O(n), vectorized, a handful of passes. Residuals are formed as (v - w u) + (my - w mx - b),
    so data far from 0 does not cancel. With c_i = -dL_i/dy_hat_i (2 r_i, sign(r_i) or
    clip(r_i)): dL/db = -mean(c), dL/dw = -(mean(c u) + mx mean(c)); the loss is mean(r^2),
    mean(c r) for MAE, and mean(c (r - c/2)) for Huber, which is r^2/2 inside the delta band
    and delta (|r| - delta/2) outside it.
    """
    n = len(u)
    e = my - w * mx - b
    total = sum_c = sum_cu = 0.0
    # Chunks whose temporaries stay under 128 KiB, the C allocator's threshold for fresh
    # mappings from the system: under load the page faults of larger ones stalled calls here
    # by 10-500 ms; smaller ones are reused from the heap. 10,000 points fit in one chunk.
    for i in range(0, n, _CHUNK):
        uc = u[i : i + _CHUNK]
        r = v[i : i + _CHUNK] - w * uc
        r += e
        if loss == "mse":
            total += float(np.vdot(r, r))
            c = 2.0 * r
        elif loss == "mae":
            c = np.sign(r)
            total += float(np.vdot(c, r))
        else:
            c = np.clip(r, -delta, delta)
            total += float(np.vdot(c, r)) - 0.5 * float(np.vdot(c, c))
        sum_c += float(c.sum())
        sum_cu += float(np.vdot(c, uc))
    mean_c = sum_c / n
    return total / n, -(sum_cu / n + mx * mean_c), -mean_c


_CHUNK = 15_000
