"""Trace uids: the stable names code and tests find traces by (a display name may change).

The player redraws only the traces that change with the epoch (DYNAMIC)."""

from collections.abc import Mapping
from types import MappingProxyType

FIT_RESIDUALS = "fit.residuals"
FIT_LINE = "fit.line"
FIT_CHOSEN_RESIDUAL = "fit.chosen_residual"
FIT_CHOSEN = "fit.chosen"
FIT_DATA = "fit.data"
FIT_BEST_LINE = "fit.best_line"
CONTOUR_PATH = "contour.path"
CONTOUR_LEGS = "contour.legs"
CONTOUR_ARROW = "contour.arrow"
CONTOUR_CURRENT = "contour.current"
CONTOUR_GRID = "contour.grid"
CONTOUR_OPTIMUM = "contour.optimum"
LOSS_SO_FAR = "loss.so_far"
LOSS_CURRENT = "loss.current"
LOSS_WHOLE_RUN = "loss.whole_run"
LOSS_OPTIMUM = "loss.optimum"
BOWL_PATH = "bowl.path"
BOWL_CURRENT = "bowl.current"

DYNAMIC: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "fit": (FIT_RESIDUALS, FIT_LINE, FIT_CHOSEN_RESIDUAL, FIT_CHOSEN),
        "contour": (CONTOUR_PATH, CONTOUR_LEGS, CONTOUR_ARROW, CONTOUR_CURRENT),
        "loss": (LOSS_SO_FAR, LOSS_CURRENT),
        "bowl": (BOWL_PATH, BOWL_CURRENT),
    }
)
"""Dynamic trace uids per panel. The others are static: CONTOUR_GRID and FIT_DATA are the
targets for clicks, LOSS_WHOLE_RUN the curve that hiding the future hides.

FIT_CHOSEN_RESIDUAL and FIT_CHOSEN ring the point the chain-rule panel follows; the player
places them from a few bytes sent apart from the run, so choosing a point resends no figure.
"""

PINNED = "pinned."
"""Prefix of a pinned run's traces (pinned.contour.run0, pinned.loss.run0). The player draws
them up to the epoch on screen, so a pinned run moves alongside the run it is compared with."""


def pinned_uid(panel: str, i: int) -> str:
    """The uid of pinned run i's trace in a panel ('contour' or 'loss')."""
    # plotly selects a removed trace's colour bar by ".cb" + uid: a part after a dot must not
    # start with a digit, or switching to a run without that trace throws in plotly.
    return f"{PINNED}{panel}.run{i}"
