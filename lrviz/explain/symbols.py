"""LaTeX for the symbols of the derivation, written once so every equation spells them alike."""

from __future__ import annotations


def partial(top: str, bottom: str) -> str:
    r"""\dfrac{\partial top}{\partial bottom}."""
    return rf"\dfrac{{\partial {top}}}{{\partial {bottom}}}"


YHAT = r"\hat{y}"
YHAT_I = r"\hat{y}_i"
ALPHA = r"\alpha"

DL_DW = partial("L", "w")
DL_DB = partial("L", "b")
DLI_DYHAT = partial("L_i", YHAT_I)
DYHAT_DW = partial(YHAT_I, "w")
DYHAT_DB = partial(YHAT_I, "b")
DLI_DW = partial("L_i", "w")
DLI_DB = partial("L_i", "b")
DLB_DW = partial("L_B", "w")
DLB_DB = partial("L_B", "b")

MEAN = r"\dfrac{1}{n}\sum_{i=1}^{n}"


def aligned(rows: list[str], groups: list[list[str]] | None = None) -> str:
    r"""Rows in one \begin{aligned} block, '&' before the sign to align on; with `groups`, each
    group of rows follows the last, set apart by a wider gap."""
    blocks = [rows, *(groups or [])]
    body = r" \\[16pt] ".join(r" \\[8pt] ".join(b) for b in blocks if b)
    return r"\begin{aligned}" + body + r"\end{aligned}"
