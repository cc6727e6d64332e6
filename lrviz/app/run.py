"""A run: the settings, the trained trajectory framed for drawing, and where Play stops."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from lrviz.app.settings import MAX_EPOCHS, RunSettings
from lrviz.core import (
    LOSS_NAMES,
    Dataset,
    epochs_within,
    evaluate,
    init_state,
    points_per_epoch,
    run,
    update_cost,
    updates_per_epoch,
)
from lrviz.figures.scene import Scene, make_scene
from lrviz.notation.numbers import fmt

MAX_UPDATES = 200_000
"""Work budget of one run, in optimizer updates (epochs x updates per epoch), decided before
training. A run asking for more is cut to the epochs that fit, with a message (see
work_budget). Full batch makes one update per epoch, so it is never cut; one point (SGD) on
10,000 points makes 10,000 per epoch, so it gets 20 epochs. Tuned from the measured cost of
one mini-batch update (benchmarks): it bounds the server time a link or a click can ask for."""

MAX_ROBUST_DATA = 20_000
"""Most points MAE and Huber are trained on here. MSE needs only its data's moments; the robust
losses visit every point for each epoch's loss, their loss surface sorts a column of residuals
per grid line and Huber's minimum takes Newton steps over all points: on 100,000 points those
fixed costs alone measured 0.5-3 s (benchmarks/bench_extremes.py), however few epochs run. The
generator's limit (10,000) stays well inside; a larger upload is refused for them, in words."""

MAX_POINTS = 5_000_000
"""Work budget of one run in point visits, weighted by the core's points_per_epoch: every
mini-batch epoch shuffles and sums all n points (mini-batches of n - 1 on 100,000 points are 2
updates but 10⁵ visits an epoch), MAE and Huber's full batch too; MSE's full batch is O(1).
With update_cost, which counts MAE and Huber's mini-batch updates double, it keeps a robust run
about as cheap as the MSE run MAX_UPDATES allows (benchmarks/bench_extremes.py). Measured:
the run and its payload cost about 3 passes per point visit (training, the chain view's first
update of each epoch, the path inside the epochs), 50-60 ns a visit here; at 10⁷ visits
mini-batches of n - 1 on 100,000 points took 0.52-0.55 s, above the 0.5 s goal, so 5×10⁶."""

CONVERGENCE_RTOL = 1e-12
"""Converged: loss - optimum loss <= CONVERGENCE_RTOL * loss scale (see convergence_threshold)."""

MAX_START_LOSS = 1e300
"""Largest starting loss a run accepts. Past it the drawing's headroom (a few times the loss)
and the first update's squares overflow float64; (w0, b0) = (0, 0) is always within it, as the
loss there is mean(y^2) and |y| <= 1e150."""

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True, eq=False)
class Run:
    """A trained run ready to play.

    run_id: names this run to the browser (same settings and data, same id).
    converged_at: first epoch that meets the convergence test (run_converged_at), or None.
    stops: epochs where Play stops by itself, increasing: convergence, then the last epoch
    (the end of the budget, or the last finite epoch of a diverged run).
    note: why the epochs were cut to the work budget (plain text), "" when they were not;
    settings.epochs is then the epochs that ran. tolerance: the convergence threshold
    (convergence_threshold), in loss units.
    """

    run_id: str
    settings: RunSettings
    scene: Scene
    converged_at: int | None
    stops: tuple[int, ...]
    note: str = ""
    tolerance: float = 0.0


# ---- the work budget ------------------------------------------------------------------------


class Budget(NamedTuple):
    """The work a run asks for and what it gets.

    per_epoch: updates per epoch. asked: epochs asked for. epochs: epochs that fit MAX_UPDATES
    (= asked when nothing is cut). message: plain text naming the numbers and the way out, ""
    when nothing is cut.
    """

    per_epoch: int
    asked: int
    epochs: int
    message: str

    @property
    def capped(self) -> bool:
        return self.epochs < self.asked


def power_text(value: float) -> str:
    """A large count the way a person writes it: 10,000; 5×10⁷; 2.5×10⁸."""
    if value < 1e6:
        return f"{value:,.0f}"
    exponent = math.floor(math.log10(value))
    mantissa = float(f"{value / 10**exponent:.2g}")
    head = "" if mantissa == 1 else f"{mantissa:g}×"
    return f"{head}10{str(exponent).translate(_SUPERSCRIPT)}"


