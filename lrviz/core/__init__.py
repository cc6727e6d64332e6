"""The backprop engine: pure numpy, no I/O, no hidden state. Everything else draws from it."""

from lrviz.core.budget import (
    epochs_within,
    points_per_epoch,
    total_updates,
    updates_per_epoch,
)
from lrviz.core.dataset import MAX_ABS_VALUE, Dataset, Moments, make_dataset
from lrviz.core.landscape import (
    Curvature,
    Optimum,
    converged_at,
    curvature,
    loss_surface,
    optimum,
)
from lrviz.core.optimizers import OPTIMIZERS, AdamState, GdState, MomentumState, Optimizer
from lrviz.core.training import (
    DIVERGENCE_FACTOR,
    EpochTrace,
    History,
    StepRecord,
    TrainConfig,
    TrainState,
    UpdateRecord,
    evaluate,
    init_state,
    record_at,
    run,
    step,
    train,
)

__all__ = [
    "DIVERGENCE_FACTOR",
    "MAX_ABS_VALUE",
    "OPTIMIZERS",
    "AdamState",
    "Curvature",
    "Dataset",
    "EpochTrace",
    "GdState",
    "History",
    "Moments",
    "MomentumState",
    "Optimizer",
    "Optimum",
    "StepRecord",
    "TrainConfig",
    "TrainState",
    "UpdateRecord",
    "converged_at",
    "curvature",
    "epochs_within",
    "evaluate",
    "init_state",
    "loss_surface",
    "make_dataset",
    "optimum",
    "points_per_epoch",
    "record_at",
    "run",
    "step",
    "total_updates",
    "train",
    "updates_per_epoch",
]
