"""The article's single-point derivation for one chosen point i, with its numbers substituted."""

from __future__ import annotations

from lrviz.core import StepRecord
from lrviz.explain.perpoint import PerPoint
from lrviz.explain.recompute import fit
from lrviz.explain.symbols import DLI_DB, DLI_DW, DLI_DYHAT, DYHAT_DB, DYHAT_DW, YHAT_I, aligned
from lrviz.notation.numbers import fmt, tex


def check_point(i: int, n: int) -> int:
    """i as an int in 0..n-1; ValueError with a readable message otherwise."""
    if not 0 <= int(i) < n:
        raise ValueError(f"There is no point {i}: the points are numbered 0 to {n - 1}.")
    return int(i)


def single_point_rows(rec: StepRecord, i: int, pts: PerPoint | None = None) -> list[str]:
    """One LaTeX row per step for point i: forward, loss, local derivative, chain rule for w, b."""
    pts = PerPoint.of(rec) if pts is None else pts
    i = check_point(i, pts.n)
    x, y, y_hat, g = pts.x[i], pts.y[i], pts.y_hat[i], pts.dL_dyhat[i]
    fwd = fit(lambda w, x, b: w * x + b, (rec.w, x, rec.b), y_hat)
    node = pts.node
    sq = fit(node.loss_exact, (y, y_hat), pts.loss_i[i])
    local = fit(node.local_exact, (y, y_hat), g)
    r = rf"{sq.value(y)} - {sq.operand(y_hat)}"
    rl = rf"{local.value(y)} - {local.operand(y_hat)}"
    loss_row = (
        rf"L_i &= {node.loss_of_tex(rf'y_i - {YHAT_I}')} = {node.loss_of_tex(r)} = {sq.answer}"
    )
    local_row = rf"{DLI_DYHAT} &= {node.local_tex} = {node.local_of_tex(rl)} = {local.answer}"
    if node.loss == "huber":
        # Two rows, so the clip and its note fit the column.
        local_row = (
            rf"{DLI_DYHAT} &= {node.local_tex} \\[8pt] &= {node.local_of_tex(rl)} = {local.answer}"
        )
        if pts.clipped[i]:
            # A row of its own: words, so the equation above stays 'expression = result'.
            local_row += rf" \\[8pt] &{node.clip_tex}"
    cw = fit(lambda g, x: g * x, (g, x), pts.dL_dw_i[i])
    cb = fit(lambda g: g, (g,), pts.dL_db_i[i])
    return [
        rf"{YHAT_I} &= w\,x_i + b = {fwd.operand(rec.w)} \cdot {fwd.operand(x)}"
        rf" + {fwd.operand(rec.b)} = {fwd.answer}",
        loss_row,
        local_row,
        rf"{DYHAT_DW} &= x_i = {tex(x)}, \qquad {DYHAT_DB} = 1",
        rf"{DLI_DW} &= {DLI_DYHAT}\cdot{DYHAT_DW} = {cw.operand(g)} \cdot {cw.operand(x)}"
        rf" = {cw.answer}",
        rf"{DLI_DB} &= {DLI_DYHAT}\cdot{DYHAT_DB} = {cb.operand(g)} \cdot 1 = {cb.answer}",
    ]


def single_point_tex(rec: StepRecord, i: int, pts: PerPoint | None = None) -> str:
    """The derivation for point i as one aligned LaTeX block (x_i, y_i, … read from the record)."""
    return aligned(single_point_rows(rec, i, pts))


def point_label(pts: PerPoint, i: int) -> str:
    """'point 3: x = 4, y = 4', plain text for a selector."""
    return f"point {i}: x = {fmt(pts.x[i])}, y = {fmt(pts.y[i])}"
