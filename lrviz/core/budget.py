"""Work budget of a run, known before training: optimizer updates per epoch and in total."""

from __future__ import annotations

import numpy as np


def _whole(name: str, value: object, least: int) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, not {value!r}.")
    return int(value)


def updates_per_epoch(n: int, batch_size: int | None) -> int:
    """Optimizer updates in one epoch over n >= 1 points: ceil(n / batch_size).

    batch_size None, or at least n, is the full batch: one update. The last batch of an epoch
    may be short (it is kept), hence the ceiling.
    """
    n = _whole("n", n, 1)
    if batch_size is None:
        return 1
    size = _whole("The batch size", batch_size, 1)
    return 1 if size >= n else -(-n // size)


def total_updates(n: int, batch_size: int | None, epochs: int) -> int:
    """Optimizer updates in ``epochs`` epochs: epochs * updates_per_epoch(n, batch_size)."""
    return _whole("epochs", epochs, 0) * updates_per_epoch(n, batch_size)


# Relative costs measured by benchmarks/bench_extremes.py, in units of mini-batch MSE work
# (about 0.2-0.5 us per update and 20 ns per point visited here). MAE and Huber have no
# sufficient statistics: a mini-batch update costs about twice as much, each point of a small
# batch is summed in scalar arithmetic (up to about 120 ns) and every epoch also evaluates the
# full loss; their full batch is one vectorized pass over the data per epoch (about 2-7 ns per
# point, more for data that does not fit in cache).
ROBUST_UPDATE_WEIGHT = 2
ROBUST_POINT_WEIGHT = 7
ROBUST_FULL_BATCH_DIVISOR = 3


def update_cost(n: int, batch_size: int | None, loss: str = "mse") -> int:
    """Work of one epoch's updates, in MSE updates: updates_per_epoch, doubled for mini-batch
    MAE and Huber (ROBUST_UPDATE_WEIGHT)."""
    per_epoch = updates_per_epoch(n, batch_size)
    return per_epoch * (ROBUST_UPDATE_WEIGHT if loss != "mse" and per_epoch > 1 else 1)


def points_per_epoch(n: int, batch_size: int | None, loss: str = "mse") -> int:
    """Point visits per epoch, weighted by cost in mini-batch MSE visits.

    MSE: 0 on the full batch, whose updates cost O(1) from the data's moments; n with
    mini-batches (each epoch shuffles and sums every point once). MAE and Huber: 7 n with
    mini-batches (ROBUST_POINT_WEIGHT), ceil(n / 3) on the full batch
    (ROBUST_FULL_BATCH_DIVISOR).
    """
    full = updates_per_epoch(n, batch_size) == 1
    n = _whole("n", n, 1)
    if loss == "mse":
        return 0 if full else n
    return -(-n // ROBUST_FULL_BATCH_DIVISOR) if full else ROBUST_POINT_WEIGHT * n


def epochs_within(
    n: int,
    batch_size: int | None,
    epochs: int,
    max_updates: int,
    max_points: int | None = None,
    loss: str = "mse",
) -> int:
    """The most epochs, at most ``epochs``, whose work stays within both bounds: at most
    ``max_updates`` optimizer updates (weighted by ``update_cost`` for MAE and Huber) and,
    when given, at most ``max_points`` point visits (epochs * points_per_epoch). Training
    costs about a fixed time per update plus a fixed time per point visited (see
    benchmarks/bench_extremes.py), so both are bounded.

    At least 1 when epochs >= 1, so a single epoch larger than the bounds still shows one epoch
    (an epoch is the smallest unit a run is drawn in).
    """
    epochs = _whole("epochs", epochs, 0)
    bound = _whole("max_updates", max_updates, 1) // update_cost(n, batch_size, loss)
    if max_points is not None:
        per_epoch = points_per_epoch(n, batch_size, loss)
        if per_epoch:
            bound = min(bound, _whole("max_points", max_points, 1) // per_epoch)
    return min(epochs, max(bound, 1 if epochs else 0))
