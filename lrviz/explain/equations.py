"""The article's derivation over all n points, in LaTeX with this epoch's numbers substituted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import numpy as np

from lrviz.core import StepRecord
from lrviz.explain.perpoint import PerPoint
from lrviz.explain.recompute import Evaluate, Shown, fit, mean
from lrviz.explain.symbols import (
    DL_DB,
    DL_DW,
    DLI_DB,
    DLI_DW,
    DLI_DYHAT,
    DYHAT_DB,
    DYHAT_DW,
    MEAN,
    YHAT_I,
    aligned,
)
from lrviz.notation.numbers import LIST_BUDGET, SIG, fmt, shown, tex, tex_list, tex_operand

TERMS = 5
"""Sums and lists of more terms than this show the first three and the last."""

SUM_BUDGET = 44
"""Characters the terms of a written-out sum may take."""


def signed_sum(n: int, term: Callable[[int], str], width: Callable[[int], int]) -> str:
    """'a - b + c' from term k's LaTeX and plain width; see numbers.shown for when '⋯' cuts in."""
    texts = [r"\cdots" if k is None else term(k) for k in _kept(n, width)]
    out = texts[0]
    for text in texts[1:]:
        out += f" - {text[1:]}" if text.startswith("-") else f" + {text}"
    return out


def _kept(n: int, width: Callable[[int], int]) -> list[int | None]:
    return shown(n, width, TERMS, SUM_BUDGET)


def _sum_digits(
    values: Sequence[float], evaluate: Evaluate, result: float, extra: int = 0
) -> Shown:
    """Digits for a sum written out in full (see recompute); SIG when '⋯' hides terms, since a
    cut sum cannot be re-computed from the page."""
    if None in _kept(len(values), lambda k: len(fmt(values[k])) + extra):
        return Shown(SIG, result)
    return fit(evaluate, [float(v) for v in values], result)


def _mean_of(values: Sequence[float], result: float) -> tuple[str, str]:
    """('\\tfrac{1}{n}(a + b + …)', result) with the values' own signs and enough digits."""
    s = _sum_digits(values, mean, result)
    body = signed_sum(len(values), lambda k: s.value(values[k]), lambda k: len(fmt(values[k])))
    return rf"\tfrac{{1}}{{{len(values)}}}\left({body}\right)", s.answer


def _then(values: Sequence[float]) -> str:
    """Second row of a block: the values for every point."""
    return rf"&\Rightarrow\; {tex_list(values, TERMS)}"


def forward_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """Forward pass for every point: y_hat_i = w x_i + b."""
    digits = _line_digits(rec, pts)
    return [
        rf"{YHAT_I} &= w\,x_i + b = {tex(rec.w, digits)}\,x_i + {tex_operand(rec.b, digits)}",
        _then(pts.y_hat),
    ]


def _line_digits(rec: StepRecord, pts: PerPoint) -> int:
    """Digits for w and b such that w x_i + b, with the data's own x_i, gives every listed ŷ_i
    to its printed figures (see recompute)."""
    y_hat = pts.y_hat
    keep = shown(len(y_hat), lambda k: len(fmt(y_hat[k])), TERMS, LIST_BUDGET)
    digits = SIG
    for k in (k for k in keep if k is not None):
        x = Decimal(float(pts.x[k]))  # the data, exactly: not a number the page computed
        s = fit(lambda w, b, x=x: w * x + b, (rec.w, rec.b), float(y_hat[k]))
        digits = max(digits, s.digits)
    return digits


