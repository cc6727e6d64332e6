"""Feature scaling: train on z = (x - mean) / std, then show the line in the original units.

The same line in both units: y = w_z * z + b_z = w * x + b with
    w = w_z / std,            b = b_z - w_z * mean / std      (to_original)
    w_z = w * std,            b_z = b + w * mean              (to_standardized)
Use:
    scaling = fit_scaling(points.x)                  # Scaling(mean, std, message)
    z = standardize(points.x, scaling)               # train on (z, y)
    w, b = to_original(hist.w, hist.b, scaling)      # whole trajectories map at once
When every x is equal (or the spread is below MIN_STD = 1e-150) x is only centred (std = 1)
and scaling.message says so, so the toggle never fails.
"""

from __future__ import annotations

from typing import NamedTuple, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrviz.data.limits import MAX_ABS_VALUE
from lrviz.data.points import FloatArray, make_points
from lrviz.data.wording import number

T = TypeVar("T", float, NDArray[np.float64])

# Below this spread x is only centred: the mirror image of MAX_ABS_VALUE for tiny numbers.
MIN_STD = 1.0 / MAX_ABS_VALUE


class Scaling(NamedTuple):
    """Centre and scale of x, in x's units; std > 0 (population std, ddof = 0, or 1.0 when x
    is only centred, with message saying why)."""

    mean: float
    std: float
    message: str = ""


def fit_scaling(x: ArrayLike) -> Scaling:
    """Mean and population standard deviation of x (shape (n,), n >= 1, checked)."""
    xs = make_points(x, x).x
    mean = float(np.mean(xs))
    std = float(np.std(xs))
    if float(np.min(xs)) == float(np.max(xs)):
        # The rounded mean of equal values can miss them (std 1e-10 for x = 699051.3362812016);
        # centre on the value itself so z is exactly 0.
        return Scaling(float(xs[0]), 1.0, "Every x is the same, so x is only centred, not scaled.")
    if not std >= MIN_STD:
        # Squares of deviations this small underflow, so the std itself is unreliable (even 0),
        # and w = w_z / std could overflow on the way back to original units.
        return Scaling(
            mean,
            1.0,
            f"x varies by less than {number(MIN_STD)}, so it is only centred, not scaled.",
        )
    return Scaling(mean, std)


def standardize_problem(x: ArrayLike) -> str:
    """Why x (shape (n,)) cannot be standardized, as plain text; "" when it can.

    It cannot when every x is equal (no spread to divide by) or when the spread is below
    MIN_STD (its square underflows, so the std is unreliable and w = w_z / std can overflow).
    """
    xs = make_points(x, x).x
    scaling = fit_scaling(xs)
    if not scaling.message:
        return ""
    if float(np.min(xs)) == float(np.max(xs)):
        why = f"every x is {number(float(xs[0]))}, so there is no spread to divide by"
    else:
        why = (
            f"x varies by less than {number(MIN_STD)}; dividing by so small a spread would overflow"
        )
    return f"x cannot be standardized: {why}. Training on x as it is."


def standardize(x: ArrayLike, scaling: Scaling) -> FloatArray:
    """z = (x - mean) / std, float64 of x's shape."""
    return (np.asarray(x, dtype=np.float64) - scaling.mean) / scaling.std


def unstandardize(z: ArrayLike, scaling: Scaling) -> FloatArray:
    """x = z * std + mean, the inverse of standardize."""
    return np.asarray(z, dtype=np.float64) * scaling.std + scaling.mean


def to_original(w_z: T, b_z: T, scaling: Scaling) -> tuple[T, T]:
    """(w, b) in original units of the line y = w_z * z + b_z; scalars or arrays alike."""
    w = w_z / scaling.std
    return w, b_z - w * scaling.mean


def to_standardized(w: T, b: T, scaling: Scaling) -> tuple[T, T]:
    """(w_z, b_z) in standardized units of the line y = w * x + b; the inverse of to_original."""
    return w * scaling.std, b + w * scaling.mean
