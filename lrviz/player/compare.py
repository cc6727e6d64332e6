"""Compare runs: pinned runs kept beside the one on screen, labelled by what sets them apart.

Pure (no streamlit). The player gets the run on screen as usual; pinned runs ride along as
static traces of its figures, and the axes are framed to hold every run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import plotly.io as pio
from numpy.typing import NDArray

from lrviz.app.pins import Pin, data_id
from lrviz.app.run import Run
from lrviz.app.settings import RunSettings
from lrviz.catalog.optimizers import OPTIMIZER_TABLE, hypers_of
from lrviz.core import History
from lrviz.figures.pinned import (
    PinnedPath,
    legend_names,
    pinned_contour_traces,
    pinned_fit_traces,
    pinned_loss_traces,
)
from lrviz.figures.scene import loss_label, make_scene
from lrviz.figures.theme import Theme
from lrviz.figures.uids import CONTOUR_PATH, DYNAMIC, LOSS_SO_FAR
from lrviz.notation.numbers import fmt
from lrviz.player.payload import payload
from lrviz.player.plotly_js import PlotlyJs

MAX_DATA_LABEL = 26
NOW = "now"
PINNED = "pinned"


def _start(s: RunSettings) -> str:
    return f"start ({fmt(s.w0)}, {fmt(s.b0)})"


def _batch(s: RunSettings) -> str:
    size = s.config.batch_size
    return "full batch" if size is None else "SGD" if size == 1 else f"batch {size}"


def _optimizer_detail(s: RunSettings) -> str:
    c = s.config
    return ", ".join(f"{h.symbol} = {fmt(getattr(c, h.field))}" for h in hypers_of(c.optimizer))


def _short_name(optimizer: str) -> str:
    info = OPTIMIZER_TABLE.get(optimizer)
    return optimizer if info is None else info.short


def _loss(s: RunSettings) -> str:
    return loss_label(s.config.loss, s.config.huber_delta)


def _seed(s: RunSettings) -> str:
    return "" if s.config.batch_size is None else f"seed {s.config.seed}"


def _among(values: list[str], groups: Sequence[object]) -> list[str]:
    """values[i] where another run of the same group has a different value, else ""."""
    return [
        v if any(g == groups[i] and values[j] != v for j, g in enumerate(groups)) else ""
        for i, v in enumerate(values)
    ]


def run_labels(
    settings: Sequence[RunSettings], data_names: Sequence[str], sep: str = ", "
) -> list[str]:
    """One short label per run naming only what differs between the runs, e.g.
    ["α = 0.01", "α = 0.05"] or ["GD", "Adam"]; "same settings" when nothing does.

    sep joins the differing items; legends use a line break, so they stay narrow.
    """
    names = [n if len(n) <= MAX_DATA_LABEL else n[: MAX_DATA_LABEL - 1] + "…" for n in data_names]
    fields = [
        names,
        [_loss(s) for s in settings],
        [_short_name(s.config.optimizer) for s in settings],
        [f"α = {fmt(s.config.lr)}" for s in settings],
        [_optimizer_detail(s) for s in settings],
        [_batch(s) for s in settings],
        [_seed(s) for s in settings],
        [_start(s) for s in settings],
        [f"{s.epochs} epochs" for s in settings],
    ]
    # Optimizer details and seeds only tell apart runs of one optimizer, or of mini-batches.
    fields[4] = _among(fields[4], fields[2])
    fields[6] = _among(fields[6], [bool(v) for v in fields[6]])
    differing = [column for column in fields if len(set(column)) > 1]
    labels = [sep.join(c[i] for c in differing if c[i]) for i in range(len(settings))]
    return [label or "same settings" for label in labels]


def _start_loss(path: tuple[NDArray[np.float64], ...]) -> float:
    """The loss at epoch 0 of a (w, b, loss) path."""
    return float(path[2][0])


def framed_run(run: Run, pins: Sequence[Pin]) -> Run:
    """run with its axes widened to hold the pinned runs: paths of pins on the same data on
    the contour, every pin's loss on the loss axis. The trajectory and all else stay."""
    if not pins:
        return run
    scene = run.scene
    h = scene.history
    here = data_id(scene.data)
    same = [p for p in pins if p.data_id == here]
    # The view reaches a few times as far from the optimum as the first start in the arrays
    # (make_scene): put the start highest up the bowl first, so every run's start is in view.
    paths = [(h.w, h.b, h.loss), *((p.w, p.b, p.loss) for p in same)]
    paths.sort(key=_start_loss, reverse=True)
    merged = History(
        w=np.concatenate([w for w, _, _ in paths]),
        b=np.concatenate([b for _, b, _ in paths]),
        loss=np.concatenate([h.loss, *(p.loss for p in pins)]),
        dw=h.dw,
        db=h.db,
        diverged_at=h.diverged_at,
        epochs=h.epochs,
    )
    wide = make_scene(scene.data, merged, None, scene.loss, scene.huber_delta)
    framed = replace(
        scene,
        w_range=wide.w_range,
        b_range=wide.b_range,
        path_leaves_view=wide.path_leaves_view,
        arrow_scale=wide.arrow_scale,
        loss_floor=wide.loss_floor,
        loss_top=wide.loss_top,
        level_excess=wide.level_excess,
    )
    return replace(run, scene=framed)