def loss_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """L = (1/n) sum L_i with the record's loss (MSE: (y_i - y_hat_i)^2) = … = loss."""
    node = pts.node
    if node.loss == "huber":
        return _huber_loss_tex(rec, pts)
    r = pts.residual
    if node.loss == "mse":
        s = _sum_digits(r, lambda *t: mean(*(v * v for v in t)), rec.loss, extra=3)
        body = signed_sum(pts.n, lambda k: s.operand(r[k]) + "^{2}", lambda k: len(fmt(r[k])) + 3)
    else:
        s = _sum_digits(r, lambda *t: mean(*(abs(v) for v in t)), rec.loss, extra=2)
        body = signed_sum(
            pts.n, lambda k: rf"\lvert {s.value(r[k])}\rvert", lambda k: len(fmt(r[k])) + 2
        )
    return [
        rf"L &= {MEAN}{node.loss_tex}",
        rf"&= \tfrac{{1}}{{{pts.n}}}\left({body}\right) = {s.answer}",
    ]


def _huber_loss_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """Huber's L: its cases per point, then the mean of the per-point losses L_i."""
    terms, value = _mean_of(pts.loss_i, rec.loss)
    definition = pts.node.definition_tex
    assert definition is not None
    return [
        rf"L &= {MEAN}L_i, \quad L_i = {pts.node.loss_tex}",
        definition,
        _then_named("L_i", pts.loss_i),
        rf"L &= {terms} = {value}",
    ]


def _then_named(name: str, values: Sequence[float]) -> str:
    return rf"&\Rightarrow\; {name} = {tex_list(values, TERMS)}"


def local_tex(pts: PerPoint) -> list[str]:
    """The local derivative at the loss, per point; for Huber, which points are clipped."""
    rows = [rf"{DLI_DYHAT} &= {pts.node.local_tex}", _then(pts.dL_dyhat)]
    clipped = [int(i) for i in np.flatnonzero(pts.clipped)]
    if pts.node.loss == "huber":
        note = rf"\text{{clipped at }}\pm {tex(pts.node.delta)}"
        if clipped:
            listed = ", ".join(str(i) for i in clipped[:TERMS])
            more = ", …" if len(clipped) > TERMS else ""
            which = "point" if len(clipped) == 1 else "points"
            rows.append(
                rf"&{note}\text{{: {len(clipped)} of {pts.n} points ({which} {listed}{more})}}"
            )
        else:
            rows.append(rf"&\text{{no point is }}{note}\text{{ at this epoch}}")
    return rows


def chain_w_tex(pts: PerPoint) -> list[str]:
    """The chain rule per point for w."""
    return [rf"{DLI_DW} &= {DLI_DYHAT}\cdot{DYHAT_DW} = {DLI_DYHAT}\cdot x_i", _then(pts.dL_dw_i)]


def chain_b_tex(pts: PerPoint) -> list[str]:
    """The chain rule per point for b."""
    return [rf"{DLI_DB} &= {DLI_DYHAT}\cdot{DYHAT_DB} = {DLI_DYHAT}\cdot 1", _then(pts.dL_db_i)]


def mean_w_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """The batch mean dL/dw over all n points; the value is the record's."""
    terms, value = _mean_of(pts.dL_dw_i, rec.dL_dw)
    return [rf"{DL_DW} &= {MEAN}{DLI_DW}", rf"&= {terms} = {value}"]


def mean_b_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """The batch mean dL/db over all n points; the value is the record's."""
    terms, value = _mean_of(pts.dL_db_i, rec.dL_db)
    return [rf"{DL_DB} &= {MEAN}{DLI_DB}", rf"&= {terms} = {value}"]


def batch_tex(rec: StepRecord, pts: PerPoint | None = None) -> str:
    """The derivation over all points as one aligned LaTeX block, a group of rows per step:
    forward pass, L, local derivative, chain rule for w and for b, and the two batch means."""
    pts = PerPoint.of(rec) if pts is None else pts
    blocks = [
        forward_tex(rec, pts),
        loss_tex(rec, pts),
        local_tex(pts),
        chain_w_tex(pts),
        chain_b_tex(pts),
        mean_w_tex(rec, pts),
        mean_b_tex(rec, pts),
    ]
    return aligned(blocks[0], list(blocks[1:]))
