"""Marks drawn alike in several panels: plain lines, the path so far, the point on screen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from lrviz.figures.theme import Theme


def now_marker(x: float, y: float, uid: str, theme: Theme, size: float) -> go.Scatter:
    """The current epoch's point in a 2D panel, ringed in white; size in marker sizes."""
    return go.Scatter(
        x=[x],
        y=[y],
        mode="markers",
        name="now",
        uid=uid,
        showlegend=False,
        marker={
            "color": theme.current,
            "size": theme.marker_size * size,
            "line": {"color": "#ffffff", "width": 1.5},
        },
        hoverinfo="skip",
    )


def path_style(theme: Theme, width: float, size: float) -> dict[str, Any]:
    """The look of the path so far (2D or 3D trace keywords): line width, marker size in px."""
    return {
        "mode": "lines+markers",
        "name": "path",
        "line": {"color": theme.path, "width": width},
        "marker": {"color": theme.path, "size": size},
        "hoverinfo": "skip",
    }


def line_trace(
    x: Sequence[float | None],
    y: Sequence[float | None],
    name: str,
    line: Mapping[str, object],
    **more: Any,
) -> go.Scatter:
    """A plain line through (x, y), None breaking it; hover skipped unless more has a
    hovertemplate.

    line: plotly's line keywords (color, width in px, dash). more: any other Scatter keyword
    (uid, showlegend, legendgroup, opacity, hovertemplate).
    """
    if "hovertemplate" not in more:
        more["hoverinfo"] = "skip"
    return go.Scatter(x=x, y=y, mode="lines", name=name, line=dict(line), **more)
