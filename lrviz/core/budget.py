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


def points_per_epoch(n: int, batch_size: int | None) -> int:
    """Points training visits per epoch: 0 on the full batch, whose MSE updates cost O(1) from
    the data's moments, else n (each mini-batch epoch shuffles and sums every point once)."""
    return 0 if updates_per_epoch(n, batch_size) == 1 else _whole("n", n, 1)


def epochs_within(
    n: int,
    batch_size: int | None,
    epochs: int,
    max_updates: int,
    max_points: int | None = None,
) -> int:
    """The most epochs, at most ``epochs``, whose work stays within both bounds: at most
    ``max_updates`` optimizer updates and, when given, at most ``max_points`` point visits
    (epochs * points_per_epoch). Training costs about a fixed time per update plus a fixed
    time per point visited (see benchmarks/bench_extremes.py), so both are bounded.

    At least 1 when epochs >= 1, so a single epoch larger than the bounds still shows one epoch
    (an epoch is the smallest unit a run is drawn in).
    """
    epochs = _whole("epochs", epochs, 0)
    bound = _whole("max_updates", max_updates, 1) // updates_per_epoch(n, batch_size)
    if max_points is not None:
        per_epoch = points_per_epoch(n, batch_size)
        if per_epoch:
            bound = min(bound, _whole("max_points", max_points, 1) // per_epoch)
    return min(epochs, max(bound, 1 if epochs else 0))
