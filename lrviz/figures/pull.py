"""Each point's pull on w and b at an epoch: which points drive the update. Outliers pull most."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray
from plotly.subplots import make_subplots

from lrviz.core import StepRecord
from lrviz.explain.perpoint import PerPoint
from lrviz.explain.table import top_rows
from lrviz.figures.theme import DEFAULT_THEME, Theme
from lrviz.notation.numbers import fmt

BARS = 20
"""Up to this many points each get a bar; past it, the TOP_BARS that pull hardest."""

TOP_BARS = 15


def _drawable(values: NDArray[np.float64]) -> NDArray[np.float64]:
    # Plotly cannot draw inf; a diverging run's overflowed pulls show as the largest float.
    top = np.finfo(np.float64).max
    return np.nan_to_num(values, nan=0.0, posinf=top, neginf=-top)


def pull_rows(pts: PerPoint, selected: int | None) -> NDArray[np.intp]:
    """Points that get a bar: all in order when n <= BARS, else the hardest pullers + selected."""
    if pts.n <= BARS:
        return np.arange(pts.n, dtype=np.intp)
    rows = top_rows(pts, TOP_BARS).rows
    if selected is not None and selected not in rows:
        rows = np.append(rows, np.intp(selected))
    return rows


def plot_point_pull(
    rec: StepRecord,
    selected: int | None = None,
    pts: PerPoint | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Horizontal bars of -∂L_i/∂w and -∂L_i/∂b per point: the way point i pushes w and b. A
    dashed line marks the mean pull -∂L/∂w, -∂L/∂b from the record; the selected point stands out.
    """
    pts = PerPoint.of(rec) if pts is None else pts
    rows = pull_rows(pts, selected)
    labels = [f"#{i} (x = {fmt(pts.x[i], 3)})" for i in rows]
    colors = [theme.current if i == selected else theme.data for i in rows]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        # Two lines each: side by side on a phone's 340 px the one-line titles ran together.
        subplot_titles=("pull on w<br>−∂Lᵢ/∂w", "pull on b<br>−∂Lᵢ/∂b"),
    )
    with np.errstate(all="ignore"):
        series = ((pts.dL_dw_i, rec.dL_dw), (pts.dL_db_i, rec.dL_db))
        for col, (per_point, mean) in enumerate(series, start=1):
            pull = _drawable(-per_point[rows])
            fig.add_trace(
                go.Bar(
                    x=pull,
                    y=labels,
                    orientation="h",
                    marker_color=colors,
                    showlegend=False,
                    text=[fmt(v, 3) for v in pull],
                    textposition="auto",
                    hovertemplate="%{y}: %{text}<extra></extra>",
                ),
                row=1,
                col=col,
            )
            fig.add_vline(
                x=float(_drawable(np.array([-mean]))[0]),
                line_dash="dash",
                line_color=theme.ink,
                line_width=theme.thin_width,
                annotation_text=f"mean {fmt(-mean, 3)}",
                annotation_position="bottom right",
                annotation_font_color=theme.ink,
                row=1,
                col=col,
            )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(
        height=min(640, 170 + 24 * len(rows)),
        # Room above the titles for the chart's mode bar, so the two never overlap.
        margin=dict(l=10, r=10, t=80, b=10),
        bargap=0.25,
        font=dict(family=theme.font_family, size=theme.font_size - 2, color=theme.ink),
        plot_bgcolor=theme.background,
        paper_bgcolor=theme.background,
    )
    fig.update_xaxes(gridcolor=theme.grid, zerolinecolor=theme.reference)
    return fig
