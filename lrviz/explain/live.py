"""Every epoch's chain-rule numbers as text, for a view the browser redraws with every frame.

The run is replayed with ``lrviz.core.step`` from its start (the code path of ``record_at``), so
each number is the record's own. Everything is formatted here with ``fmt``; the browser only
places the strings. Sizes stay bounded whatever n is: the followed point and at most
OTHERS_SHOWN other points get per-epoch values, O(epochs) strings each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lrviz.catalog.optimizers import uses
from lrviz.core import (
    AdamState,
    Dataset,
    History,
    MomentumState,
    TrainConfig,
    UpdateRecord,
    init_state,
    model,
    step,
    step_prefix,
)
from lrviz.core.losses import dl_dyhat, pointwise
from lrviz.core.optimizers import OptState, adam_bias_corrected
from lrviz.explain.loss_node import LossNode
from lrviz.explain.optimizer import batch_points, params_after, state_before
from lrviz.notation.numbers import fmt

Array = NDArray[np.float64]

OTHERS_SHOWN = 10
"""Points besides the followed one whose pull is listed, evenly spaced over the data."""

PULL_VALUES = 20_000
"""Pulls sent per run at most (points x epochs): a long run lists fewer points, down to
FEWEST_SHOWN, so its payload stays under 2 MB (benchmarks/bench_extremes.py)."""
FEWEST_SHOWN = 2


def others_shown(epochs: int) -> int:
    """How many points besides the followed one a run of `epochs` epochs lists pulls for."""
    return max(FEWEST_SHOWN, min(OTHERS_SHOWN, PULL_VALUES // (epochs + 1) - 1))


BATCH_INDICES_SHOWN = 10
"""A mini-batch lists at most this many of its point numbers."""


@dataclass(frozen=True, eq=False)
class Replay:
    """The run replayed epoch by epoch, k = 0 … last, as arrays of shape (last + 1,) or lists.

    w, b: parameters at the start of epoch k (record_at(..., k)'s record.w, .b). For each epoch
    but the last (which takes no step on screen), of length last: the epoch's total change dW,
    dB; update 0's batch (indices, or None for all points), loss, gradient and the parameters
    after it; the optimizer's state before and after update 0; the number of updates.
    """

    config: TrainConfig
    n: int
    w: Array
    b: Array
    dW: Array
    dB: Array
    batch: tuple[str, ...]
    batch_loss: Array
    gw: Array
    gb: Array
    w1: Array
    b1: Array
    before: tuple[OptState, ...]
    after: tuple[OptState, ...]
    updates: int
    mini: bool

    @property
    def last(self) -> int:
        return len(self.w) - 1


def replay(
    data: Dataset,
    config: TrainConfig,
    w0: float,
    b0: float,
    last: int,
    history: History | None = None,
) -> Replay:
    """Step from (w0, b0) through epochs 0 … last, keeping what the view shows of each record
    (record_at's record, by the same code). O(last) memory whatever the number of updates.

    last: the run's last epoch on screen (the end of the budget, or the last finite epoch).
    history: the run's History (from ``run`` on this data, config and start), when at hand:
    each epoch then starts from its stored state and only update 0 is taken (step_prefix),
    O(last * n) instead of every update of every epoch; the numbers are the same.
    """
    if history is not None and history.trace is not None and last <= history.epochs_run:
        return _replay_from(data, config, history, last)
    state = init_state(data, config, w0, b0)
    w, b, dW, dB = [state.w], [state.b], [], []
    firsts = _Firsts(data.n)
    updates = 0
    for _ in range(last):
        start = state
        state, rec = step(state, data, config)
        dW.append(rec.delta_w)
        dB.append(rec.delta_b)
        firsts.add(rec.updates[0], state_before(start, rec, 0), *params_after(rec, 0))
        updates = len(rec.updates)
        w.append(state.w)
        b.append(state.b)
    return firsts.replay(
        config, *(np.asarray(v, dtype=np.float64) for v in (w, b, dW, dB)), updates
    )


class _Firsts:
    """Update 0 of each epoch, collected epoch by epoch into a Replay's columns."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.values: list[tuple[float, float, float, float, float]] = []  # loss, gw, gb, w1, b1
        self.batch: list[str] = []
        self.before: list[OptState] = []
        self.after: list[OptState] = []
        self.mini = False

    def add(self, u: UpdateRecord, before: OptState, w1: float, b1: float) -> None:
        """Update 0 of the next epoch, the optimizer's state before it and (w, b) after it."""
        self.values.append((u.loss, u.dL_dw, u.dL_db, w1, b1))
        self.batch.append(batch_points(u, self.n, BATCH_INDICES_SHOWN))
        self.before.append(before)
        self.after.append(u.opt_state)
        self.mini = self.mini or u.indices is not None

    def replay(
        self, config: TrainConfig, w: Array, b: Array, dW: Array, dB: Array, updates: int
    ) -> Replay:
        """The Replay of these epochs, with the parameters and total changes given per epoch."""
        loss, gw, gb, w1, b1 = np.array(self.values, dtype=np.float64).reshape(-1, 5).T.copy()
        batch, before, after = tuple(self.batch), tuple(self.before), tuple(self.after)
        return Replay(
            config, self.n, w, b, dW, dB, batch, loss, gw, gb, w1, b1, before, after, updates,
            self.mini,
        )  # fmt: skip


def _node(cfg: TrainConfig) -> LossNode:
    return LossNode(cfg.loss, float(cfg.huber_delta))


def _local(cfg: TrainConfig, y: Array, y_hat: Array) -> Array:
    """∂L_i/∂ŷ_i by the record's own code: core.model's for MSE, core.losses' for the others."""
    if cfg.loss == "mse":
        return model.dloss_dyhat(y, y_hat)
    return dl_dyhat(cfg.loss, y - y_hat, cfg.huber_delta)


def _clip_flags(node: LossNode, y: Array, y_hat: Array) -> str:
    """'0'/'1' per epoch: whether Huber clips the point's ∂L_i/∂ŷ_i at ±δ there."""
    return "".join("1" if c else "0" for c in node.clipped(y - y_hat))


def _replay_from(data: Dataset, config: TrainConfig, history: History, last: int) -> Replay:
    """replay from the History's stored states: update 0 of each epoch by step_prefix, the
    epoch's total change from the History (bit for bit step's, as run is step repeated)."""
    assert history.trace is not None
    firsts = _Firsts(data.n)
    full = history.trace.updates_per_epoch == 1
    for k in range(last):
        start = history.state_at(k)
        if full:
            # The full batch's one update is the History's own epoch: its loss and gradient at
            # epoch k, landing on epoch k + 1 (run is step repeated, bit for bit). No O(n) pass.
            nxt = history.state_at(k + 1)
            loss, gw, gb = (float(a[k]) for a in (history.loss, history.dw, history.db))
            u = UpdateRecord(
                None, start.w, start.b, loss, gw, gb, nxt.w - start.w, nxt.b - start.b,
                nxt.opt_state,
            )  # fmt: skip
            w1, b1 = nxt.w, nxt.b
        else:
            rec = step_prefix(start, data, config, 1)
            u = rec.updates[0]
            w1, b1 = params_after(rec, 0)
        firsts.add(u, start.opt_state, w1, b1)  # update 0 starts from the epoch's state
    w = np.array(history.w[: last + 1], dtype=np.float64)
    b = np.array(history.b[: last + 1], dtype=np.float64)
    updates = history.trace.updates_per_epoch if last else 0
    return firsts.replay(config, w, b, w[1:] - w[:-1], b[1:] - b[:-1], updates)


def _texts(values: Sequence[float] | Array) -> list[str]:
    return [fmt(v) for v in values]


def shown_points(n: int, others: int = OTHERS_SHOWN) -> list[int]:
    """The points whose pull the view lists: all when n <= others + 1, else evenly spaced."""
    if n <= others + 1:
        return list(range(n))
    return sorted({round(float(v)) for v in np.linspace(0, n - 1, others)})


def _optimizer_fields(rp: Replay) -> dict[str, Any]:
    """Update 0 of each epoch through the optimizer: its state after it, and before it.

    On the full batch the state before epoch k's update is the state after epoch k-1's, so only
    the start's is sent ("first"); with mini-batches the state before is sent for every epoch.
    """
    cfg = rp.config
    out: dict[str, Any] = {}
    first: dict[str, str] = {}
    if uses(cfg.optimizer, "momentum"):
        before = [s for s in rp.before if isinstance(s, MomentumState)]
        after = [s for s in rp.after if isinstance(s, MomentumState)]
        for k, p in enumerate("wb"):
            out[f"v0{p}"] = _texts([s.velocity[k] for s in before])
            out[f"v{p}"] = _texts([s.velocity[k] for s in after])
    elif uses(cfg.optimizer, "beta1"):
        before_a = [s for s in rp.before if isinstance(s, AdamState)]
        after_a = [s for s in rp.after if isinstance(s, AdamState)]
        out["t"] = [str(s.count) for s in after_a]
        hats = [adam_bias_corrected(s, cfg.beta1, cfg.beta2) for s in after_a]
        for k, p in enumerate("wb"):
            out[f"m0{p}"] = _texts([s.mu[k] for s in before_a])
            out[f"s0{p}"] = _texts([s.nu[k] for s in before_a])
            out[f"m{p}"] = _texts([s.mu[k] for s in after_a])
            out[f"s{p}"] = _texts([s.nu[k] for s in after_a])
            out[f"mh{p}"] = _texts([h[0][k] for h in hats])
            out[f"sh{p}"] = _texts([h[1][k] for h in hats])
    if not rp.mini:
        for name in [key for key in out if key[1:2] == "0"]:
            values = out.pop(name)
            if values:
                first[name] = values[0]
        out["first"] = first
    return out


def chain_data(rp: Replay, data: Dataset) -> dict[str, Any]:
    """The run-wide part of the view, JSON-ready, lists indexed by epoch k.

    Scalars: opt, lr and the optimizer's hyper-parameters as text, n, last, mini (mini-batches),
    updates (per epoch), batch_size. For each epoch but the last (it takes no step on screen):
    dW, dB (the epoch's total change); with mini-batches update 0's batch, loss bl, gradient
    gw, gb and the parameters after it w1, b1 (on the full batch the epoch's one update ends at
    the next epoch's w, b); the optimizer's state (see _optimizer_fields). pulls: see pulls().
    The epoch's own w, b, L, ∂L/∂w, ∂L/∂b are the player's status text: the same numbers.
    """
    cfg = rp.config
    out: dict[str, Any] = {
        "opt": cfg.optimizer,
        "lr": fmt(cfg.lr),
        "beta": fmt(cfg.momentum),
        "beta1": fmt(cfg.beta1),
        "beta2": fmt(cfg.beta2),
        "c1": fmt(1.0 - cfg.beta1),
        "c2": fmt(1.0 - cfg.beta2),
        "eps": fmt(cfg.eps),
        "n": rp.n,
        "last": rp.last,
        "mini": rp.mini,
        "updates": rp.updates,
        "batch_size": cfg.batch_size,
        "dW": _texts(rp.dW),
        "dB": _texts(rp.dB),
    }
    if rp.mini:
        out["w1"] = _texts(rp.w1)
        out["b1"] = _texts(rp.b1)
        out["batch"] = list(rp.batch)
        out["bl"] = _texts(rp.batch_loss)
        out["gw"] = _texts(rp.gw)
        out["gb"] = _texts(rp.gb)
    out.update(_optimizer_fields(rp))
    out["pulls"] = pulls(rp, data, shown_points(rp.n, others_shown(len(rp.w))))
    out["lossnode"] = _node(cfg).html()
    return out


def pulls(rp: Replay, data: Dataset, points: Sequence[int]) -> dict[str, Any]:
    """Per shown point j and epoch k: ∂L_j/∂ŷ_j, ∂L_j/∂w and ∂L_j/∂b as text, pg[j][k],
    pw[j][k] and pb[j][k], by the run's loss; clip[j]: '0'/'1' per epoch, '1' where Huber clips
    ∂L_j/∂ŷ_j at ±δ (all '0' for MSE and MAE); clip_note: the words for a clipped point."""
    idx = np.asarray(points, dtype=np.intp)
    x, y = data.x[idx], data.y[idx]
    node = _node(rp.config)
    with np.errstate(all="ignore"):
        y_hat = model.predict(x[None, :], rp.w[:, None], rp.b[:, None])  # (epochs, shown)
        g = _local(rp.config, y[None, :], y_hat)
        gw = g * model.dyhat_dw(x)[None, :]
        gb = g * model.dyhat_db(x)[None, :]
    return {
        "points": [int(i) for i in idx],
        "x": _texts(x),
        "y": _texts(y),
        "pg": [_texts(g[:, j]) for j in range(len(idx))],
        "pw": [_texts(gw[:, j]) for j in range(len(idx))],
        "pb": [_texts(gb[:, j]) for j in range(len(idx))],
        "clip": [_clip_flags(node, y[j], y_hat[:, j]) for j in range(len(idx))],
        "clip_note": node.clip_note,
    }


def point_data(rp: Replay, data: Dataset, i: int) -> dict[str, Any]:
    """The followed point i at every epoch, JSON-ready: x, y, and lists indexed by epoch of
    ŷ_i (yh), w·x_i (wx), L_i (li), ∂L_i/∂ŷ_i (g, also ∂L_i/∂b) and ∂L_i/∂w (gw), by the run's
    loss from the replayed w and b; note: per epoch '' or ' (clipped at ±δ)' where Huber clips."""
    if isinstance(i, bool) or not 0 <= i < rp.n:
        raise ValueError(f"There is no point {i}: the points are numbered 0 to {rp.n - 1}.")
    x, y = data.x[i : i + 1], data.y[i : i + 1]
    with np.errstate(all="ignore"):
        y_hat = model.predict(x, rp.w, rp.b)
        wx = rp.w * x
        cfg = rp.config
        loss_i = pointwise(cfg.loss, y - y_hat, cfg.huber_delta)
        g = _local(cfg, y, y_hat)
        gw = g * model.dyhat_dw(x)
        node = _node(cfg)
        note = [f" ({node.clip_note})" if c else "" for c in node.clipped(y - y_hat)]
    return {
        "i": int(i),
        "x": fmt(x[0]),
        "y": fmt(y[0]),
        "yh": _texts(y_hat),
        "wx": _texts(wx),
        "li": _texts(loss_i),
        "g": _texts(g),
        "gw": _texts(gw),
        "note": note,
    }
