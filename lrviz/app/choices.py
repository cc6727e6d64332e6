"""The choice tables of the run settings: learning-rate stops, batch modes, losses, defaults.

The optimizers and their hyper-parameters' choices are in lrviz.catalog.optimizers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from lrviz.catalog.optimizers import HYPERS

# Learning rates on a log scale from 1e-8 to 2: 1, 1.5, 2, 3, ... 9 per decade, so the article's
# 0.01, the limit's neighbours 0.08 and 0.09, and round values a teacher types are all there;
# unscaled x in the thousands has a stable limit near 1e-7. Any other α is typed (LR_MIN..LR_MAX).
_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)
LR_CHOICES: tuple[float, ...] = (
    *(float(f"{m}e{e}") for e in range(-8, 0) for m in _MANTISSAS),
    1.0,
    1.5,
    2.0,
)
BATCH_MODES = ("Full batch", "Mini-batch", "One point (SGD)")
"""How the sidebar names the full batch, mini-batches and one point per update."""
LOSS_CHOICES: Mapping[str, str] = MappingProxyType(
    {"mse": "MSE (squared)", "mae": "MAE (absolute)", "huber": "Huber"}
)
"""The sidebar's loss choices (lrviz.core.LOSSES) and how the radio names them."""
DEFAULTS: Mapping[str, object] = MappingProxyType(
    {
        "w0": 0.0,
        "b0": 0.0,
        "lr": 0.01,
        "epochs": 1000,
        "optimizer": "gd",
        **{name: hyper.default for name, hyper in HYPERS.items()},
        "batch_mode": BATCH_MODES[0],
        "batch_size": 2,
        "seed": 0,
        "loss": "mse",
        "huber_delta": 1.0,
    }
)
"""The run settings' values before anyone changes them, by sidebar widget key (the article's
run: start (0, 0), α = 0.01, 1000 epochs of full-batch gradient descent on MSE)."""
