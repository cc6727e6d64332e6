"""Everything the browser needs to play one run, as compact JSON bytes sent once per run.

O(epochs + n): the trajectory arrays, each epoch's status text, the four figures at epoch 0
(the player redraws only their dynamic traces, from the arrays), and the chain-rule view's
numbers for every epoch (lrviz.explain.live; the followed point's come apart, see mark.py).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from lrviz.app.run import Run
from lrviz.data.standardize import Scaling, to_original
from lrviz.explain.live import chain_data, replay
from lrviz.figures import plot_bowl, plot_contour, plot_fit, plot_loss_curve
from lrviz.figures.bowl import bowl_top
from lrviz.figures.intra import intra_path
from lrviz.figures.loss_curve import loss_ranges, optimum_text
from lrviz.figures.scene import rounded
from lrviz.figures.theme import Theme
from lrviz.figures.uids import CONTOUR_GRID, DYNAMIC, FIT_DATA, LOSS_WHOLE_RUN
from lrviz.notation.numbers import fmt
from lrviz.player.plotly_js import PlotlyJs

FIT_UNITS = "original x units"
"""Said beside the fit's equation when x is standardized: its w and b are not the trained ones."""


def _figure(fig: go.Figure) -> Any:
    # remove_uids=False: the player finds its dynamic traces by uid.
    return json.loads(pio.to_json(fig, validate=False, remove_uids=False))


def _original_line_text(run: Run) -> dict[str, list[str]]:
    """fit_w, fit_b: the line's coefficients in x's own units when x is standardized, else {}."""
    scaling = run.scene.x_scaling
    if scaling is None:
        return {}
    b_z = run.scene.history.b
    w, b = to_original(run.scene.history.w, b_z, Scaling(*scaling))
    # b = b_z - w * mean cancels: a few ulps of its terms are rounding, shown as 0, not 1e-16.
    noise = 4 * np.finfo(np.float64).eps * (np.abs(b_z) + np.abs(w * scaling[0]))
    b = np.where(np.abs(b) <= noise, 0.0, b)
    return {"fit_w": [fmt(v) for v in w], "fit_b": [fmt(v) for v in b]}


def _unit_labels(run: Run) -> dict[str, Any]:
    """With x standardized, names for the units of each number: the status line's w_z and b_z
    are the line's coefficients on z = (x - mean)/std (as on the contour panel), the fit panel's
    line is in x's own units (FIT_UNITS). {} otherwise."""
    if run.scene.x_scaling is None:
        return {}
    # Short, so the status line still fits one line on a 1280 px projector.
    return {"labels": {"w": "w_z", "b": "b_z"}}


def _intra(run: Run) -> dict[str, list[float] | list[int]] | None:
    """The path through every update inside the epochs (mini-batch, SGD), or None: see
    lrviz.figures.intra. at[k] indexes epoch k's own point in the arrays."""
    s = run.settings
    path = intra_path(run.scene.data, s.config, run.scene.history, s.w0, s.b0)
    if path is None:
        return None
    # Drawn, not read: rounding to 1e-5 of the view (5 figures of the loss) halves the bytes.
    scene = run.scene
    return {
        "t": np.round(path.t, 5).tolist(),
        "w": rounded(path.w, scene.w_range[1] - scene.w_range[0]),
        "b": rounded(path.b, scene.b_range[1] - scene.b_range[0]),
        "loss": [float(f"{v:.5g}") for v in path.loss],
        "at": path.at.tolist(),
    }


GHOST = LOSS_WHOLE_RUN
"""uid of the loss figure's grey curve of the whole run, which hiding the future hides."""


def chain(run: Run) -> dict[str, Any]:
    """The chain-rule view's numbers for every epoch of the run (lrviz.explain.live), each
    point's pulls on b left out where they are its pulls on y_hat (see compact_pulls)."""
    scene, s = run.scene, run.settings
    rp = replay(scene.data, s.config, s.w0, s.b0, scene.last_epoch, scene.history)
    return compact_pulls(chain_data(rp, scene.data))