def _nice_at_least(value: float) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is >= value (>= 1)."""
    exponent = max(math.floor(math.log10(max(value, 1.0))), 0)
    for base in (10**exponent, 10 ** (exponent + 1)):
        for mult in (1.0, 2.0, 2.5, 5.0):
            if mult * base >= value and float(mult * base).is_integer():
                return int(mult * base)
    return math.ceil(value)


def _batch_words(n: int, batch_size: int | None) -> str:
    if batch_size is None or batch_size >= n:
        return f"The full batch on {n:,} points"
    if batch_size == 1:
        return f"One point (SGD) on {n:,} points"
    return f"Mini-batches of {batch_size:,} on {n:,} points"


def work_budget(
    n: int,
    batch_size: int | None,
    epochs: int,
    max_updates: int | None = None,
    loss: str = "mse",
    max_points: int | None = None,
) -> Budget:
    """How many of `epochs` epochs fit the work budget, and the message if they do not all.

    n: data points; batch_size: None for the full batch; max_updates: MAX_UPDATES by default.
    loss: "mse", "mae" or "huber". All are bounded in point visits (points_per_epoch, at most
    max_points, MAX_POINTS by default): MSE's mini-batch epochs shuffle and sum every point,
    its full batch visits none; MAE and Huber also in updates weighted by update_cost. The cut
    keeps at least one epoch (one epoch is at most n <= 100,000 updates), so a run always moves.
    """
    max_updates = MAX_UPDATES if max_updates is None else max_updates
    if loss != "mse":
        return _robust_budget(n, batch_size, epochs, max_updates, loss, max_points)
    per_epoch = updates_per_epoch(n, batch_size)
    max_points = MAX_POINTS if max_points is None else max_points
    visits = points_per_epoch(n, batch_size, loss)
    if epochs * per_epoch <= max_updates and epochs * visits <= max_points:
        return Budget(per_epoch, epochs, epochs, "")
    kept = epochs_within(n, batch_size, epochs, max_updates, max_points, loss)
    if kept >= epochs:
        return Budget(per_epoch, epochs, epochs, "")
    if visits and max_points // visits < max_updates // per_epoch:
        # The points bind first: each epoch shuffles and sums every point (mini-batches of n - 1
        # are 2 updates an epoch, but n visits).
        message = (
            f"{_batch_words(n, batch_size)} mean a pass over all {n:,} points every epoch; "
            f"{epochs:,} epochs would be {power_text(epochs * visits)} point visits, above "
            f"this page's limit of {power_text(max_points)} per run. Showing the first "
            f"{kept:,} epoch{'s' if kept > 1 else ''}. "
            + (
                "Use the full batch, or fewer epochs, for more."
                if epochs <= max_updates  # the full batch makes one update an epoch
                else "Ask for fewer epochs."
            )
        )
        return Budget(per_epoch, epochs, kept, message)
    # The batch that would let every asked epoch fit, rounded up to a number one types.
    fits = max_updates // epochs
    if per_epoch == 1 or fits < 1:
        way = "Ask for fewer epochs."
    elif _nice_at_least(n / fits) >= n or epochs * n > max_points:
        # Every mini-batch epoch visits all n points: past MAX_POINTS only the full batch fits.
        way = "Use the full batch, or fewer epochs, for more."
    else:
        way = f"Use mini-batches of {_nice_at_least(n / fits):,}, or fewer epochs, for more."
    message = (
        f"{_batch_words(n, batch_size)} {'mean' if 1 < (batch_size or n) < n else 'means'} "
        f"{per_epoch:,} update{'s' if per_epoch > 1 else ''} "
        f"per epoch; {epochs:,} epochs would be {power_text(epochs * per_epoch)}, above this "
        f"page's limit of {power_text(max_updates)} updates per run. Showing the first "
        f"{kept:,} epoch{'s' if kept > 1 else ''}. {way}"
    )
    return Budget(per_epoch, epochs, kept, message)


def _robust_budget(
    n: int,
    batch_size: int | None,
    epochs: int,
    max_updates: int,
    loss: str,
    max_points: int | None,
) -> Budget:
    """work_budget for MAE and Huber: the core's epochs_within on both weighted bounds."""
    max_points = MAX_POINTS if max_points is None else max_points
    per_epoch = updates_per_epoch(n, batch_size)
    kept = epochs_within(n, batch_size, epochs, max_updates, max_points, loss)
    if kept >= epochs:
        return Budget(per_epoch, epochs, epochs, "")
    cost = update_cost(n, batch_size, loss)
    visits = points_per_epoch(n, batch_size, loss)
    name = LOSS_NAMES.get(loss, loss)
    if epochs * cost > max_updates:
        weight = cost // per_epoch
        why = (
            f"{per_epoch:,} updates per epoch, each worth {weight} MSE updates; {epochs:,} "
            f"epochs would be {power_text(epochs * cost)}, above this page's limit of "
            f"{power_text(max_updates)} updates per run"
        )
    else:
        why = (
            f"a pass over the points every epoch, worth {visits:,} point visits; {epochs:,} "
            f"epochs would be {power_text(epochs * visits)}, above this page's limit of "
            f"{power_text(max_points)} per run"
        )
    message = (
        f"{name} has no shortcut through the data's moments. {_batch_words(n, batch_size)} "
        f"{'mean' if 1 < (batch_size or n) < n else 'means'} {why}. Showing the first "
        f"{kept:,} epoch{'s' if kept > 1 else ''}. Ask for fewer epochs, or use MSE, for more."
    )
    return Budget(per_epoch, epochs, kept, message)


