"""Panel 2: loss contours over (w, b), the optimum, the path so far and the -grad arrow at an epoch.

The contour rings are plain line traces (from contourpy), not a plotly contour trace: the player
updates the dynamic traces in place every frame, and a contour trace would be recomputed, or
dropped, on each of those updates.
"""

from __future__ import annotations

import contourpy
import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from lrviz.figures.intra import IntraPath
from lrviz.figures.layout import base_layout
from lrviz.figures.marks import line_trace, now_marker, path_style
from lrviz.figures.scene import Scene, rounded, surface_grid
from lrviz.figures.theme import DEFAULT_THEME, Theme
from lrviz.figures.uids import (
    CONTOUR_ARROW,
    CONTOUR_CURRENT,
    CONTOUR_GRID,
    CONTOUR_LEGS,
    CONTOUR_OPTIMUM,
    CONTOUR_PATH,
)
from lrviz.notation.numbers import fmt

TITLE = "Loss ({loss}) over (w, b)"
"""The panel's title; {loss} is the loss the surface is drawn for (Scene.loss_label)."""
# Click targets per axis: about 10 px apart on a 320 px panel, inside plotly's 20 px pick radius.
CLICK_GRID = 33

Points = tuple[list[float | None], list[float | None]]


def arrow_text(scene: Scene) -> str:
    """The arrow's scale as the panel states it, e.g. 'arrow = −∇L × 0.005'."""
    return f"arrow = −∇L × {fmt(scene.arrow_scale)}"


def path_points(
    scene: Scene, epoch: int, intra: IntraPath | None = None
) -> tuple[list[float], list[float]]:
    """(w_0..w_k, b_0..b_k): the parameters after each epoch up to k; with intra, also the
    parameters between the updates inside those epochs."""
    k = scene.clamp(epoch)
    if intra is not None:
        until = intra.until(k)
        return intra.w[until].tolist(), intra.b[until].tolist()
    return scene.history.w[: k + 1].tolist(), scene.history.b[: k + 1].tolist()


def arrow_points(scene: Scene, epoch: int) -> tuple[list[float], list[float]]:
    """From (w_k, b_k) to (w_k, b_k) - arrow_scale * grad_k: the direction of the update."""
    k = scene.clamp(epoch)
    w, b = float(scene.history.w[k]), float(scene.history.b[k])
    s = scene.arrow_scale
    return [w, w - s * float(scene.history.dw[k])], [b, b - s * float(scene.history.db[k])]


def leg_points(scene: Scene, epoch: int) -> tuple[list[float], list[float]]:
    """The arrow's two components: along w by -s dL/dw, then along b by -s dL/db."""
    (w0, w1), (b0, b1) = arrow_points(scene, epoch)
    return [w0, w1, w1], [b0, b0, b1]


def _ring_traces(scene: Scene, theme: Theme) -> list[go.Scatter]:
    ws, bs, excess = surface_grid(scene)
    gen = contourpy.contour_generator(ws, bs, np.ma.masked_invalid(excess), name="serial")
    colours = theme.contour_colors
    n_levels = len(scene.level_excess)
    traces = []
    for i, level in enumerate(scene.level_excess):
        xs, ys = _joined(gen.lines(level), scene)
        if not xs:
            continue
        rim = i / max(n_levels - 1, 1)  # 0 at the valley floor, 1 at the rim
        colour = colours[round((1 - rim) * (len(colours) - 1))]
        line = {"color": colour, "width": theme.thin_width}
        traces.append(
            line_trace(
                xs, ys, "loss contours (log-spaced)", line, legendgroup="rings", showlegend=False
            )
        )
    return traces


def _joined(lines: list[NDArray[np.float64]], scene: Scene) -> Points:
    """Line pieces of one level as one trace, pieces separated by None, coordinates rounded."""
    span_w = scene.w_range[1] - scene.w_range[0]
    span_b = scene.b_range[1] - scene.b_range[0]
    xs: list[float | None] = []
    ys: list[float | None] = []
    for piece in lines:
        pts = np.asarray(piece, dtype=np.float64)
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts) < 2:
            continue
        if xs:
            xs.append(None)
            ys.append(None)
        xs += rounded(pts[:, 0], span_w)
        ys += rounded(pts[:, 1], span_b)
    return xs, ys


