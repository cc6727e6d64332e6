"""The article's derivation over all n points, in LaTeX with this epoch's numbers substituted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lrviz.core import StepRecord
from lrviz.explain.numbers import fmt, shown, tex, tex_list, tex_operand
from lrviz.explain.perpoint import PerPoint
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

TERMS = 5
"""Sums and lists of more terms than this show the first three and the last."""

SUM_BUDGET = 44
"""Characters the terms of a written-out sum may take."""


def signed_sum(n: int, term: Callable[[int], str], width: Callable[[int], int]) -> str:
    """'a - b + c' from term k's LaTeX and plain width; see numbers.shown for when '⋯' cuts in."""
    texts = [r"\cdots" if k is None else term(k) for k in shown(n, width, TERMS, SUM_BUDGET)]
    out = texts[0]
    for text in texts[1:]:
        out += f" - {text[1:]}" if text.startswith("-") else f" + {text}"
    return out


def _mean_of(values: Sequence[float]) -> str:
    """'\\tfrac{1}{n}(a + b + …)' with the values' own signs."""
    body = signed_sum(len(values), lambda k: tex(values[k]), lambda k: len(fmt(values[k])))
    return rf"\tfrac{{1}}{{{len(values)}}}\left({body}\right)"


def _then(values: Sequence[float]) -> str:
    """Second row of a block: the values for every point."""
    return rf"&\Rightarrow\; {tex_list(values, TERMS)}"


def forward_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """Forward pass for every point: y_hat_i = w x_i + b."""
    return [
        rf"{YHAT_I} &= w\,x_i + b = {tex(rec.w)}\,x_i + {tex_operand(rec.b)}",
        _then(pts.y_hat),
    ]


def loss_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """L = (1/n) sum (y_i - y_hat_i)^2 = … = loss."""
    r = pts.residual
    body = signed_sum(pts.n, lambda k: tex_operand(r[k]) + "^{2}", lambda k: len(fmt(r[k])) + 3)
    return [
        rf"L &= {MEAN}(y_i - {YHAT_I})^2",
        rf"&= \tfrac{{1}}{{{pts.n}}}\left({body}\right) = {tex(rec.loss)}",
    ]


def local_tex(pts: PerPoint) -> list[str]:
    """The local derivative at the loss, per point."""
    return [rf"{DLI_DYHAT} &= -2\,(y_i - {YHAT_I})", _then(pts.dL_dyhat)]


def chain_w_tex(pts: PerPoint) -> list[str]:
    """The chain rule per point for w."""
    return [rf"{DLI_DW} &= {DLI_DYHAT}\cdot{DYHAT_DW} = {DLI_DYHAT}\cdot x_i", _then(pts.dL_dw_i)]


def chain_b_tex(pts: PerPoint) -> list[str]:
    """The chain rule per point for b."""
    return [rf"{DLI_DB} &= {DLI_DYHAT}\cdot{DYHAT_DB} = {DLI_DYHAT}\cdot 1", _then(pts.dL_db_i)]


def mean_w_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """The batch mean dL/dw over all n points; the value is the record's."""
    return [rf"{DL_DW} &= {MEAN}{DLI_DW}", rf"&= {_mean_of(pts.dL_dw_i)} = {tex(rec.dL_dw)}"]


def mean_b_tex(rec: StepRecord, pts: PerPoint) -> list[str]:
    """The batch mean dL/db over all n points; the value is the record's."""
    return [rf"{DL_DB} &= {MEAN}{DLI_DB}", rf"&= {_mean_of(pts.dL_db_i)} = {tex(rec.dL_db)}"]


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
