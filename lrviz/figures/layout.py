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
    legend_corner: str = "left",
) -> dict[str, Any]:
    """Layout dict for go.Figure(layout=...): title, fonts, margins, legend and the two axes.

    The legend sits inside the plot, in the corner named by legend_corner ('left', 'right' or
    'bottom-left'): beside the plot it would take a third of a projector-sized panel.
    """
    right = legend_corner == "right"
    bottom = legend_corner == "bottom-left"
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
        "margin": {"l": 8, "r": 12, "t": 44, "b": 8},
        "showlegend": True,
        "legend": {
            "orientation": "v",
            "x": 0.99 if right else 0.01,
            "xanchor": "right" if right else "left",
            "y": 0.04 if bottom else 0.99,
            "yanchor": "bottom" if bottom else "top",
            "font": {"size": max(theme.font_size - 1, 14)},
            "bgcolor": "rgba(255,255,255,0.8)",
            "itemwidth": 30,
            "tracegroupgap": 2,
        },
        "hovermode": "closest",
        "hoverlabel": {"font": {"size": theme.font_size}},
        "xaxis": axis(theme, x_title, x_range),
        "yaxis": axis(theme, y_title, y_range, y_kind),
    }