def _click_grid(scene: Scene) -> go.Scatter:
    gw = np.linspace(*scene.w_range, CLICK_GRID + 2)[1:-1]
    gb = np.linspace(*scene.b_range, CLICK_GRID + 2)[1:-1]
    mw, mb = np.meshgrid(gw, gb)
    return go.Scatter(
        x=rounded(mw.ravel(), scene.w_range[1] - scene.w_range[0], 1e-4),
        y=rounded(mb.ravel(), scene.b_range[1] - scene.b_range[0], 1e-4),
        mode="markers",
        uid=CONTOUR_GRID,
        name="click to start here",
        showlegend=False,
        marker={"size": 12, "color": "rgba(0,0,0,0)"},
        hovertemplate="Click to start here<br>w = %{x:.3g}, b = %{y:.3g}<extra></extra>",
    )


def _optimum_trace(scene: Scene, theme: Theme) -> go.Scatter:
    opt = scene.optimum
    if opt.unique:
        return go.Scatter(
            x=[opt.w],
            y=[opt.b],
            mode="markers",
            name="optimum",
            uid=CONTOUR_OPTIMUM,
            marker={
                "symbol": "star",
                "size": theme.marker_size * 1.8,
                "color": theme.optimum,
                "line": {"color": "#ffffff", "width": 1},
            },
            hovertemplate=f"optimum<br>w* = {fmt(opt.w)}, b* = {fmt(opt.b)}<extra></extra>",
        )
    # All x equal: every (w, b) with b = mean(y) - x0 w is optimal, a straight valley floor.
    x0 = float(scene.data.moments.x_mean)
    y0 = float(scene.data.moments.y_mean)
    ws = list(scene.w_range)
    line = {"color": theme.optimum, "width": theme.line_width, "dash": "dash"}
    ys = [y0 - x0 * w for w in ws]
    return line_trace(ws, ys, "optimum (a whole line)", line, uid=CONTOUR_OPTIMUM)


def _notes(scene: Scene, theme: Theme) -> list[dict[str, object]]:
    notes = [arrow_text(scene)]
    if not scene.optimum.unique:
        notes.append("all x equal: the minimum is a line")
    if scene.path_leaves_view:
        notes.append("path leaves the view")
    return [
        {
            "text": text,
            "xref": "paper",
            "yref": "paper",
            "x": 0.01,
            "y": 0.01 + 0.075 * i,
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"size": theme.font_size, "color": theme.arrow if i == 0 else theme.ink},
        }
        for i, text in enumerate(notes)
    ]


def plot_contour(
    scene: Scene, epoch: int, theme: Theme = DEFAULT_THEME, intra: IntraPath | None = None
) -> go.Figure:
    """The contour panel at epoch (clamped). Dynamic traces: path, legs, arrow, current point.

    intra: the updates inside each epoch (mini-batch and SGD), drawn as the path when given.
    """
    title = TITLE.format(loss=scene.loss_label)
    layout = base_layout(theme, title, "w", "b", scene.w_range, scene.b_range)
    layout["annotations"] = _notes(scene, theme)
    fig = go.Figure(layout=layout)
    fig.add_traces(_ring_traces(scene, theme))
    fig.add_trace(_click_grid(scene))
    fig.add_trace(_optimum_trace(scene, theme))
    px, py = path_points(scene, epoch, intra)
    style = path_style(theme, theme.thin_width * 1.3, theme.marker_size * 0.45)
    fig.add_trace(go.Scatter(x=px, y=py, uid=CONTOUR_PATH, **style))
    lx, ly = leg_points(scene, epoch)
    legs = {"color": theme.arrow, "width": theme.thin_width, "dash": "dot"}
    fig.add_trace(
        line_trace(lx, ly, "−∂L/∂w, −∂L/∂b parts", legs, uid=CONTOUR_LEGS, showlegend=False)
    )
    ax, ay = arrow_points(scene, epoch)
    fig.add_trace(
        go.Scatter(
            x=ax,
            y=ay,
            mode="lines+markers",
            name="−∇L",
            uid=CONTOUR_ARROW,
            line={"color": theme.arrow, "width": theme.line_width},
            marker={
                "symbol": "arrow",
                "angleref": "previous",
                "size": [0, theme.marker_size * 1.5],
                "color": theme.arrow,
            },
            hoverinfo="skip",
        )
    )
    k = scene.clamp(epoch)
    w, b = float(scene.history.w[k]), float(scene.history.b[k])
    fig.add_trace(now_marker(w, b, CONTOUR_CURRENT, theme, 1.3))
    return fig
