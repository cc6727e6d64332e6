"""The layout every 2D panel shares: fixed axes, large type, no template to fetch or override."""

from __future__ import annotations

import math
from typing import Any

from lrviz.figures.theme import Theme

Range = tuple[float, float]


def axis(theme: Theme, title: str, value_range: Range, kind: str = "linear") -> dict[str, Any]:
    """A fixed-range axis; for kind 'log', value_range is given in data units (> 0)."""
    lo, hi = value_range
    if kind == "log":
        lo, hi = math.log10(lo), math.log10(hi)
    return {
        "title": {"text": title, "font": {"size": theme.font_size + 1}, "standoff": 6},
        "type": kind,
        "range": [lo, hi],
        "autorange": False,
        "showgrid": True,
        "gridcolor": theme.grid,
        "zeroline": False,
        "showline": True,
        "linecolor": "#9aa1a9",
        "ticks": "outside",
        "ticklen": 4,
        "tickcolor": "#9aa1a9",
        "tickfont": {"size": theme.font_size},
        "automargin": True,
        "exponentformat": "power",
    }


def base_layout(
    theme: Theme,
    title: str,
    x_title: str,
    y_title: str,
    x_range: Range,
    y_range: Range,
    y_kind: str = "linear",
) -> dict[str, Any]:
    """Layout dict for go.Figure(layout=...): title, fonts, margins, legend and the two axes.

    The legend runs across the foot of the figure, below the x axis, its entries wrapping into
    rows: inside the plot it covered data (a path, a curve's start, a pinned line) in some
    lesson or other, and a wide entry pushed plotly's margins until the plot was a sliver.
    """
    return {
        "template": "none",
        "title": {
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "font": {"size": theme.title_size, "color": theme.ink},
        },
        "font": {"family": theme.font_family, "size": theme.font_size, "color": theme.ink},
        "paper_bgcolor": theme.background,
        "plot_bgcolor": theme.background,
        "margin": {"l": 8, "r": 12, "t": 44, "b": 4},
        "showlegend": True,
        "legend": {
            "orientation": "h",
            # Measured from the figure's foot ("container"): plotly then reserves the legend's
            # height below the axis instead of pushing both side margins by its width.
            "xref": "paper",
            "yref": "container",
            "x": 0.0,
            "xanchor": "left",
            "y": 0.0,
            "yanchor": "bottom",
            "font": {"size": max(theme.font_size - 1, 14)},
            "bgcolor": "rgba(0,0,0,0)",
            "itemwidth": 30,
            "tracegroupgap": 0,
            "valign": "top",
        },
        "hovermode": "closest",
        "hoverlabel": {"font": {"size": theme.font_size}},
        "xaxis": axis(theme, x_title, x_range),
        "yaxis": axis(theme, y_title, y_range, y_kind),
    }
