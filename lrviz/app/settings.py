"""Run settings: what one run asks for (RunSettings) and the limits every way of asking obeys.

The sidebar, links, lessons and pinned runs all make a RunSettings within these limits; the
choice tables (the slider's stops, the loss and batch names) are in lrviz.app.choices and the
optimizers' hyper-parameters in lrviz.catalog.optimizers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lrviz.catalog.optimizers import HYPERS, uses
from lrviz.core import TrainConfig

# Upper bound of the epoch budget: the whole run is computed up front and sent to the browser
# once, about 160 bytes per epoch, so 5000 epochs stay under a megabyte.
MAX_EPOCHS = 5_000

LR_MIN = 1e-305
"""Smallest α typed or linked: x within ±1e150 has a stable limit 2/λ_max of about 1e-300."""
LR_MAX = 2.0
"""Largest α: the slider's top stop."""
START_LIMIT = 1e6
"""Bound on |w0| and |b0|, the start of a run."""
DELTA_MIN = 0.01
DELTA_MAX = 100.0
"""Huber's δ, in y's units: below 0.01 it is MAE in all but name, above 100 MSE on most data."""
MAX_BATCH = 100_000
"""Largest batch size a link may ask for (the batch is then cut to the data's points)."""


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


def normalized(settings: RunSettings) -> RunSettings:
    """settings with what its run does not use at the core's defaults: the hyper-parameters of
    other optimizers, and δ unless the loss is Huber. The sidebar makes its runs so, hence two
    settings that make the same run are equal (same run id, same link)."""
    config = settings.config
    default = TrainConfig(lr=config.lr)
    unused = {f: getattr(default, f) for f in HYPERS if not uses(config.optimizer, f)}
    if config.loss != "huber":
        unused["huber_delta"] = default.huber_delta
    return replace(settings, config=replace(config, **unused))


def fitted(settings: RunSettings, n: int) -> RunSettings:
    """settings with its batch cut to the n points it trains on (the sidebar's box does so)."""
    size = settings.config.batch_size
    if size is None or size <= max(n, 1):
        return settings
    return replace(settings, config=replace(settings.config, batch_size=max(n, 1)))
