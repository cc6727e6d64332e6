"""The loss node's words, LaTeX, HTML and exact arithmetic for MSE, MAE and Huber, in one place.

Only this node of the chain depends on the loss: dy_hat/dw = x and dy_hat/db = 1 stay the same.
Every view (the graph, the equations, the live chain-rule view) takes its per-loss text here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from lrviz.core.losses import LOSS_NAMES
from lrviz.notation.numbers import fmt, tex

Array = NDArray[np.float64]

SAME_NOTE = (
    "Only this factor, ∂Lᵢ/∂ŷᵢ, changes with the loss: ∂ŷᵢ/∂w = xᵢ and ∂ŷᵢ/∂b = 1 stay the same."
)
"""One line for every view: the rest of the chain does not depend on the loss."""


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

    # ---- plain text (Graphviz labels, tables) ----------------------------------------------

    @property
    def node_text(self) -> str:
        """The loss node's title: (yᵢ − ŷᵢ)², |yᵢ − ŷᵢ| or Huber_δ(yᵢ − ŷᵢ)."""
        return _node_title(self, "ᵢ", "ŷᵢ")

    @property
    def local_text(self) -> str:
        """The local derivative ∂Lᵢ/∂ŷᵢ written out: −2(yᵢ − ŷᵢ), −sign(…) or −clip(…)."""
        return _local(self, "yᵢ", "ŷᵢ")

    # ---- HTML for the browser's view -------------------------------------------------------

    def html(self) -> dict[str, str]:
        """Strings chain.js places as they are: the node's title, the symbolic derivative, the
        wrappers round the substituted y and ŷ in the loss and derivative rows, and notes."""
        y, yh = "y<sub>i</sub>", "ŷ<sub>i</sub>"
        d = fmt(self.delta)
        if self.loss == "mse":
            loss_open, loss_close = "(", ")²"
            local_open, local_close = "−2·(", ")"
        elif self.loss == "mae":
            loss_open, loss_close = "|", "|"
            local_open, local_close = "−sign(", ")"
        else:
            loss_open, loss_close = "H<sub>δ</sub>(", ")"
            local_open, local_close = "−clip(", f", −{d}, {d})"
        return {
            "name": self.name,
            "node": _node_title(self, "<sub>i</sub>", yh),
            "loss": _loss_html(self, y, yh),
            "local": _local(self, y, yh),
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
        r = r"y_i - \hat{y}_i"
        if self.loss == "mse":
            return rf"({r})^2"
        if self.loss == "mae":
            return rf"\lvert {r}\rvert"
        return rf"H_{{{tex(self.delta)}}}({r})"

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
        r = r"y_i - \hat{y}_i"
        if self.loss == "mse":
            return rf"-2\,({r})"
        if self.loss == "mae":
            return rf"-\operatorname{{sign}}({r})"
        d = tex(self.delta)
        return rf"-\operatorname{{clip}}({r},\, -{d},\, {d})"

    def loss_of_tex(self, r: str) -> str:
        """L_i applied to the residual written r: (r)^2, |r| or H_δ(r) (δ as a number)."""
        if self.loss == "mse":
            return rf"({r})^2"
        if self.loss == "mae":
            return rf"\lvert {r}\rvert"
        return rf"H_{{{tex(self.delta)}}}({r})"

    def local_of_tex(self, r: str) -> str:
        """∂L_i/∂ŷ_i applied to the residual written r: -2 · (r), -sign(r) or -clip(r, -δ, δ)."""
        if self.loss == "mse":
            return rf"-2 \cdot ({r})"
        if self.loss == "mae":
            return rf"-\operatorname{{sign}}({r})"
        d = tex(self.delta)
        return rf"-\operatorname{{clip}}({r},\, -{d},\, {d})"

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


def _node_title(node: LossNode, sub: str, yh: str) -> str:
    r = f"y{sub} − {yh}"
    if node.loss == "mse":
        return f"({r})²"
    if node.loss == "mae":
        return f"|{r}|"
    h = "H<sub>δ</sub>" if sub == "<sub>i</sub>" else "Hδ"
    return f"{h}({r}), δ = {fmt(node.delta)}"


def _loss_html(node: LossNode, y: str, yh: str) -> str:
    r = f"{y} − {yh}"
    if node.loss == "mse":
        return f"({r})²"
    if node.loss == "mae":
        return f"|{r}|"
    return f"H<sub>δ</sub>({r})"


def _local(node: LossNode, y: str, yh: str) -> str:
    r = f"{y} − {yh}"
    if node.loss == "mse":
        return f"−2({r})"
    if node.loss == "mae":
        return f"−sign({r})"
    d = fmt(node.delta)
    return f"−clip({r}, −{d}, {d})"


def node_of(rec: object) -> LossNode:
    """The loss node of a StepRecord (anything with loss_name and huber_delta)."""
    return LossNode(str(getattr(rec, "loss_name", "mse")), float(getattr(rec, "huber_delta", 1.0)))
