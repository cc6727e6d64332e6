"""The updates inside each epoch of a mini-batch or SGD run, so their noise can be drawn.

A History keeps one point per epoch; with mini-batches an epoch makes several updates, each
from a different batch, and the path zig-zags between those points. This replays the run with
lrviz.core.step and keeps the parameters before every update, for as many epochs as a budget of
updates allows (then one point per epoch, as before); an epoch longer than the budget keeps its
first updates (lrviz.core.step_prefix).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lrviz.core import Dataset, History, TrainConfig, init_state, step, step_prefix
from lrviz.core.losses import pointwise
from lrviz.core.updates import UpdateLog

MAX_UPDATES = 20_000
"""Updates kept at most: 4 floats each in the payload (about 80 000 floats), and replaying them
costs about as much as training that many updates once more."""

ROBUST_VALUES = 2_000_000
"""MAE and Huber: kept points x data points at most (each kept point's loss is a pass over the
data, 10-17 ns a value measured on 100,000 points): about 0.03 s, 20 points on 100,000. On
many points only the first epoch's first updates fit."""

STEP_POINTS = 2_000_000
"""Kept epochs x data points at most: each epoch kept whole is one step, O(n) (its shuffle,
batch sums and batch losses, a few tens of ns a point), so about 0.05-0.1 s in all."""

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class IntraPath:
    """The path through every update. Arrays of one length (points), increasing in t.

    t: where each point sits in epochs, k + j/m for update j of the m in epoch k. w, b: the
    parameters there; loss: the run's loss (MSE, MAE or Huber) over all data there. at: shape
    (epochs run + 1,), the index of epoch k's own point (t = k), so the path up to epoch k is
    [: at[k] + 1]. upto: epochs whose updates are all kept; later epochs have one point each.
    """

    t: Array
    w: Array
    b: Array
    loss: Array
    at: NDArray[np.intp]
    upto: int

    def until(self, epoch: int) -> slice:
        """The points from the start up to epoch k's own point."""
        k = min(max(int(epoch), 0), len(self.at) - 1)
        return slice(0, int(self.at[k]) + 1)


def updates_per_epoch(n: int, config: TrainConfig) -> int:
    """m: how many updates one epoch makes (1 on the full batch)."""
    size = config.batch_size
    return 1 if size is None or size >= n else math.ceil(n / size)


def intra_path(
    data: Dataset,
    config: TrainConfig,
    history: History,
    w0: float = 0.0,
    b0: float = 0.0,
    budget: int = MAX_UPDATES,
) -> IntraPath | None:
    """The run of history (trained on data with config from (w0, b0)) through every update of
    its first epochs; None on the full batch, where an epoch is one update.

    An epoch of more updates than the budget keeps only its first `budget` updates (then one
    point per epoch). MAE and Huber: each kept point's loss is a pass over the data, so the
    budget is at most ROBUST_VALUES / n points.
    """
    m = updates_per_epoch(data.n, config)
    last = history.epochs_run
    if m == 1 or last == 0:
        return None
    if config.loss != "mse":
        budget = min(budget, max(2, ROBUST_VALUES // data.n))
    # An epoch longer than the budget keeps its first `budget` updates (step_prefix walks only
    # those); shorter ones are kept whole, as many epochs as fit.
    upto = min(last, max(1, budget // m), max(1, STEP_POINTS // data.n))
    t: list[float] = []
    w: list[float] = []
    b: list[float] = []
    at = np.empty(last + 1, dtype=np.intp)
    state = init_state(data, config, w0, b0)
    for k in range(last + 1):
        at[k] = len(t)
        t.append(float(k))
        w.append(float(history.w[k]))
        b.append(float(history.b[k]))
        if k >= upto:
            continue
        if m > budget:
            rec = step_prefix(state, data, config, budget)
        else:
            state, rec = step(state, data, config)
        assert isinstance(rec.updates, UpdateLog)
        ws, bs = rec.updates.params
        j = np.flatnonzero(np.isfinite(ws[1:]) & np.isfinite(bs[1:])) + 1
        t.extend((k + j / m).tolist())
        w.extend(ws[j].tolist())
        b.extend(bs[j].tolist())
    wa, ba = np.array(w), np.array(b)
    with np.errstate(all="ignore"):
        loss = _losses(data, config, wa, ba)
    loss[at] = history.loss  # the epochs' own losses, exactly as the History has them
    keep = np.isfinite(loss)
    if not keep.all():  # an update that overflowed mid-epoch is dropped, never sent as inf
        index = np.cumsum(keep) - 1
        at = index[at]
        t_arr, wa, ba, loss = np.array(t)[keep], wa[keep], ba[keep], loss[keep]
    else:
        t_arr = np.array(t)
    return IntraPath(t_arr, wa, ba, loss, at, upto)


# Rows of (w, b) evaluated at once for MAE and Huber: a block of residuals of about 2 MB.
_BLOCK_VALUES = 250_000


def _losses(data: Dataset, config: TrainConfig, w: Array, b: Array) -> Array:
    """The config's mean loss over all data at each (w[i], b[i]), shape (len(w),): O(1) each
    for MSE from the moments, O(n) each for MAE and Huber (in blocks, never len(w) x n)."""
    if config.loss == "mse":
        return np.asarray(data.moments.loss(w, b), dtype=np.float64)
    out = np.empty(len(w), dtype=np.float64)
    rows = max(1, _BLOCK_VALUES // data.n)
    for i in range(0, len(w), rows):
        r = data.y[np.newaxis, :] - (
            w[i : i + rows, np.newaxis] * data.x[np.newaxis, :] + b[i : i + rows, np.newaxis]
        )
        out[i : i + rows] = pointwise(config.loss, r, config.huber_delta).mean(axis=1)
    return out
