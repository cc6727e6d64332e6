"""The loss bowl in 3D over the contour panel's (w, b) view, with the path so far on it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lrviz.figures.marks import path_style
from lrviz.figures.scene import Scene, surface_grid
from lrviz.figures.theme import DEFAULT_THEME, Theme
from lrviz.figures.uids import BOWL_CURRENT, BOWL_PATH

TITLE = "Loss ({loss}) bowl (drag to rotate)"
# A coarse mesh is enough for a quadratic bowl and keeps rotation smooth.
BOWL_GRID = 41


def bowl_path(scene: Scene, epoch: int) -> tuple[list[float], list[float], list[float]]:
    """(w, b, loss) of epochs 0..k, the loss capped at the top of the drawn bowl."""
    k = scene.clamp(epoch)
    h = scene.history
    top = bowl_top(scene)
    return h.w[: k + 1].tolist(), h.b[: k + 1].tolist(), np.minimum(h.loss[: k + 1], top).tolist()


def bowl_top(scene: Scene) -> float:
    """The highest loss on the drawn surface (its far corner)."""
    _, _, excess = surface_grid(scene, BOWL_GRID)
    finite = excess[np.isfinite(excess)]
    return scene.optimum.loss + (float(finite.max()) if finite.size else 0.0)


def plot_bowl(scene: Scene, epoch: int, theme: Theme = DEFAULT_THEME) -> go.Figure:
    """The 3D bowl at epoch (clamped). Dynamic traces: BOWL_PATH, BOWL_CURRENT."""
    ws, bs, excess = surface_grid(scene, BOWL_GRID)
    top_excess = float(np.nanmax(excess)) if np.isfinite(excess).any() else 0.0
    z = scene.optimum.loss + np.nan_to_num(excess, nan=top_excess)
    fig = go.Figure()
    fig.add_trace(
        go.Surface(
            x=ws.tolist(),
            y=bs.tolist(),
            z=z.tolist(),
            colorscale=[list(stop) for stop in theme.bowl_colorscale],
            showscale=False,
            opacity=0.92,
            name="loss surface",
            hovertemplate="w = %{x:.3g}<br>b = %{y:.3g}<br>loss = %{z:.4g}<extra></extra>",
        )
    )
    pw, pb, pl = bowl_path(scene, epoch)
    style = path_style(theme, theme.line_width * 1.5, theme.marker_size * 0.3)
    fig.add_trace(go.Scatter3d(x=pw, y=pb, z=pl, uid=BOWL_PATH, **style))
    fig.add_trace(
        go.Scatter3d(
            x=pw[-1:],
            y=pb[-1:],
            z=pl[-1:],
            mode="markers",
            name="now",
            uid=BOWL_CURRENT,
            marker={"size": theme.marker_size * 0.8, "color": theme.current},
            hoverinfo="skip",
        )
    )
    axis_font = {"size": theme.font_size}
    fig.update_layout(
        template="none",
        title={
            "text": TITLE.format(loss=scene.loss_label),
            "x": 0.01,
            "font": {"size": theme.title_size},
        },
        font={"family": theme.font_family, "size": theme.font_size, "color": theme.ink},
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        showlegend=False,
        scene={
            "xaxis": {"title": {"text": "w"}, "tickfont": axis_font, "range": list(scene.w_range)},
            "yaxis": {"title": {"text": "b"}, "tickfont": axis_font, "range": list(scene.b_range)},
            "zaxis": {"title": {"text": "loss"}, "tickfont": axis_font},
            "camera": {"eye": {"x": 1.5, "y": -1.6, "z": 1.0}},
            "aspectmode": "cube",
        },
    )
    return fig
