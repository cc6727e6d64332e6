"""The exported page's plotly figures: static traces drawn once, moving ones left empty."""

# The page's script fills the moving traces for the epoch shown. Styling follows the lecture
# settings: large type, thick lines, the Okabe-Ito palette.

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from lrviz.core import LOSS_NAMES
from lrviz.data.escape import escape_html
from lrviz.export.scene import Scene

# Okabe-Ito: distinguishable with every common colour-vision deficiency, and in greyscale.
BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
GREEN = "#009E73"
BLACK = "#000000"
INK = "#1a1a1a"
GRID_COLOUR = "#d9d9d9"
# Pale fill, light near the minimum, so the dark path and the coloured markers stand out.
CONTOUR_SCALE = [[0.0, "#ffffff"], [0.5, "#dcebf7"], [1.0, "#9cc3e4"]]

FONT_FAMILY = "system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', 'Liberation Sans', sans-serif"
CHART_FONT_PX = 18
AXIS_TITLE_PX = 20

# Indices of the traces the page's script updates each frame, by figure. The contour itself is
# a separate figure under the contour panel's markers, drawn once.
DATA_TRACES = {"points": 0, "residuals": 1, "fit": 2}
CONTOUR_TRACES = {"minimum": 0, "start": 1, "path": 2, "arrow": 3, "current": 4}
TRANSPARENT = "rgba(0,0,0,0)"
LOSS_TRACES = {"curve": 0, "current": 1}

Figure = dict[str, Any]


def _axis(title: str, value_range: tuple[float, float], **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": AXIS_TITLE_PX}, "standoff": 6},
        "range": list(value_range),
        "autorange": False,
        "gridcolor": GRID_COLOUR,
        "zeroline": False,
        "showline": True,
        "linecolor": INK,
        "linewidth": 2,
        "ticks": "outside",
        "tickwidth": 2,
        "automargin": True,
        **extra,
    }


def _layout(xaxis: dict[str, Any], yaxis: dict[str, Any], show_legend: bool) -> go.Layout:
    return go.Layout(
        # No plotly.py template: plotly.js defaults suffice and the page stays smaller.
        template="none",
        font={"family": FONT_FAMILY, "size": CHART_FONT_PX, "color": INK},
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 14, "t": 44, "b": 10},
        xaxis=xaxis,
        yaxis=yaxis,
        showlegend=show_legend,
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": CHART_FONT_PX},
            "itemwidth": 30,
            "tracegroupgap": 0,
            "bgcolor": "rgba(255,255,255,0)",
        },
        hovermode="closest",
        hoverlabel={"font": {"size": CHART_FONT_PX}},
        # A constant revision keeps a reader's zoom while the script updates the traces.
        uirevision="lrviz",
    )


def _plain(figure: go.Figure) -> Figure:
    return figure.to_plotly_json()


def data_figure(scene: Scene, x: list[float], y: list[float], x_label: str, y_label: str) -> Figure:
    """Points (x, y as drawn), then empty residual-segment and fit-line traces."""
    few = len(x) <= 200
    points = go.Scatter(
        x=x,
        y=y,
        mode="markers",
        name="data",
        marker={
            "color": BLUE,
            "size": 13 if few else 7,
            "line": {"color": "white", "width": 1.5 if few else 0},
        },
        hovertemplate="(%{x:.4g}, %{y:.4g})<extra></extra>",
    )
    many = len(scene.segments) > 30
    residuals = go.Scatter(
        x=[],
        y=[],
        mode="lines",
        name="residual",
        line={"color": ORANGE, "width": 1.5 if many else 3.5},
        opacity=0.7 if many else 1.0,
        hoverinfo="skip",
    )
    fit = go.Scatter(
        x=[],
        y=[],
        mode="lines",
        name="fit ŷ",
        line={"color": VERMILLION, "width": 5},
        hoverinfo="skip",
    )
    layout = _layout(
        _axis(escape_html(x_label), scene.x_range),
        _axis(escape_html(y_label), scene.y_range),
        show_legend=True,
    )
    return _plain(go.Figure(data=[points, residuals, fit], layout=layout))


