"""The loss node's words, LaTeX, HTML and exact arithmetic for MSE, MAE and Huber, in one place.

Only this node of the chain depends on the loss: dy_hat/dw = x and dy_hat/db = 1 stay the same.
Every view (the graph, the equations, the live chain-rule view) takes its per-loss text here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrviz.core.losses import LOSS_NAMES
from lrviz.notation.numbers import fmt, tex

Array = NDArray[np.float64]

SAME_NOTE = (
    "Only this factor, ∂Lᵢ/∂ŷᵢ, changes with the loss: ∂ŷᵢ/∂w = xᵢ and ∂ŷᵢ/∂b = 1 stay the same."
)
"""One line for every view: the rest of the chain does not depend on the loss."""


class _Forms(NamedTuple):
    """One loss's L_i and ∂L_i/∂ŷ_i written round a residual: str.format templates with {r}
    for the residual and {d} for Huber's δ. The text and HTML derivative are the same."""

    loss_text: str
    loss_html: str
    local: str
    loss_tex: str
    local_tex: str


_FORMS = {
    "mse": _Forms("({r})²", "({r})²", "−2·({r})", r"({r})^2", r"-2 \cdot ({r})"),
    "mae": _Forms(
        "|{r}|", "|{r}|", "−sign({r})", r"\lvert {r}\rvert", r"-\operatorname{{sign}}({r})"
    ),
    "huber": _Forms(
        "Hδ({r})",
        "H<sub>δ</sub>({r})",
        "−clip({r}, −{d}, {d})",
        r"H_{{{d}}}({r})",
        r"-\operatorname{{clip}}({r},\, -{d},\, {d})",
    ),
}
assert set(_FORMS) == set(LOSS_NAMES)

R_TEXT = "yᵢ − ŷᵢ"
R_HTML = "y<sub>i</sub> − ŷ<sub>i</sub>"
R_TEX = r"y_i - \hat{y}_i"