def compact_pulls(chain_numbers: dict[str, Any]) -> dict[str, Any]:
    """chain_numbers without pulls["pb"] when it equals pulls["pg"], as it does for this model
    (dL_j/db = dL_j/dy_hat * dy_hat/db with dy_hat/db = 1, the same float, the same text): a
    quarter of the chain-rule numbers, about 56 kB of the default run's payload. The player
    puts pg back in its place (player.js, unpackPayload)."""
    pulls = chain_numbers["pulls"]
    if pulls.get("pb") != pulls.get("pg"):
        return chain_numbers
    return {**chain_numbers, "pulls": {k: v for k, v in pulls.items() if k != "pb"}}


def payload_key(run_id: str, theme: Theme, plotly_js: PlotlyJs) -> str:
    """Names one payload: the run, drawn with a theme, loading plotly.js from plotly_js."""
    digest = hashlib.sha256(f"{run_id}|{theme!r}|{plotly_js.charts}|{plotly_js.full}".encode())
    return digest.hexdigest()[:16]


def payload(
    run: Run, theme: Theme, plotly_js: PlotlyJs, key: str = "", view: str = ""
) -> dict[str, Any]:
    """The run as a JSON-ready dict (see player.js for how each field is used).

    key: names this payload (payload_key); the player redraws when it changes. view: the name
    the browser knows the run by (default run.run_id), sent as "run" (as in the cursor, the
    echo and the mark); the player goes back to epoch 0 when it changes.
    """
    scene = run.scene
    h = scene.history
    log_range, lin_range = loss_ranges(scene)
    idx = scene.residual_idx
    return {
        "run": view or run.run_id,
        "key": key or payload_key(run.run_id, theme, plotly_js),
        "plotly_url": plotly_js.charts,
        "plotly_full_url": plotly_js.full,
        "last": scene.last_epoch,
        "budget": run.settings.epochs,
        "stops": list(run.stops),
        "uids": {panel: list(uids) for panel, uids in DYNAMIC.items()},
        "grid_uid": CONTOUR_GRID,
        "data_uid": FIT_DATA,
        "figures": {
            "fit": _figure(plot_fit(scene, 0, theme)),
            "contour": _figure(plot_contour(scene, 0, theme)),
            "loss": _figure(plot_loss_curve(scene, 0, theme, log_y=True)),
            "bowl": _figure(plot_bowl(scene, 0, theme)),
        },
        "traj": {
            "w": h.w.tolist(),
            "b": h.b.tolist(),
            "loss": h.loss.tolist(),
            "dw": h.dw.tolist(),
            "db": h.db.tolist(),
        },
        "text": {
            "loss": [fmt(v) for v in h.loss],
            "w": [fmt(v) for v in h.w],
            "b": [fmt(v) for v in h.b],
            "dw": [fmt(v) for v in h.dw],
            "db": [fmt(v) for v in h.db],
            **_original_line_text(run),
        },
        "intra": _intra(run),
        "optimum_loss_text": optimum_text(scene),
        "fit_units": FIT_UNITS if scene.x_scaling is not None else "",
        **_unit_labels(run),
        "ghost_uid": GHOST,
        "chain": chain(run),
        "geom": {
            "fit_x": list(scene.fit_x),
            "res_x": scene.data.x[idx].tolist(),
            "res_y": scene.data.y[idx].tolist(),
            "shown": scene.shown.tolist(),
            "arrow_scale": scene.arrow_scale,
            "loss_floor": scene.loss_floor,
            "loss_log_range": [math.log10(log_range[0]), math.log10(log_range[1])],
            "loss_lin_range": list(lin_range),
            "bowl_top": bowl_top(scene),
        },
    }


def encode(data: dict[str, Any]) -> bytes:
    """UTF-8 JSON; raises ValueError rather than ever sending NaN or inf to the browser."""
    text = json.dumps(data, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")
