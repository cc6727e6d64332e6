"""Panel 3: loss against epoch, log y by default, with the epoch shown and the optimum's loss."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lrviz.core import LOSS_NAMES
from lrviz.figures.intra import IntraPath
from lrviz.figures.layout import base_layout
from lrviz.figures.marks import line_trace, now_marker
from lrviz.figures.scene import Scene
from lrviz.figures.theme import DEFAULT_THEME, Theme
from lrviz.figures.uids import LOSS_CURRENT, LOSS_OPTIMUM, LOSS_SO_FAR, LOSS_WHOLE_RUN
from lrviz.notation.numbers import fmt

TITLE = "Loss ({loss}) per epoch"
"""The panel's title; {loss} is the run's loss (Scene.loss_label)."""
# Head room above the highest loss: a factor on a log axis, a fraction of the top on a linear one.
# Below the floor, a little room so a line drawn at the floor is not cut by the axis.
LOG_HEADROOM = 3.0
LOG_FOOTROOM = 2.0
LINEAR_HEADROOM = 0.05


def loss_ranges(scene: Scene) -> tuple[tuple[float, float], tuple[float, float]]:
    """((lo, hi) for a log axis, (lo, hi) for a linear axis), in loss units; lo > 0 on log.

    The headroom above a diverged run's last loss (up to ~1e308) is clipped to the largest
    float, so the range stays finite and JSON-encodable.
    """
    top = float(np.finfo(np.float64).max)
    with np.errstate(over="ignore"):
        log_hi = min(float(np.float64(scene.loss_top) * LOG_HEADROOM), top)
        lin_hi = min(float(np.float64(scene.loss_top) * (1 + LINEAR_HEADROOM)), top)
    return (scene.loss_floor / LOG_FOOTROOM, log_hi), (0.0, lin_hi)


def drawn_loss(scene: Scene, epoch: int) -> list[float]:
    """Losses of epochs 0..k as drawn: values below scene.loss_floor (0 included) at the floor."""
    k = scene.clamp(epoch)
    return np.maximum(scene.history.loss[: k + 1], scene.loss_floor).tolist()


def optimum_level(scene: Scene) -> float:
    """Height of the optimum's reference line: its loss, or the floor when that loss is 0."""
    return max(scene.optimum.loss, scene.loss_floor)


FLOOR_NOTE = "drawn at the axis floor"
"""Said of an optimum loss of 0, which a log axis cannot show."""


def optimum_text(scene: Scene) -> str:
    """The optimum's loss as the panel labels it: '0.4', or '0, drawn at the axis floor'.

    No brackets: the panel's header puts this in brackets of its own.
    """
    text = fmt(scene.optimum.loss)
    return f"{text}, {FLOOR_NOTE}" if scene.optimum.loss < scene.loss_floor else text


def loss_so_far(
    scene: Scene, epoch: int, intra: IntraPath | None = None
) -> tuple[list[float], list[float]]:
    """(epochs, losses as drawn) up to epoch k; with intra, also after each update inside the
    epochs, at fractional epochs k + j/m."""
    k = scene.clamp(epoch)
    if intra is None:
        return list(range(k + 1)), drawn_loss(scene, k)
    until = intra.until(k)
    return intra.t[until].tolist(), np.maximum(intra.loss[until], scene.loss_floor).tolist()


def optimum_name(scene: Scene) -> str:
    """The legend's name for the optimum's line; an optimum of 0 says where it is drawn, on a
    second line, so the legend below the plot stays as narrow as a phone's plot."""
    if scene.optimum.loss < scene.loss_floor:
        return f"optimum loss {optimum_text(scene).replace(', ', ',<br>')}"
    return "optimum loss"


def plot_loss_curve(
    scene: Scene,
    epoch: int,
    theme: Theme = DEFAULT_THEME,
    log_y: bool = True,
    intra: IntraPath | None = None,
) -> go.Figure:
    """The loss panel at epoch (clamped). Dynamic traces: LOSS_SO_FAR, LOSS_CURRENT.

    intra: the updates inside each epoch (mini-batch and SGD), drawn in the curve when given.
    """
    last = scene.last_epoch
    log_range, lin_range = loss_ranges(scene)
    x_range = (-0.02 * max(last, 1), 1.02 * max(last, 1))
    layout = base_layout(
        theme,
        TITLE.format(loss=scene.loss_label),
        "epoch",
        f"loss ({LOSS_NAMES.get(scene.loss, scene.loss)})",
        x_range,
        log_range if log_y else lin_range,
        "log" if log_y else "linear",
    )
    fig = go.Figure(layout=layout)
    epochs = np.arange(last + 1)
    whole = {"color": theme.reference, "width": theme.thin_width}
    fig.add_trace(
        line_trace(
            epochs.tolist(),
            drawn_loss(scene, last),
            "whole run",
            whole,
            uid=LOSS_WHOLE_RUN,
            showlegend=False,
            opacity=0.45,
        )
    )
    # The value is in the hover and the panel's header, not the legend, which must stay narrow
    # on a projector. A zero loss has no place on a log axis: the line then sits on the axis
    # floor, and its legend entry (below the plot) says so on two short lines.
    level = optimum_level(scene)
    fig.add_trace(
        line_trace(
            [0, max(last, 1)],
            [level, level],
            optimum_name(scene),
            {"color": theme.optimum, "width": theme.thin_width * 1.3, "dash": "dash"},
            uid=LOSS_OPTIMUM,
            hovertemplate=f"optimum loss {optimum_text(scene)}<extra></extra>",
        )
    )
    k = scene.clamp(epoch)
    sx, sy = loss_so_far(scene, k, intra)
    so_far = {"color": theme.data, "width": theme.line_width}
    fig.add_trace(
        line_trace(
            sx,
            sy,
            "so far",
            so_far,
            uid=LOSS_SO_FAR,
            hovertemplate="epoch %{x}<br>loss %{y:.4g}<extra></extra>",
        )
    )
    now = max(float(scene.history.loss[k]), scene.loss_floor)
    fig.add_trace(now_marker(k, now, LOSS_CURRENT, theme, 1.2))
    return fig
