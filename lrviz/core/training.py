"""One training epoch as a pure function, and training as that step repeated.

``step(state, data, config) -> (new_state, record)`` takes the parameters after k epochs to k+1.
The record keeps the chain-rule intermediates by their names in the maths, so the UI explains an
epoch from the numbers that produced it rather than from a second computation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrviz.core import model
from lrviz.core.batches import (
    Centred,
    batch_grad,
    batch_means,
    centre,
    point_batch_grad,
    point_batches,
)
from lrviz.core.budget import updates_per_epoch
from lrviz.core.dataset import Dataset, make_dataset
from lrviz.core.fastpath import advance_epoch
from lrviz.core.losses import check_loss, dl_dyhat, mean_loss_and_grad, pointwise
from lrviz.core.optimizers import (
    OPTIMIZERS,
    AdamState,
    Optimizer,
    OptState,
    adam,
    gd,
    momentum,
)
from lrviz.core.updates import UpdateLog, opt_columns, opt_state_from

Array = NDArray[np.float64]

# A loss this many times above its scale at the start (the larger of the starting loss and
# mean(y^2)) only grows from there: plain GD below the stable rate never raises the loss, and the
# overshoot of momentum or Adam stays orders of magnitude smaller. Stopping here keeps the story
# readable ("diverged at epoch 8") instead of plotting a hundred epochs on the way to inf.
DIVERGENCE_FACTOR = 1e12


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of a run. Raises ValueError on values that make no sense.

    lr: learning rate alpha (> 0). batch_size: None (or >= n) for full batch; 1 is SGD on the
    article's single-point loss. seed: the shuffling of mini-batches. loss: "mse" (the
    article's), "mae" or "huber", with huber_delta (> 0) the width of Huber's quadratic band,
    in y's units; see ``losses`` for each loss and its derivative.
    """

    lr: float
    optimizer: str = "gd"
    batch_size: int | None = None
    seed: int = 0
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    loss: str = "mse"
    huber_delta: float = 1.0

    def __post_init__(self) -> None:
        if not _is_real(self.lr) or not math.isfinite(self.lr) or self.lr <= 0:
            raise ValueError(f"The learning rate must be a positive number, not {self.lr!r}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"Unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}."
            )
        if self.batch_size is not None and (
            not isinstance(self.batch_size, int | np.integer)
            or isinstance(self.batch_size, bool)
            or self.batch_size < 1
        ):
            raise ValueError(
                f"The batch size must be a whole number of at least 1, not {self.batch_size!r}."
            )
        if not isinstance(self.seed, int | np.integer) or isinstance(self.seed, bool):
            raise ValueError(f"The seed must be a whole number, not {self.seed!r}.")
        if self.seed < 0:
            raise ValueError(f"The seed must be 0 or more, not {self.seed}.")
        for name in ("momentum", "beta1", "beta2"):
            value = getattr(self, name)
            if not _is_real(value) or not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must be a number in [0, 1), not {value!r}.")
        if not _is_real(self.eps) or not math.isfinite(self.eps) or self.eps <= 0:
            raise ValueError(f"eps must be a small positive number, not {self.eps!r}.")
        check_loss(self.loss, self.huber_delta)

    def make_optimizer(self) -> Optimizer:
        """The optimizer this config names, as an init/update pair."""
        if self.optimizer == "gd":
            return gd(self.lr)
        if self.optimizer in ("momentum", "nesterov"):
            return momentum(self.lr, self.momentum, nesterov=self.optimizer == "nesterov")
        return adam(self.lr, self.beta1, self.beta2, self.eps)