@dataclass(frozen=True)
class LossNode:
    """How one loss is written. loss: "mse" | "mae" | "huber"; delta: Huber's band (> 0)."""

    loss: str
    delta: float = 1.0

    @property
    def name(self) -> str:
        """'MSE', 'MAE' or 'Huber (δ = 1)'."""
        base = LOSS_NAMES[self.loss]
        return f"{base} (δ = {fmt(self.delta)})" if self.loss == "huber" else base

    def _form(self, field: str, r: str, latex: bool = False) -> str:
        """Template ``field`` of this loss's _Forms round the residual written r."""
        template = getattr(_FORMS[self.loss], field)
        return template.format(r=r, d=tex(self.delta) if latex else fmt(self.delta))

    def _titled(self, formula: str) -> str:
        # A node's title names Huber's δ, which its formula only writes as a symbol.
        return f"{formula}, δ = {fmt(self.delta)}" if self.loss == "huber" else formula

    # ---- plain text (Graphviz labels, tables) ----------------------------------------------

    @property
    def node_text(self) -> str:
        """The loss node's title: (yᵢ − ŷᵢ)², |yᵢ − ŷᵢ| or Hδ(yᵢ − ŷᵢ), δ = 1."""
        return self._titled(self._form("loss_text", R_TEXT))

    @property
    def local_text(self) -> str:
        """The local derivative ∂Lᵢ/∂ŷᵢ written out: −2·(yᵢ − ŷᵢ), −sign(…) or −clip(…)."""
        return self._form("local", R_TEXT)

    # ---- HTML for the browser's view -------------------------------------------------------

    def html(self) -> dict[str, str]:
        """Strings chain.js places as they are: the node's title, the symbolic derivative, the
        wrappers round the substituted y and ŷ in the loss and derivative rows, and notes."""
        loss_open, loss_close = self._form("loss_html", "\0").split("\0")
        local_open, local_close = self._form("local", "\0").split("\0")
        return {
            "name": self.name,
            "node": self._titled(self._form("loss_html", R_HTML)),
            "loss": self._form("loss_html", R_HTML),
            "local": self._form("local", R_HTML),
            "loss_open": loss_open,
            "loss_close": loss_close,
            "local_open": local_open,
            "local_close": local_close,
            "same": SAME_NOTE,
            "convention": self.convention,
        }

    @property
    def convention(self) -> str:
        """What the loss does where it has no derivative or clips, in a sentence."""
        if self.loss == "mae":
            return "|r| has no derivative at 0: the subgradient sign(0) = 0 is used there."
        if self.loss == "huber":
            d = fmt(self.delta)
            return (
                f"Hδ(r) = ½r² if |r| ≤ {d}, else {d}·(|r| − ½·{d}); a point with |yᵢ − ŷᵢ| > {d}"
                f" pulls with ∂Lᵢ/∂ŷᵢ = ±{d}: clipped."
            )
        return ""

    # ---- LaTeX for the tables of one epoch -------------------------------------------------

    @property
    def loss_tex(self) -> str:
        """L_i's formula in LaTeX, the residual spelled y_i - \\hat{y}_i."""
        return self.loss_of_tex(R_TEX)

    @property
    def definition_tex(self) -> str | None:
        """Huber's H_δ(r) by cases, as an aligned row; None for MSE and MAE (no cases)."""
        if self.loss != "huber":
            return None
        d = tex(self.delta)
        return (
            rf"H_{{{d}}}(r) &= \begin{{cases}}\tfrac12 r^2 & \lvert r\rvert \le {d}\\"
            rf" {d}\,(\lvert r\rvert - \tfrac12\cdot {d}) & \lvert r\rvert > {d}\end{{cases}}"
        )

    @property
    def local_tex(self) -> str:
        """∂L_i/∂ŷ_i's formula in LaTeX."""
        return self.local_of_tex(R_TEX)

    def loss_of_tex(self, r: str) -> str:
        """L_i applied to the residual written r: (r)^2, |r| or H_δ(r) (δ as a number)."""
        return self._form("loss_tex", r, latex=True)

    def local_of_tex(self, r: str) -> str:
        """∂L_i/∂ŷ_i applied to the residual written r: -2 · (r), -sign(r) or -clip(r, -δ, δ)."""
        return self._form("local_tex", r, latex=True)

    @property
    def clip_tex(self) -> str:
        """'(clipped at ±δ)' in LaTeX, for a row whose point Huber clips."""
        return rf"\text{{(clipped at }}\pm {tex(self.delta)}\text{{)}}"

    # ---- exact arithmetic for re-computing substituted numbers (recompute) ------------------

    def loss_exact(self, y: Decimal, y_hat: Decimal) -> Decimal:
        """L_i from y and ŷ as printed, exactly (Decimal), by the loss's own formula."""
        r = y - y_hat
        if self.loss == "mse":
            return r * r
        if self.loss == "mae":
            return abs(r)
        d = Decimal(self.delta)
        return r * r / 2 if abs(r) <= d else d * (abs(r) - d / 2)

    def local_exact(self, y: Decimal, y_hat: Decimal) -> Decimal:
        """∂L_i/∂ŷ_i from y and ŷ as printed, exactly."""
        r = y - y_hat
        if self.loss == "mse":
            return -2 * r
        if self.loss == "mae":
            return Decimal(-1 if r > 0 else 1 if r < 0 else 0)
        d = Decimal(self.delta)
        return -min(max(r, -d), d)

    def clipped(self, residual: Array) -> NDArray[np.bool_]:
        """Per point, shape (n,): True where Huber's derivative is clipped at ±δ (|r| > δ)."""
        with np.errstate(all="ignore"):
            if self.loss != "huber":
                return np.zeros(np.shape(residual), dtype=bool)
            return np.abs(residual) > self.delta

    @property
    def clip_note(self) -> str:
        """The words a clipped point carries: 'clipped at ±1'."""
        return f"clipped at ±{fmt(self.delta)}"


def node_of(rec: object) -> LossNode:
    """The loss node of a StepRecord (anything with loss_name and huber_delta)."""
    return LossNode(str(getattr(rec, "loss_name", "mse")), float(getattr(rec, "huber_delta", 1.0)))
