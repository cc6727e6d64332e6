"""Gradient check: central finite differences of the loss beside the backprop gradient."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lrviz.core import Dataset, StepRecord
from lrviz.core.losses import pointwise
from lrviz.explain.recompute import fit
from lrviz.explain.symbols import DL_DB, DL_DW, aligned
from lrviz.notation.numbers import fmt, tex

STEP = 1e-3
"""Finite-difference step h for a parameter of size up to 1, a power of ten; see step_for."""

_EPS = float(np.finfo(np.float64).eps)


# Rounding limits what either way can resolve: a gradient is a mean of products of numbers of
# the data's size, so below about 1e-12 of that size both ways see only rounding noise.
RESOLUTION = 1e-12


@dataclass(frozen=True)
class Check:
    """One parameter: the loss at p ± h, the central difference, backprop's value, and how close.

    floor: the smallest gradient the check can resolve at this data's scale (see RESOLUTION and
    the difference's own rounding, eps * |L| / h); gradients below it count as 0.
    """

    name: str
    value: float
    h: float
    loss_plus: float
    loss_minus: float
    finite_difference: float
    backprop: float
    floor: float

    @property
    def both_zero(self) -> bool:
        """Both values are below the resolvable floor: the slope is 0 as far as rounding tells."""
        return max(abs(self.finite_difference), abs(self.backprop)) <= self.floor

    @property
    def finite(self) -> bool:
        """Both loss values are finite numbers, so the difference means something."""
        return math.isfinite(self.loss_plus) and math.isfinite(self.loss_minus)

    @property
    def agrees(self) -> bool:
        """The two differ by no more than rounding: 1e-6 of their size, or the floor."""
        diff = abs(self.finite_difference - self.backprop)
        size = max(abs(self.finite_difference), abs(self.backprop))
        return diff <= max(1e-6 * size, self.floor)

    @property
    def relative_error(self) -> float:
        """|fd - backprop| / max(|fd|, |backprop|, floor); 0 when all three are 0."""
        scale = max(abs(self.finite_difference), abs(self.backprop), self.floor)
        diff = abs(self.finite_difference - self.backprop)
        return diff / scale if scale > 0 else (0.0 if diff == 0 else math.inf)


def step_for(value: float) -> float:
    """h = STEP times the power of ten at or above max(1, |value|): a round number, so the h
    written beside the quotient is exactly the h it used."""
    size = abs(value) if math.isfinite(value) else 1.0
    power = max(0, math.ceil(math.log10(size))) if size > 1.0 else 0
    return float(f"1e{round(math.log10(STEP)) + power}")


def _check(
    name: str, value: float, backprop: float, loss_at: Callable[[float], float], scale: float
) -> Check:
    h = step_for(value)
    with np.errstate(all="ignore"):
        plus, minus = float(loss_at(value + h)), float(loss_at(value - h))
        fd = (plus - minus) / (2.0 * h)
        floor = max(RESOLUTION * scale, _EPS * (abs(plus) + abs(minus)) / h)
    return Check(name, value, h, plus, minus, fd, backprop, floor)


def gradient_check(data: Dataset, rec: StepRecord) -> tuple[Check, Check]:
    """Checks for w and b at the record's (w, b), using Moments.loss for MSE and the mean of the
    per-point losses for MAE and Huber: a computation separate from the chain rule, on purpose."""
    m = data.moments
    x_size = abs(m.x_mean) + math.sqrt(m.sxx)
    # Size of the terms in dL/db = -2 mean(y - w x - b); dL/dw multiplies them by x.
    size = 2.0 * (abs(m.y_mean) + math.sqrt(m.syy) + abs(rec.w) * x_size + abs(rec.b))
    if rec.loss_name == "mse":
        return (
            _check("w", rec.w, rec.dL_dw, lambda w: m.loss(w, rec.b), size * max(x_size, 1.0)),
            _check("b", rec.b, rec.dL_db, lambda b: m.loss(rec.w, b), size),
        )
    x, y = data.x, data.y

    def loss(w: float, b: float) -> float:
        # The mean of the per-point losses, straight from their definition: no chain rule.
        return float(np.mean(pointwise(rec.loss_name, y - (w * x + b), rec.huber_delta)))

    return (
        _check("w", rec.w, rec.dL_dw, lambda w: loss(w, rec.b), size * max(x_size, 1.0)),
        _check("b", rec.b, rec.dL_db, lambda b: loss(rec.w, b), size),
    )


def check_tex(c: Check) -> str:
    """(L(p+h) - L(p-h)) / 2h = … beside the chain rule's value, as one aligned LaTeX block."""
    sym = DL_DW if c.name == "w" else DL_DB
    # The two losses differ in their last digits, so they print with as many as the quotient needs.
    s = fit(
        lambda p, m, h: (p - m) / (2 * h), (c.loss_plus, c.loss_minus, c.h), c.finite_difference
    )
    plus, minus = (
        (r"L(w + h,\ b)", r"L(w - h,\ b)") if c.name == "w" else (r"L(w,\ b + h)", r"L(w,\ b - h)")
    )
    return aligned(
        [
            rf"h &= {tex(c.h)}",
            rf"\frac{{{plus} - {minus}}}{{2h}} &= \frac{{{s.value(c.loss_plus)} - "
            rf"{s.operand(c.loss_minus)}}}{{2 \cdot {s.value(c.h)}}} = {s.answer}",
            rf"\text{{backprop: }} {sym} &= {tex(c.backprop)}",
            rf"\text{{relative error}} &= {tex(c.relative_error, 2)}",
        ]
    )


def verdict(checks: tuple[Check, ...], loss: str = "mse") -> str:
    """One plain sentence: do the two ways agree? loss: the run's, "mse", "mae" or "huber"."""
    if not all(c.finite for c in checks):
        return "The loss overflows next to (w, b), so finite differences cannot check this step."
    worst = max(c.relative_error for c in checks)
    if all(c.both_zero for c in checks):
        return (
            "Both ways give a slope of 0, down to rounding: (w, b) sits at the minimum of the loss."
        )
    if all(c.agrees for c in checks):
        return (
            f"Backprop and finite differences agree (relative error at most {fmt(worst, 2)}): "
            "the chain rule gives the true slope of the loss."
        )
    differ = f"The two differ by a relative {fmt(worst, 2)}, more than rounding at these values "
    if loss == "mae":
        return differ + (
            "explains. MAE has a kink wherever a residual is 0: a kink within h of (w, b) makes "
            "central differences differ from the subgradient the chain rule uses."
        )
    if loss == "huber":
        return differ + (
            "explains. Huber's curvature jumps where a residual crosses ±δ: one within h of "
            "(w, b) makes central differences differ from the chain rule."
        )
    return differ + (
        "explains. The loss is a parabola, so central differences should match the chain rule."
    )