def compare_key(key: str, pins: Sequence[Pin]) -> str:
    """Names the payload of the run with key `key` drawn beside these pins."""
    text = "|".join([key, *(p.pin_id for p in pins)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _traces_json(traces: Sequence[Any]) -> list[dict[str, Any]]:
    # remove_uids=False: the player finds pinned runs' traces by uid, to draw them epoch by epoch.
    figure = {"data": list(traces), "layout": {}}
    return json.loads(pio.to_json(figure, validate=False, remove_uids=False))["data"]


def _splice(figure: dict[str, Any], traces: list[dict[str, Any]], panel: str) -> None:
    """Insert traces just below the panel's moving traces: drawn once, under the live path."""
    uids = DYNAMIC[panel]
    data = figure["data"]
    first = next((i for i, t in enumerate(data) if t.get("uid") in uids), len(data))
    figure["data"] = data[:first] + traces + data[first:]


def _rename(figure: dict[str, Any], uid: str, name: str) -> None:
    for trace in figure["data"]:
        if trace.get("uid") == uid:
            trace["name"] = name


def compare_payload(
    run: Run,
    pins: Sequence[Pin],
    data_name: str,
    theme: Theme,
    plotly_js: PlotlyJs,
    key: str,
    view: str,
) -> dict[str, Any]:
    """The player's payload for run (see lrviz.player.payload) with the pins drawn beside it.

    Labels come from run_labels over the run and the pins; data_name names the run's data.
    """
    framed = framed_run(run, pins)
    body = payload(framed, theme, plotly_js, key, view)
    if not pins:
        return body
    here = data_id(run.scene.data)
    labels = run_labels(
        [run.settings, *(p.settings for p in pins)],
        [data_name, *(p.data_name for p in pins)],
        sep="\n",
    )
    paths = [
        PinnedPath(f"{label} ({PINNED})", p.w, p.b, p.loss, p.data_id == here)
        for label, p in zip(labels[1:], pins, strict=True)
    ]
    figures = body["figures"]
    fit_x = framed.scene.fit_x
    _splice(figures["fit"], _traces_json(pinned_fit_traces(paths, theme, fit_x)), "fit")
    _splice(figures["contour"], _traces_json(pinned_contour_traces(paths, theme)), "contour")
    _splice(
        figures["loss"],
        _traces_json(pinned_loss_traces(paths, theme, framed.scene.loss_floor)),
        "loss",
    )
    now, _ = legend_names(f"{labels[0]} ({NOW})")
    _rename(figures["contour"], CONTOUR_PATH, now)
    _rename(figures["loss"], LOSS_SO_FAR, now)
    # Every run's epochs on one axis: the longest run sets its length.
    last = max(run.scene.last_epoch, *(len(p.loss) - 1 for p in pins), 1)
    figures["loss"]["layout"]["xaxis"]["range"] = [-0.02 * last, 1.02 * last]
    for trace in figures["loss"]["data"]:
        if str(trace.get("name", "")).startswith("optimum loss"):
            trace["x"] = [0, last]
    return body