def _is_real(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


@dataclass(frozen=True)
class TrainState:
    """Where a run is after ``epoch`` epochs: parameters, optimizer state and shuffling state.

    rng_state is the PCG64 state (state, inc, has_uint32, uinteger) of the run's single
    ``np.random.default_rng(seed)``, kept as a tuple so the state stays immutable.
    """

    epoch: int
    w: float
    b: float
    opt_state: OptState
    rng_state: tuple[int, int, int, int]


@dataclass(frozen=True, eq=False)
class UpdateRecord:
    """One optimizer update, from one batch.

    indices: the points in the batch (shape (m,)), or None for the full batch. w, b: parameters
    before the update; loss, dL_dw, dL_db: the batch's loss (the run's: MSE, MAE or Huber) and
    its mean gradient there; delta_w,
    delta_b: the change the optimizer made; opt_state: the optimizer's state after it.
    """

    indices: NDArray[np.intp] | None
    w: float
    b: float
    loss: float
    dL_dw: float
    dL_db: float
    delta_w: float
    delta_b: float
    opt_state: OptState


@dataclass(frozen=True, eq=False)
class StepRecord:
    """The chain rule at the start of one epoch, over all the data, and the updates it made.

    epoch: k, the epochs done before this step. w, b: parameters then. loss, dL_dw, dL_db: the
    loss and its mean gradient over all n points at (w, b). updates: one UpdateRecord per
    batch, in order (a tuple on the full batch; with mini-batches an ``updates.UpdateLog``,
    a read-only sequence that keeps them as columns). loss_name ("mse", "mae", "huber") and
    huber_delta say which loss. The per-point arrays (shape (n,)) are derived on demand
    from x, y, w and b, so a record costs O(1) to make even for a million points.
    """

    epoch: int
    w: float
    b: float
    x: Array
    y: Array
    loss: float
    dL_dw: float
    dL_db: float
    updates: Sequence[UpdateRecord]
    w_new: float
    b_new: float
    loss_name: str = "mse"
    huber_delta: float = 1.0

    @property
    def y_hat(self) -> Array:
        """Forward pass, y_hat_i = w x_i + b."""
        return model.predict(self.x, self.w, self.b)

    @property
    def residual(self) -> Array:
        """y_i - y_hat_i."""
        return self.y - self.y_hat

    @property
    def loss_i(self) -> Array:
        """Per-point loss L_i: (y_i - y_hat_i)^2, |y_i - y_hat_i| or Huber's."""
        return pointwise(self.loss_name, self.residual, self.huber_delta)

    @property
    def dL_dyhat(self) -> Array:
        """The loss node's local derivative dL_i/dy_hat_i: -2 (y_i - y_hat_i) for MSE,
        -sign(y_i - y_hat_i) for MAE (0 where the residual is 0), -clip(y_i - y_hat_i, -delta,
        delta) for Huber."""
        if self.loss_name == "mse":
            return model.dloss_dyhat(self.y, self.y_hat)
        return dl_dyhat(self.loss_name, self.residual, self.huber_delta)

    @property
    def dL_dw_i(self) -> Array:
        """Per-point dL_i/dw = dL_i/dy_hat_i * dy_hat_i/dw (MSE: -2 (y_i - y_hat_i) x_i)."""
        return self.dL_dyhat * model.dyhat_dw(self.x)

    @property
    def dL_db_i(self) -> Array:
        """Per-point dL_i/db = dL_i/dy_hat_i * dy_hat_i/db (MSE: -2 (y_i - y_hat_i))."""
        return self.dL_dyhat * model.dyhat_db(self.x)

    @property
    def delta_w(self) -> float:
        """Total change of w over the epoch."""
        return self.w_new - self.w

    @property
    def delta_b(self) -> float:
        """Total change of b over the epoch."""
        return self.b_new - self.b


def _freeze_rng(rng: np.random.Generator) -> tuple[int, int, int, int]:
    s = rng.bit_generator.state
    return (s["state"]["state"], s["state"]["inc"], s["has_uint32"], s["uinteger"])


def _thaw_rng(frozen: tuple[int, int, int, int]) -> np.random.Generator:
    bit_gen = np.random.PCG64()
    bit_gen.state = {
        "bit_generator": "PCG64",
        "state": {"state": frozen[0], "inc": frozen[1]},
        "has_uint32": frozen[2],
        "uinteger": frozen[3],
    }
    return np.random.Generator(bit_gen)


def init_state(data: Dataset, config: TrainConfig, w0: float = 0.0, b0: float = 0.0) -> TrainState:
    """The state before any epoch: (w0, b0), a fresh optimizer state and rng(seed)."""
    for name, value in (("w0", w0), ("b0", b0)):
        if not _is_real(value) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, not {value!r}.")
        if abs(value) > 1e150:
            raise ValueError(f"{name} = {value:.3g} is too large; keep it within ±1e150.")
    w, b = float(w0), float(b0)
    opt = config.make_optimizer()
    return TrainState(0, w, b, opt.init((w, b)), _freeze_rng(np.random.default_rng(config.seed)))


def _is_full_batch(n: int, config: TrainConfig) -> bool:
    return config.batch_size is None or config.batch_size >= n


def _permutation(
    rng_state: tuple[int, int, int, int], n: int
) -> tuple[NDArray[np.intp], tuple[int, int, int, int]]:
    """This epoch's shuffle of range(n), and the rng state after it."""
    rng = _thaw_rng(rng_state)
    perm = rng.permutation(n)
    return perm, _freeze_rng(rng)


def step(state: TrainState, data: Dataset, config: TrainConfig) -> tuple[TrainState, StepRecord]:
    """One epoch: every batch in turn is one optimizer update. Pure.

    MSE costs O(1) on the full batch (the data's moments) and O(n) with mini-batches (one
    vectorized pass for every batch's means, see ``batches``); MAE and Huber cost O(n) either
    way. Floating-point overflow is expected when a run diverges; it is reported through
    non-finite values in the record (see ``train``), never as a warning.
    """
    return _step(state, data, config, None)


def step_prefix(state: TrainState, data: Dataset, config: TrainConfig, updates: int) -> StepRecord:
    """The record of the first ``updates`` (>= 1) updates of the epoch ``step`` takes from
    ``state``, by the same code: its updates are step's first ones, bit for bit, and w_new,
    b_new the parameters after them (the epoch's end only when it makes no more updates).

    Costs O(n) plus O(updates) where step costs O(n) plus O(updates per epoch): an explanation
    of an epoch's first update need not walk the other 100,000 of a one-point epoch.
    """
    if not isinstance(updates, int | np.integer) or isinstance(updates, bool) or updates < 1:
        raise ValueError(f"updates must be a whole number of at least 1, not {updates!r}.")
    return _step(state, data, config, int(updates))[1]


def _step(
    state: TrainState, data: Dataset, config: TrainConfig, limit: int | None
) -> tuple[TrainState, StepRecord]:
    """step, stopped after ``limit`` updates when given (the state is then mid-epoch)."""
    opt = config.make_optimizer()
    w, b, opt_state = state.w, state.b, state.opt_state
    rng_state = state.rng_state
    updates = []
    log: UpdateLog | None = None
    mse = config.loss == "mse"
    with np.errstate(all="ignore"):
        c = None if mse else centre(data)
        full_loss, gw0, gb0 = evaluate(state, data, config, c)
        full_grad = (gw0, gb0)
        if _is_full_batch(data.n, config):
            (dw, db), opt_state = opt.update(full_grad, opt_state)
            updates.append(UpdateRecord(None, w, b, full_loss, gw0, gb0, dw, db, opt_state))
            w, b = w + dw, b + db
        else:
            assert config.batch_size is not None
            perm, rng_state = _permutation(state.rng_state, data.n)
            c = c or centre(data)
            # A prefix of updates needs the means of its own batches only (the same sums).
            end = data.n if limit is None else min(data.n, limit * config.batch_size)
            head = perm[:end]
            rows = []
            grad_of: Callable[[int, float, float], tuple[float, float]]
            if mse:
                means = batch_means(c, head, config.batch_size)
                starts = means.starts
                cols = list(zip(*(a.tolist() for a in means[1:]), strict=True))

                def grad_of(j: int, w: float, b: float) -> tuple[float, float]:
                    return batch_grad(w, b, c.mx, c.my, *cols[j])
            else:
                pb = point_batches(c, head, config.batch_size)
                starts = np.array([lo for lo, _ in pb.bounds], dtype=np.intp)

                def grad_of(j: int, w: float, b: float) -> tuple[float, float]:
                    return point_batch_grad(
                        pb, j, c.mx, c.my, w, b, config.loss, config.huber_delta
                    )

            opt_rows = []
            count0 = opt_state.count if isinstance(opt_state, AdamState) else 0
            for j in range(len(starts)):
                grad = grad_of(j, w, b)
                (dw, db), opt_state = opt.update(grad, opt_state)
                rows.append((w, b, grad[0], grad[1], dw, db))
                opt_rows.append(opt_columns(opt_state))
                w, b = w + dw, b + db
            values = np.array(rows, dtype=np.float64).reshape(len(rows), 6)
            losses = _batch_losses(data, config, head, starts, values[:, 0], values[:, 1])
            values = np.insert(values, 2, losses, axis=1)  # (w, b, loss, dL_dw, ...)
            width = len(opt_rows[0])
            log = UpdateLog(
                perm,
                np.append(starts, end),
                values,
                np.array(opt_rows, dtype=np.float64).reshape(len(opt_rows), width),
                config.optimizer,
                count0,
            )
    record = StepRecord(
        epoch=state.epoch,
        w=state.w,
        b=state.b,
        x=data.x,
        y=data.y,
        loss=full_loss,
        dL_dw=full_grad[0],
        dL_db=full_grad[1],
        updates=log if log is not None else tuple(updates),
        w_new=w,
        b_new=b,
        loss_name=config.loss,
        huber_delta=float(config.huber_delta),
    )
    new_state = replace(
        state, epoch=state.epoch + 1, w=w, b=b, opt_state=opt_state, rng_state=rng_state
    )
    return new_state, record


def _batch_losses(
    data: Dataset,
    config: TrainConfig,
    perm: NDArray[np.intp],
    starts: NDArray[np.intp],
    ws: Array,
    bs: Array,
) -> Array:
    """Each batch's loss at its parameters (ws[j], bs[j]) before its update, vectorized.

    perm: the points of these batches in order (the epoch's shuffle, or its first batches')."""
    counts = np.diff(np.append(starts, len(perm)))
    r = data.y[perm] - (np.repeat(ws, counts) * data.x[perm] + np.repeat(bs, counts))
    per_point = pointwise(config.loss, r, config.huber_delta)
    return np.add.reduceat(per_point, starts) / counts


def evaluate(
    state: TrainState,
    data: Dataset,
    config: TrainConfig | None = None,
    centred: Centred | None = None,
) -> tuple[float, float, float]:
    """(loss, dL/dw, dL/db) over all data at the state's parameters.

    The loss is the config's (MSE without a config): O(1) for MSE from the data's moments, O(n)
    for MAE and Huber. centred: ``batches.centre(data)`` when the caller has it already.
    """
    with np.errstate(all="ignore"):
        return _evaluate(state, data, config, centred)


def _evaluate(
    state: TrainState, data: Dataset, config: TrainConfig | None, centred: Centred | None
) -> tuple[float, float, float]:
    # evaluate() without its errstate, for loops that set it once (entering it costs more
    # than an MSE epoch).
    if config is None or config.loss == "mse":
        loss = float(data.moments.loss(state.w, state.b))
        dw, db = data.moments.grad(state.w, state.b)
        return loss, dw, db
    c = centred or centre(data)
    return mean_loss_and_grad(
        c.u, c.v, c.mx, c.my, state.w, state.b, config.loss, config.huber_delta
    )


@dataclass(frozen=True, eq=False)
class EpochTrace:
    """What a run needs to restart at any epoch k without replaying epochs 0..k-1.

    config: the run's TrainConfig. n: its number of points. opt: the optimizer state at the
    start of each epoch, shape (epochs_run + 1, columns): no columns for gd, the velocity
    (v_w, v_b) for momentum and nesterov, (m_w, m_b, v_w, v_b) for Adam (whose step count at
    epoch k is k * updates_per_epoch). rng: the shuffling rng's state at the start of each
    epoch as uint64 columns (state >> 64, state & (2^64 - 1), has_uint32, uinteger), with
    rng_inc, PCG64's increment, which never changes.
    """

    config: TrainConfig
    n: int
    updates_per_epoch: int
    opt: NDArray[np.float64]
    rng: NDArray[np.uint64]
    rng_inc: int


@dataclass(frozen=True, eq=False)
class History:
    """A run, epoch by epoch. Read-only float64 arrays of length epochs_run + 1.

    Index k means "after k epochs": loss[k] is the run's loss (MSE unless the config names
    another) over all data at (w[k], b[k]) and (dw[k], db[k]) the full-data gradient there.
    diverged_at is the epoch whose values were no longer finite (or had blown up past
    DIVERGENCE_FACTOR); the arrays stop just before it.
    trace: the optimizer and shuffling state at each epoch when ``run`` made the History (None
    for a History built by hand); ``state_at`` and ``record_at(..., history=)`` use it.
    """

    w: Array
    b: Array
    loss: Array
    dw: Array
    db: Array
    diverged_at: int | None
    epochs: int
    trace: EpochTrace | None = None

    @property
    def epochs_run(self) -> int:
        return len(self.w) - 1

    def state_at(self, epoch: int) -> TrainState:
        """The TrainState after ``epoch`` epochs (0 <= epoch <= epochs_run), in O(1).

        Raises ValueError when the History has no trace or the epoch is out of its range.
        """
        if self.trace is None:
            raise ValueError("This History has no trace of its optimizer state; replay instead.")
        if not isinstance(epoch, int | np.integer) or not 0 <= epoch <= self.epochs_run:
            raise ValueError(f"epoch must be a whole number in [0, {self.epochs_run}].")
        k = int(epoch)
        t = self.trace
        opt_state = opt_state_from(t.config.optimizer, t.opt[k].tolist(), k * t.updates_per_epoch)
        hi, lo, has32, u32 = (int(v) for v in t.rng[k])
        rng_state = ((hi << 64) | lo, t.rng_inc, has32, u32)
        return TrainState(k, float(self.w[k]), float(self.b[k]), opt_state, rng_state)


_MASK64 = (1 << 64) - 1


def _rng_columns(rng_state: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return (rng_state[0] >> 64, rng_state[0] & _MASK64, rng_state[2], rng_state[3])


def _blew_up(values: tuple[float, ...], loss: float, limit: float) -> bool:
    return not all(math.isfinite(v) for v in values) or loss > limit


def train(
    x: ArrayLike,
    y: ArrayLike,
    *,
    epochs: int,
    lr: float,
    w0: float = 0.0,
    b0: float = 0.0,
    optimizer: str = "gd",
    batch_size: int | None = None,
    seed: int = 0,
    momentum: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    loss: str = "mse",
    huber_delta: float = 1.0,
) -> History:
    """Train for ``epochs`` epochs by repeating ``step``; stop early on divergence.

    Costs O(n) once plus, for MSE, O(1) per epoch on the full batch and O(n) per epoch with
    mini-batches; O(n) per epoch for MAE and Huber. loss, huber_delta: see TrainConfig.
    """
    if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool) or epochs < 0:
        raise ValueError(f"epochs must be a whole number of 0 or more, not {epochs!r}.")
    data = make_dataset(x, y, copy=False)  # used only within this call
    config = TrainConfig(
        lr, optimizer, batch_size, seed, momentum, beta1, beta2, eps, loss, huber_delta
    )
    return run(data, config, init_state(data, config, w0, b0), int(epochs))


def run(data: Dataset, config: TrainConfig, state: TrainState, epochs: int) -> History:
    """Train from ``state`` for ``epochs`` epochs and collect the History, with its trace.

    Bit for bit ``step`` repeated, without building records. MSE: on the full batch each
    epoch is one O(1) update; with mini-batches one vectorized pass gives every batch's means
    and a scalar loop (``fastpath``) walks them, well under a microsecond per update. MAE and
    Huber: one vectorized pass per full-batch epoch; with mini-batches each batch's points are
    summed at its turn (``batches.point_batch_grad``).
    """
    rows: list[tuple[float, float, float, float, float]] = []
    opt_rows: list[tuple[float, ...]] = []
    rng_rows: list[tuple[int, int, int, int]] = []
    limit = math.inf
    diverged_at = None
    full = _is_full_batch(data.n, config)
    mse = config.loss == "mse"
    opt = config.make_optimizer()
    c = None if full and mse else centre(data)
    # Overflow is expected when a run diverges; it is caught by _blew_up, never warned about.
    with np.errstate(all="ignore"):
        for k in range(epochs + 1):
            loss, dw, db = _evaluate(state, data, config, c)
            if k == 0:
                m = data.moments
                mean_y2 = m.syy + m.y_mean * m.y_mean
                scale = max(loss, mean_y2) if math.isfinite(loss) else 0.0
                limit = DIVERGENCE_FACTOR * scale if scale > 0 else math.inf
            if _blew_up((state.w, state.b, loss, dw, db), loss, limit):
                diverged_at = state.epoch
                break
            rows.append((state.w, state.b, loss, dw, db))
            opt_rows.append(opt_columns(state.opt_state))
            rng_rows.append(_rng_columns(state.rng_state))
            if k == epochs:
                break
            if full:
                (uw, ub), opt_state = opt.update((dw, db), state.opt_state)
                w, b = state.w + uw, state.b + ub
                state = TrainState(state.epoch + 1, w, b, opt_state, state.rng_state)
            else:
                assert c is not None and config.batch_size is not None
                perm, rng_state = _permutation(state.rng_state, data.n)
                batches = (batch_means if mse else point_batches)(c, perm, config.batch_size)
                w, b, opt_state = advance_epoch(
                    state.w, state.b, state.opt_state, batches, c.mx, c.my, config
                )
                state = TrainState(state.epoch + 1, w, b, opt_state, rng_state)
    cols = np.array(rows, dtype=np.float64).reshape(-1, 5).T.copy()
    cols.setflags(write=False)
    width = len(opt_rows[0]) if opt_rows else 0
    opt_cols = np.array(opt_rows, dtype=np.float64).reshape(len(opt_rows), width)
    rng_cols = np.array(rng_rows, dtype=np.uint64).reshape(-1, 4)
    for a in (opt_cols, rng_cols):
        a.setflags(write=False)
    trace = EpochTrace(
        config,
        data.n,
        updates_per_epoch(data.n, config.batch_size),
        opt_cols,
        rng_cols,
        state.rng_state[1],
    )
    return History(*cols, diverged_at=diverged_at, epochs=epochs, trace=trace)


def record_at(
    data: Dataset,
    config: TrainConfig,
    w0: float,
    b0: float,
    epoch: int,
    history: History | None = None,
) -> tuple[TrainState, StepRecord]:
    """The state after ``epoch`` epochs and the record of the step taken from there.

    The record comes from ``step``: the same code path as ``train``, so an explanation of epoch
    k shows exactly the numbers that produced the History. Without ``history`` it replays
    ``epoch`` steps from (w0, b0), O(epoch) steps. With ``history`` (the History that ``run``
    or ``train`` made from this data, config, w0 and b0) it starts from its stored state at
    that epoch and costs one step, whatever the epoch; past the History's last epoch (a run
    that diverged) it replays from there. Raises ValueError if the History belongs to another
    run (other config, n, or start).
    """
    if not isinstance(epoch, int | np.integer) or isinstance(epoch, bool) or epoch < 0:
        raise ValueError(f"epoch must be a whole number of 0 or more, not {epoch!r}.")
    epoch = int(epoch)
    if history is not None and history.trace is not None:
        t = history.trace
        if t.config != config or t.n != data.n:
            raise ValueError("record_at: this History was trained with other settings or data.")
        start = init_state(data, config, w0, b0)
        if (float(history.w[0]), float(history.b[0])) != (start.w, start.b):
            raise ValueError("record_at: this History starts from another (w0, b0).")
        state = history.state_at(min(epoch, history.epochs_run))
    else:
        state = init_state(data, config, w0, b0)
    while state.epoch < epoch:
        state, _ = step(state, data, config)
    return state, step(state, data, config)[1]
