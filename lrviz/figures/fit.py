"""Panel 1: the data, the line y_hat = w x + b at an epoch, its residuals, the least squares."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go

from lrviz.figures.layout import base_layout
from lrviz.figures.marks import line_trace
from lrviz.figures.scene import Range, Scene
from lrviz.figures.theme import DEFAULT_THEME, Theme
from lrviz.figures.uids import (
    FIT_BEST_LINE,
    FIT_CHOSEN,
    FIT_CHOSEN_RESIDUAL,
    FIT_DATA,
    FIT_LINE,
    FIT_RESIDUALS,
)
from lrviz.notation.numbers import fmt

TITLE = "Data and fit"


def fit_line(scene: Scene, epoch: int) -> tuple[list[float], list[float]]:
    """The current line across the panel: ([x_lo, x_hi], [y_hat(x_lo), y_hat(x_hi)])."""
    k = scene.clamp(epoch)
    w, b = float(scene.history.w[k]), float(scene.history.b[k])
    xs = list(scene.fit_x)
    return xs, [w * x + b for x in xs]


def residual_segments(scene: Scene, epoch: int) -> tuple[list[float | None], list[float | None]]:
    """Vertical segments (x_i, y_i) -> (x_i, y_hat_i), separated by None, one per drawn point."""
    k = scene.clamp(epoch)
    w, b = float(scene.history.w[k]), float(scene.history.b[k])
    xs: list[float | None] = []
    ys: list[float | None] = []
    for i in scene.residual_idx:
        x, y = float(scene.data.x[i]), float(scene.data.y[i])
        xs += [x, x, None]
        ys += [y, w * x + b, None]
    return xs, ys


def chosen_point(
    scene: Scene, epoch: int, point: int | None
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Point i's residual segment ([x_i, x_i], [y_i, y_hat_i]) and ring ([x_i], [y_i]).

    All four lists are empty when point is None or not an index of the data.
    """
    if point is None or not 0 <= point < scene.data.n:
        return [], [], [], []
    k = scene.clamp(epoch)
    w, b = float(scene.history.w[k]), float(scene.history.b[k])
    x, y = float(scene.data.x[point]), float(scene.data.y[point])
    return [x, x], [y, w * x + b], [x], [y]


def original_x_axis(fit_x: Range, mean: float, std: float, ticks: int = 6) -> dict[str, Any]:
    """Axis settings that label a standardized axis z = (x - mean)/std with x's own values.

    The line is drawn in z; as x = mean + std * z is affine, the same drawing on these ticks is
    the line in original units.
    """
    lo, hi = mean + std * fit_x[0], mean + std * fit_x[1]
    # The smallest 1, 2 or 5 times a power of ten giving at most `ticks` ticks: more would be
    # turned sideways by plotly on a projector-sized panel.
    least = (hi - lo) / (ticks - 1)
    base = 10.0 ** math.floor(math.log10(least))
    step = next(m * base for m in (1.0, 2.0, 5.0, 10.0) if m * base >= least)
    first = math.ceil(lo / step)
    values = [k * step for k in range(first, math.floor(hi / step) + 1)]
    return {
        "tickmode": "array",
        "tickvals": [(v - mean) / std for v in values],
        "ticktext": [fmt(v) for v in values],
        "title": {"text": "x (trained on z-scores)"},
    }


def plot_fit(
    scene: Scene, epoch: int, theme: Theme = DEFAULT_THEME, point: int | None = None
) -> go.Figure:
    """The data panel at epoch (clamped to the run), with data point `point` ringed if given.

    Dynamic traces: FIT_RESIDUALS, FIT_LINE, and FIT_CHOSEN_RESIDUAL, FIT_CHOSEN (empty
    without a point).
    """
    data, opt = scene.data, scene.optimum
    fig = go.Figure(layout=base_layout(theme, TITLE, "x", "y", scene.fit_x, scene.fit_y))
    rx, ry = residual_segments(scene, epoch)
    residual = {"color": theme.residual, "width": theme.thin_width * 1.4, "dash": "dot"}
    fig.add_trace(line_trace(rx, ry, "residual", residual, uid=FIT_RESIDUALS))
    if opt.unique:
        lx = list(scene.fit_x)
        best = "least squares" if scene.loss == "mse" else f"best line ({scene.loss_label})"
        line = {"color": theme.reference, "width": theme.thin_width, "dash": "dash"}
        ly = [opt.w * x + opt.b for x in lx]
        fig.add_trace(line_trace(lx, ly, best, line, uid=FIT_BEST_LINE, opacity=0.7))
    lx, ly = fit_line(scene, epoch)
    fit = {"color": theme.fit, "width": theme.line_width}
    fig.add_trace(line_trace(lx, ly, "ŷ = wx + b", fit, uid=FIT_LINE))
    # Just below the data, which stays the top trace: the ring is wider than a marker and open.
    sx, sy, cx, cy = chosen_point(scene, epoch, point)
    fig.add_trace(
        line_trace(
            sx, sy, "chosen point's residual", fit, uid=FIT_CHOSEN_RESIDUAL, showlegend=False
        )
    )
    fig.add_trace(
        go.Scatter(
            x=cx,
            y=cy,
            mode="markers",
            name="chosen point",
            uid=FIT_CHOSEN,
            marker={
                "color": "rgba(0,0,0,0)",
                "size": theme.marker_size * 2,
                "line": {"color": theme.fit, "width": theme.line_width},
            },
            showlegend=False,
            hoverinfo="skip",
        )
    )
    shown = scene.shown
    scaling = scene.x_scaling
    xs = np.asarray(data.x[shown])
    fig.add_trace(
        go.Scatter(
            x=xs.tolist(),
            y=np.asarray(data.y[shown]).tolist(),
            mode="markers",
            name="data",
            uid=FIT_DATA,
            marker={
                "color": theme.data,
                "size": theme.marker_size,
                "line": {"color": "#ffffff", "width": 1},
            },
            hovertemplate="x = %{x:.4g}<br>y = %{y:.4g}<extra></extra>",
        )
    )
    if scaling is not None:
        # Hover and ticks in original units; the traces stay in z, which the player draws in.
        fig.update_traces(
            selector={"uid": FIT_DATA},
            customdata=(xs * scaling[1] + scaling[0]).tolist(),
            hovertemplate="x = %{customdata:.4g}<br>y = %{y:.4g}<extra></extra>",
        )
        fig.update_xaxes(**original_x_axis(scene.fit_x, *scaling))
    return fig
