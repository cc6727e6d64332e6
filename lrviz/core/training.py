"""One training epoch as a pure function, and training as that step repeated.

``step(state, data, config) -> (new_state, record)`` takes the parameters after k epochs to k+1.
The record keeps the chain-rule intermediates by their names in the maths, so the UI explains an
epoch from the numbers that produced it rather than from a second computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrviz.core import model
from lrviz.core.dataset import Dataset, Moments, make_dataset
from lrviz.core.optimizers import OPTIMIZERS, Optimizer, OptState, adam, gd, momentum

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
    article's single-point loss. seed: the shuffling of mini-batches.
    """

    lr: float
    optimizer: str = "gd"
    batch_size: int | None = None
    seed: int = 0
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

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
    before the update; loss, dL_dw, dL_db: batch MSE and its mean gradient there; delta_w,
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

    epoch: k, the epochs done before this step. w, b: parameters then. loss, dL_dw, dL_db: MSE and
    its mean gradient over all n points at (w, b). The per-point arrays (shape (n,)) are derived
    on demand from x, y, w and b, so a record costs O(1) to make even for a million points.
    """

    epoch: int
    w: float
    b: float
    x: Array
    y: Array
    loss: float
    dL_dw: float
    dL_db: float
    updates: tuple[UpdateRecord, ...]
    w_new: float
    b_new: float

    @property
    def y_hat(self) -> Array:
        """Forward pass, y_hat_i = w x_i + b."""
        return model.predict(self.x, self.w, self.b)

    @property
    def residual(self) -> Array:
        """y_i - y_hat_i."""
        return self.y - self.y_hat

    @property
    def dL_dyhat(self) -> Array:
        """-2 (y_i - y_hat_i)."""
        return model.dloss_dyhat(self.y, self.y_hat)

    @property
    def dL_dw_i(self) -> Array:
        """Per-point dL_i/dw = dL_i/dy_hat_i * dy_hat_i/dw = -2 (y_i - y_hat_i) x_i."""
        return self.dL_dyhat * model.dyhat_dw(self.x)

    @property
    def dL_db_i(self) -> Array:
        """Per-point dL_i/db = dL_i/dy_hat_i * dy_hat_i/db = -2 (y_i - y_hat_i)."""
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


def _batches(state: TrainState, n: int, config: TrainConfig) -> tuple[list, tuple]:
    """Index arrays of this epoch's batches (None = all points), and the rng state after."""
    if config.batch_size is None or config.batch_size >= n:
        return [None], state.rng_state
    rng = _thaw_rng(state.rng_state)
    perm = rng.permutation(n)
    size = config.batch_size
    return [perm[i : i + size] for i in range(0, n, size)], _freeze_rng(rng)


def step(state: TrainState, data: Dataset, config: TrainConfig) -> tuple[TrainState, StepRecord]:
    """One epoch: every batch in turn is one optimizer update. Pure; O(1) on the full batch.

    Floating-point overflow is expected when a run diverges; it is reported through non-finite
    values in the record (see ``train``), never as a warning.
    """
    opt = config.make_optimizer()
    batches, rng_state = _batches(state, data.n, config)
    w, b, opt_state = state.w, state.b, state.opt_state
    updates = []
    with np.errstate(all="ignore"):
        full_loss = float(data.moments.loss(state.w, state.b))
        full_grad = data.moments.grad(state.w, state.b)
        for idx in batches:
            if idx is None:
                loss, grad = full_loss, full_grad
            else:
                m = Moments.of(data.x[idx], data.y[idx])
                loss, grad = float(m.loss(w, b)), m.grad(w, b)
            (dw, db), opt_state = opt.update(grad, opt_state)
            updates.append(UpdateRecord(idx, w, b, loss, grad[0], grad[1], dw, db, opt_state))
            w, b = w + dw, b + db
    record = StepRecord(
        epoch=state.epoch,
        w=state.w,
        b=state.b,
        x=data.x,
        y=data.y,
        loss=full_loss,
        dL_dw=full_grad[0],
        dL_db=full_grad[1],
        updates=tuple(updates),
        w_new=w,
        b_new=b,
    )
    new_state = replace(
        state, epoch=state.epoch + 1, w=w, b=b, opt_state=opt_state, rng_state=rng_state
    )
    return new_state, record


