"""Pinned runs drawn beside the run on screen: paths on the contour and loss curves.

They are sent once with the figure; the player draws each up to the epoch on screen (their uids
start with uids.PINNED), so the runs move side by side.
Each pinned run gets its own colour, dash and marker shape, so the runs stay apart in grey
print and for every colour-vision type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from lrviz.data.escape import escape_html
from lrviz.figures.marks import line_trace
from lrviz.figures.theme import GREEN, ORANGE, SKY, Theme
from lrviz.figures.uids import pinned_uid

# (colour, dash, marker symbol) per pinned run, in pinning order (Okabe-Ito colours).
PIN_STYLES: tuple[tuple[str, str, str], ...] = (
    (ORANGE, "dash", "square"),
    (SKY, "dashdot", "diamond"),
    (GREEN, "dot", "triangle-up"),
)
MAX_PINNED = len(PIN_STYLES)


@dataclass(frozen=True, eq=False)
class PinnedPath:
    """A pinned run as drawn: its legend label (plain text; a newline starts a legend line)
    and its trajectory.

    w, b, loss: float64 arrays of one length (epochs run + 1). on_contour: trained on the data
    on screen, so its (w, b) path belongs on this contour; otherwise only its loss is drawn.
    """

    label: str
    w: NDArray[np.float64]
    b: NDArray[np.float64]
    loss: NDArray[np.float64]
    on_contour: bool = True


def legend_names(label: str) -> tuple[str, str]:
    """(legend name with a line per label line, one-line hover name), both escaped."""
    lines = [escape_html(line) for line in label.split("\n")]
    # "%{...}" in a hover template is a field reference; a label must never be read as one.
    return "<br>".join(lines), ", ".join(lines).replace("%", "％")


def _style(i: int) -> tuple[str, str, str]:
    return PIN_STYLES[i % len(PIN_STYLES)]


def pinned_contour_traces(pins: Sequence[PinnedPath], theme: Theme) -> list[go.Scatter]:
    """One static path per pinned run trained on the data on screen, in the pin's style."""
    traces = []
    for i, pin in enumerate(pins):
        if not pin.on_contour:
            continue
        colour, dash, symbol = _style(i)
        label, hover = legend_names(pin.label)
        traces.append(
            go.Scatter(
                x=pin.w.tolist(),
                y=pin.b.tolist(),
                mode="lines+markers",
                name=label,
                uid=pinned_uid("contour", i),
                line={"color": colour, "width": theme.thin_width * 1.3, "dash": dash},
                marker={"color": colour, "size": theme.marker_size * 0.5, "symbol": symbol},
                hovertemplate=f"{hover}<br>epoch %{{pointNumber}}<br>"
                "w = %{x:.4g}, b = %{y:.4g}<extra></extra>",
            )
        )
    return traces


def pinned_loss_traces(pins: Sequence[PinnedPath], theme: Theme, floor: float) -> list[go.Scatter]:
    """One static loss curve per pinned run; losses below floor (0 included) drawn at floor."""
    traces = []
    for i, pin in enumerate(pins):
        colour, dash, _ = _style(i)
        label, hover = legend_names(pin.label)
        traces.append(
            line_trace(
                list(range(len(pin.loss))),
                np.maximum(pin.loss, floor).tolist(),
                label,
                {"color": colour, "width": theme.line_width, "dash": dash},
                uid=pinned_uid("loss", i),
                hovertemplate=f"{hover}<br>epoch %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
            )
        )
    return traces


PINNED_END = "pinned_end."
"""Prefix of the static line a pinned run ends on, in the data panel (pinned_end.fit.runI): not
PINNED's, so the player draws it whole, once."""


def pinned_fit_traces(
    pins: Sequence[PinnedPath], theme: Theme, fit_x: tuple[float, float]
) -> list[go.Scatter]:
    """The line each pinned run on the data on screen ends on, across fit_x, in its style:
    where the runs end up is compared in the data itself, not only on the contour."""
    traces = []
    for i, pin in enumerate(pins):
        w, b = float(pin.w[-1]), float(pin.b[-1])
        if not pin.on_contour or not (np.isfinite(w) and np.isfinite(b)):
            continue
        colour, dash, _ = _style(i)
        label, hover = legend_names(pin.label)
        xs = list(fit_x)
        traces.append(
            line_trace(
                xs,
                [w * x + b for x in xs],
                f"{label}<br>at its end",
                {"color": colour, "width": theme.line_width, "dash": dash},
                uid=f"{PINNED_END}fit.run{i}",  # see uids.pinned_uid: no digit after a dot
                hovertemplate=f"{hover}, at its end<extra></extra>",
            )
        )
    return traces