def capped(n: int, settings: RunSettings) -> tuple[RunSettings, str]:
    """settings with its epochs cut to the work budget on n points, and the message ("" if
    nothing was cut). Everything that makes a run goes through this rule."""
    config = settings.config
    budget = work_budget(n, config.batch_size, settings.epochs, loss=config.loss)
    if not budget.capped:
        return settings, ""
    return replace(settings, epochs=budget.epochs), budget.message


# ---- refusals made before training ----------------------------------------------------------


def robust_size_problem(n: int, loss: str) -> str:
    """Why MAE or Huber cannot be trained on n points here (plain text), or "" when it can."""
    if loss == "mse" or n <= MAX_ROBUST_DATA:
        return ""
    name = LOSS_NAMES.get(loss, loss)
    return (
        f"{name} is limited to {MAX_ROBUST_DATA:,} points here, and this data has {n:,}: "
        f"unlike MSE, every epoch of {name} and its loss surface pass over every point. Use "
        f"MSE on this data, or {name} on fewer points."
    )


def start_problem(data: Dataset, w0: float, b0: float) -> str:
    """Why a run cannot start at (w0, b0) on data (plain text), or "" when it can.

    The starting loss must be a finite number no larger than MAX_START_LOSS.
    """
    m = data.moments
    with np.errstate(all="ignore"):
        loss = float(m.loss(float(w0), float(b0)))
    if math.isfinite(loss) and loss <= MAX_START_LOSS:
        return ""
    size = "overflows float64" if not math.isfinite(loss) else f"is {fmt(loss, 3)}"
    return (
        f"The loss at the start w₀ = {fmt(w0)}, b₀ = {fmt(b0)} {size}: the predictions "
        f"ŷ = w₀·x + b₀ are too large on this data for their squares to be computed "
        f"(the limit is {fmt(MAX_START_LOSS)}). Start nearer the data's fit, such as (0, 0)."
    )


# ---- convergence ----------------------------------------------------------------------------


def convergence_threshold(data: Dataset, optimum_loss: float, start_loss: float) -> float:
    """How close to the optimum's loss counts as converged, in loss units.

    threshold = CONVERGENCE_RTOL * max(L*, var(y)), where L* is the optimum's loss (relative
    to it when the data is noisy) and var(y) = mean((y - mean y)^2), the loss of the best flat
    line (an absolute scale of the data, so an optimum loss of 0 is reachable). When all y are
    equal both are 0: the scale is then mean(y)^2, or the starting loss when every y is 0.
    """
    m = data.moments
    scale = max(optimum_loss, m.syy)
    if not scale > 0:
        scale = m.y_mean * m.y_mean
        if not scale > 0:  # every y is 0 (or so near it that its square underflows)
            scale = start_loss
    return CONVERGENCE_RTOL * scale if scale > 0 else 0.0


def run_converged_at(loss: ArrayLike, optimum_loss: float, threshold: float) -> int | None:
    """First epoch k with loss[k] - optimum_loss <= threshold, or None."""
    arr = np.asarray(loss, dtype=np.float64)
    hits = np.flatnonzero(arr - optimum_loss <= threshold)
    return int(hits[0]) if hits.size else None


# ---- a run ----------------------------------------------------------------------------------


def run_id(data: Dataset, settings: RunSettings) -> str:
    """A short stable name for (data, settings)."""
    digest = hashlib.sha256(repr(settings).encode())
    digest.update(data.x.tobytes())
    digest.update(data.y.tobytes())
    return digest.hexdigest()[:16]


def make_run(data: Dataset, settings: RunSettings) -> Run:
    """Train for the whole budget (stopping early on divergence) and frame the result.

    The epochs are first cut to the work budget (capped; Run.note says why). Raises ValueError
    with a readable message for settings the core refuses and for a start whose loss is not a
    finite number (start_problem).
    """
    if not 0 <= settings.epochs <= MAX_EPOCHS:
        raise ValueError(f"The epoch budget must be between 0 and {MAX_EPOCHS}.")
    problem = robust_size_problem(data.n, settings.config.loss)
    if problem:
        raise ValueError(problem)
    settings, note = capped(data.n, settings)
    problem = start_problem(data, settings.w0, settings.b0)
    if problem:
        raise ValueError(problem)
    config = settings.config
    start = init_state(data, config, settings.w0, settings.b0)
    history = run(data, config, start, settings.epochs)
    scene = make_scene(data, history, settings.x_scaling, config.loss, config.huber_delta)
    start_loss = evaluate(start, data, config)[0]
    threshold = convergence_threshold(data, scene.optimum.loss, start_loss)
    conv = run_converged_at(history.loss, scene.optimum.loss, threshold)
    last = scene.last_epoch
    stops = tuple(sorted({s for s in (conv, last) if s is not None and s > 0})) or (last,)
    return Run(run_id(data, settings), settings, scene, conv, stops, note, threshold)
