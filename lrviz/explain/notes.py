"""Plain-text notes for data or epochs where the usual story needs a caveat."""

from __future__ import annotations

import math

from lrviz.core import Dataset, StepRecord, optimum


def optimum_note(data: Dataset) -> str | None:
    """When all x are equal the minimum is a line of (w, b), not a point: say so, else None."""
    best = optimum(data)
    if best.unique:
        return None
    return (
        f"{best.message} The gradient still points downhill, so w and b move until the line "
        "passes through the mean of y; where on the valley floor they stop depends on the start."
    )


def overflow_note(rec: StepRecord) -> str | None:
    """When the epoch's own numbers (w, b, L, the gradient) are no longer finite, say so."""
    values = (rec.w, rec.b, rec.loss, rec.dL_dw, rec.dL_db)
    if all(math.isfinite(v) for v in values):
        return None
    return (
        f"At epoch {rec.epoch} the numbers are no longer finite. Usually the learning rate is too "
        "large: each step overshoots further until the run diverges. Go back to an earlier epoch, "
        "or lower the learning rate, to follow the chain rule."
    )


def step_overflow_note(rec: StepRecord) -> str | None:
    """When the epoch is finite but its update overflows (the last step of a diverged run)."""
    if overflow_note(rec) or (math.isfinite(rec.w_new) and math.isfinite(rec.b_new)):
        return None
    return (
        f"This step overflows: w and b leave the range of numbers after epoch {rec.epoch}, "
        "so the run diverges here. The learning rate is too large for this data."
    )
