"""The article's single-point derivation for one chosen point i, with its numbers substituted."""

from __future__ import annotations

from lrviz.core import StepRecord
from lrviz.explain.numbers import fmt, tex, tex_operand
from lrviz.explain.perpoint import PerPoint
from lrviz.explain.symbols import DLI_DB, DLI_DW, DLI_DYHAT, DYHAT_DB, DYHAT_DW, YHAT_I, aligned


def check_point(i: int, n: int) -> int:
    """i as an int in 0..n-1; ValueError with a readable message otherwise."""
    if not 0 <= int(i) < n:
        raise ValueError(f"There is no point {i}: the points are numbered 0 to {n - 1}.")
    return int(i)


def single_point_rows(rec: StepRecord, i: int, pts: PerPoint | None = None) -> list[str]:
    """One LaTeX row per step for point i: forward, loss, local derivative, chain rule for w, b."""
    pts = PerPoint.of(rec) if pts is None else pts
    i = check_point(i, pts.n)
    x, y_hat = tex_operand(pts.x[i]), tex_operand(pts.y_hat[i])
    g = tex_operand(pts.dL_dyhat[i])
    return [
        rf"{YHAT_I} &= w\,x_i + b = {tex_operand(rec.w)} \cdot {x} + {tex_operand(rec.b)}"
        rf" = {tex(pts.y_hat[i])}",
        rf"L_i &= (y_i - {YHAT_I})^2 = ({tex(pts.y[i])} - {y_hat})^2 = {tex(pts.loss_i[i])}",
        rf"{DLI_DYHAT} &= -2\,(y_i - {YHAT_I}) = -2 \cdot ({tex(pts.y[i])} - {y_hat})"
        rf" = {tex(pts.dL_dyhat[i])}",
        rf"{DYHAT_DW} &= x_i = {tex(pts.x[i])}, \qquad {DYHAT_DB} = 1",
        rf"{DLI_DW} &= {DLI_DYHAT}\cdot{DYHAT_DW} = {g} \cdot {x} = {tex(pts.dL_dw_i[i])}",
        rf"{DLI_DB} &= {DLI_DYHAT}\cdot{DYHAT_DB} = {g} \cdot 1 = {tex(pts.dL_db_i[i])}",
    ]


def single_point_tex(rec: StepRecord, i: int, pts: PerPoint | None = None) -> str:
    """The derivation for point i as one aligned LaTeX block (x_i, y_i, … read from the record)."""
    return aligned(single_point_rows(rec, i, pts))


def point_label(pts: PerPoint, i: int) -> str:
    """'point 3: x = 4, y = 4', plain text for a selector."""
    return f"point {i}: x = {fmt(pts.x[i])}, y = {fmt(pts.y[i])}"