def evaluate(state: TrainState, data: Dataset) -> tuple[float, float, float]:
    """(loss, dL/dw, dL/db) over all data at the state's parameters, in O(1)."""
    with np.errstate(all="ignore"):
        loss = float(data.moments.loss(state.w, state.b))
        dw, db = data.moments.grad(state.w, state.b)
    return loss, dw, db


@dataclass(frozen=True, eq=False)
class History:
    """A run, epoch by epoch. Read-only float64 arrays of length epochs_run + 1.

    Index k means "after k epochs": loss[k] is the MSE over all data at (w[k], b[k]) and
    (dw[k], db[k]) the full-data gradient there. diverged_at is the epoch whose values were no
    longer finite (or had blown up past DIVERGENCE_FACTOR); the arrays stop just before it.
    """

    w: Array
    b: Array
    loss: Array
    dw: Array
    db: Array
    diverged_at: int | None
    epochs: int

    @property
    def epochs_run(self) -> int:
        return len(self.w) - 1


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
) -> History:
    """Train for ``epochs`` epochs by repeating ``step``; stop early on divergence.

    Costs O(n) once plus O(1) per epoch on the full batch, O(n) per epoch with mini-batches.
    """
    if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool) or epochs < 0:
        raise ValueError(f"epochs must be a whole number of 0 or more, not {epochs!r}.")
    data = make_dataset(x, y, copy=False)  # used only within this call
    config = TrainConfig(lr, optimizer, batch_size, seed, momentum, beta1, beta2, eps)
    return run(data, config, init_state(data, config, w0, b0), int(epochs))


def run(data: Dataset, config: TrainConfig, state: TrainState, epochs: int) -> History:
    """Repeat ``step`` from ``state`` for ``epochs`` epochs and collect the History."""
    rows: list[tuple[float, float, float, float, float]] = []
    limit = math.inf
    diverged_at = None
    for k in range(epochs + 1):
        if k < epochs:
            new_state, rec = step(state, data, config)
            loss, dw, db = rec.loss, rec.dL_dw, rec.dL_db
        else:
            loss, dw, db = evaluate(state, data)
        if k == 0:
            m = data.moments
            mean_y2 = m.syy + m.y_mean * m.y_mean
            scale = max(loss, mean_y2) if math.isfinite(loss) else 0.0
            limit = DIVERGENCE_FACTOR * scale if scale > 0 else math.inf
        if _blew_up((state.w, state.b, loss, dw, db), loss, limit):
            diverged_at = state.epoch
            break
        rows.append((state.w, state.b, loss, dw, db))
        if k < epochs:
            state = new_state
    cols = np.array(rows, dtype=np.float64).reshape(-1, 5).T.copy()
    cols.setflags(write=False)
    return History(*cols, diverged_at=diverged_at, epochs=epochs)


def record_at(
    data: Dataset, config: TrainConfig, w0: float, b0: float, epoch: int
) -> tuple[TrainState, StepRecord]:
    """The state after ``epoch`` epochs and the record of the step taken from there.

    Replays ``step`` from (w0, b0): the same code path as ``train``, so an explanation of epoch k
    shows exactly the numbers that produced the History. Costs O(epoch) steps.
    """
    if not isinstance(epoch, int | np.integer) or isinstance(epoch, bool) or epoch < 0:
        raise ValueError(f"epoch must be a whole number of 0 or more, not {epoch!r}.")
    state = init_state(data, config, w0, b0)
    for _ in range(int(epoch)):
        state, _ = step(state, data, config)
    return state, step(state, data, config)[1]