def contour_background(scene: Scene) -> Figure:
    """The log-spaced loss contours alone, on bare axes with the contour panel's ranges.

    The page lays it under the contour panel's figure and gives it that figure's margins, so
    the markers move over it without it ever being redrawn.
    """
    grid = scene.contour
    start, end, size = grid.levels
    contour = go.Contour(
        # Lists, not arrays: plotly.py would store arrays as base64 float64, longer than the
        # rounded decimals here and unreadable in the page's source.
        x=grid.ws.tolist(),
        y=grid.bs.tolist(),
        z=grid.z.tolist(),
        autocontour=False,
        contours={"start": start, "end": end, "size": size, "coloring": "fill"},
        colorscale=CONTOUR_SCALE,
        showscale=False,
        line={"color": "rgba(40,40,40,0.45)", "width": 1.5},
        hoverinfo="skip",
        name="loss",
        showlegend=False,
    )
    bare = {"showticklabels": False, "showgrid": False, "showline": False, "ticks": ""}
    layout = _layout(
        {**_axis("", scene.w_range), **bare, "automargin": False},
        {**_axis("", scene.b_range), **bare, "automargin": False},
        show_legend=False,
    )
    return _plain(go.Figure(data=[contour], layout=layout))


def contour_figure(scene: Scene) -> Figure:
    """Transparent axes with the minimum and the start; empty path, arrow and current point."""
    star = {"symbol": "star", "size": 24, "color": GREEN, "line": {"color": BLACK, "width": 2}}
    if scene.minimum_line is not None:
        (w0, b0), (w1, b1) = scene.minimum_line
        minimum = go.Scatter(
            x=[w0, w1],
            y=[b0, b1],
            mode="lines",
            name="minima",
            line={"color": GREEN, "width": 5, "dash": "dash"},
            hovertemplate="a minimum<br>w = %{x:.4g}<br>b = %{y:.4g}<extra></extra>",
        )
    elif scene.minimum_point is not None:
        minimum = go.Scatter(
            x=[scene.minimum_point[0]],
            y=[scene.minimum_point[1]],
            mode="markers",
            name="minimum",
            marker=star,
            hovertemplate="minimum<br>w = %{x:.4g}<br>b = %{y:.4g}<extra></extra>",
        )
    else:  # too far away to draw; the trace stays so the others keep their indices
        minimum = go.Scatter(x=[None], y=[None], mode="markers", name="minimum", showlegend=False)
    start_point = go.Scatter(
        x=[],
        y=[],
        mode="markers",
        name="start",
        marker={"symbol": "circle-open", "size": 16, "color": BLACK, "line": {"width": 3}},
        hovertemplate="start<br>w = %{x:.4g}<br>b = %{y:.4g}<extra></extra>",
        # The legend row holds three entries at lecture type size; the path shows the start.
        showlegend=False,
    )
    path = go.Scatter(
        x=[],
        y=[],
        mode="lines+markers",
        name="path",
        line={"color": BLACK, "width": 3},
        marker={"size": 6, "color": BLACK},
        hoverinfo="skip",
    )
    current = go.Scatter(
        x=[],
        y=[],
        mode="markers",
        name="now",
        marker={"size": 20, "color": VERMILLION, "line": {"color": "white", "width": 2.5}},
        hovertemplate="w = %{x:.4g}<br>b = %{y:.4g}<extra></extra>",
    )
    # The arrow is a trace, not an annotation, so the page can move it without a full redraw.
    arrow = go.Scatter(
        x=[],
        y=[],
        mode="lines+markers",
        name="−∇L",
        line={"color": VERMILLION, "width": 4},
        marker={
            "symbol": ["circle", "arrow-wide"],
            "size": [0, 22],
            "angleref": "previous",
            "color": VERMILLION,
            "opacity": 1,
            "line": {"width": 0},
        },
        hoverinfo="skip",
        showlegend=False,
    )
    grid_colour = {"gridcolor": "rgba(0,0,0,0.12)"}
    layout = _layout(
        _axis("w", scene.w_range, **grid_colour),
        _axis("b", scene.b_range, **grid_colour),
        show_legend=True,
    )
    layout.paper_bgcolor = TRANSPARENT
    layout.plot_bgcolor = TRANSPARENT
    traces = [minimum, start_point, path, arrow, current]
    return _plain(go.Figure(data=traces, layout=layout))


