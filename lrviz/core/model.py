"""The model y_hat = w*x + b and the squared error, each with its own local derivative.

These per-point functions are what the article writes down. Training uses the same algebra folded
into moments (see dataset.Moments); tests check that the two agree. MAE and Huber, the other
losses a run can use, and their derivatives are in ``losses``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def predict(x: Array, w: float, b: float) -> Array:
    """Forward pass: y_hat = w*x + b, shape (n,)."""
    return w * x + b


def squared_error(y: Array, y_hat: Array) -> Array:
    """Per-point loss L_i = (y_i - y_hat_i)^2, shape (n,)."""
    r = y - y_hat
    return r * r


def dloss_dyhat(y: Array, y_hat: Array) -> Array:
    """Local derivative of L_i with respect to y_hat_i: -2 (y_i - y_hat_i)."""
    return -2.0 * (y - y_hat)


def dyhat_dw(x: Array) -> Array:
    """Local derivative of y_hat_i with respect to w: x_i."""
    return x


def dyhat_db(x: Array) -> Array:
    """Local derivative of y_hat_i with respect to b: 1 for every point."""
    return np.ones_like(x)
