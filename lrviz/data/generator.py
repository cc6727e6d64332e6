"""Synthetic data y = true_w * x + true_b + noise, reproducible from a seed.

Use:
    spec = GeneratorSpec(n=50, true_w=2.0, true_b=1.0, noise=1.0, x_min=0.0, x_max=10.0, seed=0)
    points = generate(spec)      # Points, x sorted ascending; same spec -> same numbers
    spec = spec.next_sample()    # the "New sample" button: same settings, next seed
GeneratorSpec(...) raises DataError when a setting is out of range, so build it from the
widgets inside try/except DataError and keep the previous data on failure.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass

import numpy as np

from lrviz.data.errors import DataError
from lrviz.data.limits import MAX_ABS_VALUE
from lrviz.data.points import Points, make_points
from lrviz.data.wording import limit_phrase, number

MIN_N = 2
MAX_N = 10_000
MAX_SEED = 2**32 - 1


def _check_int(label: str, value: object, lo: int, hi: int) -> None:
    # bool is an int subclass; a checkbox value passed by mistake should not become n = 1.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DataError(f"{label} must be a whole number, not {value!r}.")
    if not lo <= int(value) <= hi:
        raise DataError(f"{label} must be between {lo:,} and {hi:,}; got {int(value):,}.")


def _check_real(label: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DataError(f"{label} must be a number, not {value!r}.")
    v = float(value)
    if not math.isfinite(v):
        raise DataError(f"{label} must be a finite number, not {v}.")
    if abs(v) > MAX_ABS_VALUE:
        raise DataError(f"{label} = {number(v)} is too large: {limit_phrase()}.")


@dataclass(frozen=True)
class GeneratorSpec:
    """Settings of the generator. x is uniform on [x_min, x_max]; noise is the standard
    deviation sigma of Gaussian noise added to y (0 puts every point on the line)."""

    n: int = 50
    true_w: float = 2.0
    true_b: float = 1.0
    noise: float = 1.0
    x_min: float = 0.0
    x_max: float = 10.0
    seed: int = 0

    def __post_init__(self) -> None:
        _check_int("n", self.n, MIN_N, MAX_N)
        _check_int("The seed", self.seed, 0, MAX_SEED)
        _check_real("true w", self.true_w)
        _check_real("true b", self.true_b)
        _check_real("The noise σ", self.noise)
        _check_real("x min", self.x_min)
        _check_real("x max", self.x_max)
        if self.noise < 0:
            raise DataError(f"The noise σ must be 0 or more; got {number(self.noise)}.")
        if not self.x_min < self.x_max:
            raise DataError(
                f"x min ({number(self.x_min)}) must be less than x max ({number(self.x_max)})."
            )

    def next_sample(self) -> GeneratorSpec:
        """The same settings with the next seed (wrapping to 0 after MAX_SEED)."""
        return dataclasses.replace(self, seed=(self.seed + 1) % (MAX_SEED + 1))


def generate(spec: GeneratorSpec) -> Points:
    """n points with x ~ Uniform[x_min, x_max] (sorted) and y = w x + b + Normal(0, noise).

    Deterministic: numpy default_rng(seed) draws all x, then all noise. Raises DataError when
    the settings make some y exceed ±MAX_ABS_VALUE.
    """
    rng = np.random.default_rng(spec.seed)
    x = np.sort(rng.uniform(spec.x_min, spec.x_max, spec.n))
    eps = rng.normal(0.0, spec.noise, spec.n)
    # Each term is at most ~1e300 in size (limits are 1e150), so the sum stays finite.
    y = spec.true_w * x + spec.true_b + eps
    if not np.all(np.abs(y) <= MAX_ABS_VALUE):
        raise DataError(
            f"These settings make y reach {number(float(np.max(np.abs(y))))}: {limit_phrase()}. "
            "Lower true w, true b, the noise or the x range."
        )
    sign = "-" if spec.true_b < 0 else "+"
    message = (
        f"Generated {spec.n:,} points around y = {number(spec.true_w)}x {sign} "
        f"{number(abs(spec.true_b))} with noise σ = {number(spec.noise)} (seed {spec.seed})."
    )
    return make_points(x, y, message=message)
