"""A run: the settings, the trained trajectory framed for drawing, and where Play stops."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lrviz.core import Dataset, TrainConfig, converged_at, init_state, run
from lrviz.figures.scene import Scene, make_scene

# Upper bound of the epoch budget: the whole run is computed up front and sent to the browser
# once, about 160 bytes per epoch, so 5000 epochs stay under a megabyte.
MAX_EPOCHS = 5_000


@dataclass(frozen=True)
class RunSettings:
    """What the sidebar decides: the start (w0, b0), the epoch budget and the training config.

    x_scaling: (mean, std) when the data's x is standardized, z = (x - mean)/std; the fit panel
    then labels its x axis in the original units.
    """

    w0: float = 0.0
    b0: float = 0.0
    epochs: int = 1000
    config: TrainConfig = field(default_factory=lambda: TrainConfig(lr=0.01))
    x_scaling: tuple[float, float] | None = None


@dataclass(frozen=True, eq=False)
class Run:
    """A trained run ready to play.

    run_id: names this run to the browser (same settings and data, same id).
    converged_at: first epoch within a relative 1e-12 of the optimum's loss, or None.
    stops: epochs where Play stops by itself, increasing: convergence, then the last epoch
    (the end of the budget, or the last finite epoch of a diverged run).
    """

    run_id: str
    settings: RunSettings
    scene: Scene
    converged_at: int | None
    stops: tuple[int, ...]


def run_id(data: Dataset, settings: RunSettings) -> str:
    """A short stable name for (data, settings)."""
    digest = hashlib.sha256(repr(settings).encode())
    digest.update(data.x.tobytes())
    digest.update(data.y.tobytes())
    return digest.hexdigest()[:16]


def make_run(data: Dataset, settings: RunSettings) -> Run:
    """Train for the whole budget (stopping early on divergence) and frame the result.

    Raises ValueError with a readable message for settings the core refuses.
    """
    if not 0 <= settings.epochs <= MAX_EPOCHS:
        raise ValueError(f"The epoch budget must be between 0 and {MAX_EPOCHS}.")
    config = settings.config
    start = init_state(data, config, settings.w0, settings.b0)
    history = run(data, config, start, settings.epochs)
    scene = make_scene(data, history, settings.x_scaling)
    conv = converged_at(history.loss, scene.optimum.loss)
    last = scene.last_epoch
    stops = tuple(sorted({s for s in (conv, last) if s is not None and s > 0})) or (last,)
    return Run(run_id(data, settings), settings, scene, conv, stops)