# Below this many decades plotly labels a log axis with small digits between the powers of ten,
# unreadable on a projector; the axis then gets a few labelled round values instead.
SHORT_LOG_DECADES = 2.5
_MANTISSAS = ((1.0, 2.0, 5.0), (1.0, 2.0, 3.0, 5.0, 7.0), (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0))


def _tick_text(value: float) -> str:
    if 1e-3 <= value < 1e5:
        return f"{value:.6g}"
    mantissa, exponent = f"{value:.3e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10<sup>{int(exponent)}</sup>".replace("-", "−")
    return power if mantissa == "1" else f"{mantissa}×{power}"


def _round_ticks(lo: float, hi: float) -> list[float]:
    """Round values in [lo, hi] (linear units), at least four: the fallback for very short
    log axes, where even 1-1.5-2-3 leaves fewer."""
    target = (hi - lo) / 5.0  # a step no longer than this leaves at least four in range
    magnitude = 10.0 ** math.floor(math.log10(target))
    step = max(m * magnitude for m in (1.0, 2.0, 5.0) if m * magnitude <= target)
    first = math.ceil(lo / step)
    return [k * step for k in range(first, math.floor(hi / step) + 1)]


def log_ticks(log_range: tuple[float, float]) -> dict[str, Any]:
    """Tick settings for a log axis spanning log_range (log10 units): plotly's own beyond
    SHORT_LOG_DECADES, else at least four round values (1-2-5 and finer), labelled."""
    lo, hi = log_range
    if hi - lo >= SHORT_LOG_DECADES:
        return {"nticks": 7}
    values: list[float] = []
    for mantissas in _MANTISSAS:
        values = [
            m * 10.0**e
            for e in range(math.floor(lo) - 1, math.ceil(hi) + 1)
            for m in mantissas
            if lo <= math.log10(m * 10.0**e) <= hi
        ]
        if len(values) >= 4:
            break
    else:
        values = [v for v in _round_ticks(10.0**lo, 10.0**hi) if lo <= math.log10(v) <= hi]
    return {
        "tickmode": "array",
        "tickvals": values,
        "ticktext": [_tick_text(v) for v in values],
    }


def loss_figure(scene: Scene, epochs_run: int) -> Figure:
    """Empty loss curve (the script draws it from the history) and current-epoch marker."""
    curve = go.Scatter(
        x=[],
        y=[],
        mode="lines",
        name="loss",
        line={"color": BLUE, "width": 4},
        hovertemplate="epoch %{x}<br>loss %{y:.4g}<extra></extra>",
    )
    current = go.Scatter(
        x=[],
        y=[],
        mode="markers",
        name="now",
        marker={"size": 18, "color": VERMILLION, "line": {"color": "white", "width": 2.5}},
        hoverinfo="skip",
        cliponaxis=False,  # whole at the first and last epoch, on the axes' edges
    )
    x_hi = max(epochs_run, 1)
    layout = _layout(
        # Whole epochs only: a short run would otherwise get ticks at 0.5.
        _axis("epoch", (-0.02 * x_hi, 1.02 * x_hi), tickformat="d", dtick=1 if x_hi <= 8 else None),
        _axis(
            f"{LOSS_NAMES.get(scene.loss, scene.loss)} loss (log scale)",
            scene.loss_range,
            type="log",
            exponentformat="power",
            **log_ticks(scene.loss_range),
        ),
        show_legend=False,
    )
    return _plain(go.Figure(data=[curve, current], layout=layout))
