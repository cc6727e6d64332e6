"""The record's per-point chain-rule arrays, read once: each StepRecord property recomputes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lrviz.core import StepRecord
from lrviz.explain.loss_node import LossNode, node_of

Array = NDArray[np.float64]

MSE_NODE = LossNode("mse")
"""The article's loss node, for a PerPoint made without a record."""


@dataclass(frozen=True, eq=False)
class PerPoint:
    """Arrays of shape (n,) taken from a StepRecord; loss_i and dL_dyhat follow the record's loss,
    named by `node` (see loss_node)."""

    x: Array
    y: Array
    y_hat: Array
    residual: Array
    dL_dyhat: Array
    dL_dw_i: Array
    dL_db_i: Array
    loss_i: Array
    node: LossNode = MSE_NODE

    @property
    def clipped(self) -> NDArray[np.bool_]:
        """Per point: True where Huber clips ∂L_i/∂ŷ_i at ±δ (never for MSE or MAE)."""
        return self.node.clipped(self.residual)

    @property
    def n(self) -> int:
        return len(self.x)

    @staticmethod
    def of(rec: StepRecord) -> PerPoint:
        """Read the record's properties; overflow in a diverging run shows as inf, not a warning."""
        with np.errstate(all="ignore"):
            return PerPoint(
                x=rec.x,
                y=rec.y,
                y_hat=rec.y_hat,
                residual=rec.residual,
                dL_dyhat=rec.dL_dyhat,
                dL_dw_i=rec.dL_dw_i,
                dL_db_i=rec.dL_db_i,
                loss_i=rec.loss_i,
                node=node_of(rec),
            )
