"""One self-contained HTML page that replays a run offline: three panels, a slider and Play."""

from __future__ import annotations

import html
import math
from importlib import resources
from numbers import Integral, Real
from typing import Any

import numpy as np
import plotly.offline

from lrviz.core import LOSSES, Dataset, History, stable_lr
from lrviz.core.losses import check_loss, pointwise
from lrviz.data.escape import escape_html
from lrviz.export.panels import (
    CONTOUR_TRACES,
    DATA_TRACES,
    LOSS_TRACES,
    contour_background,
    contour_figure,
    data_figure,
    loss_figure,
)
from lrviz.export.scene import MAX_POINTS_SHOWN, Scene, build_scene
from lrviz.export.script_json import script_json

MAX_TITLE_CHARS = 120
MAX_LABEL_CHARS = 60
OPTIMIZER_NAMES = {
    "gd": "gradient descent",
    "momentum": "momentum",
    "nesterov": "Nesterov momentum",
    "adam": "Adam",
}
# The −∇L arrow is drawn this long, as a fraction of the contour panel's diagonal: the
# gradient's size changes by orders of magnitude during a run, its direction is the lesson.
ARROW_FRACTION = 0.18
# No arrow where the gradient is below this fraction of the run's largest: at the minimum it is
# rounding noise and its direction is meaningless.
ARROW_MIN_RELATIVE = 1e-9
# Allowed sources: only what is inline. The page then cannot fetch anything, even by mistake.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)


def _num(value: float, digits: int = 4) -> str:
    """value to `digits` significant figures, with a typographic minus."""
    return f"{value:.{digits}g}".replace("-", "−")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _history_arrays(history: History) -> dict[str, np.ndarray]:
    arrays = {
        name: np.asarray(getattr(history, name), dtype=np.float64)
        for name in ("w", "b", "loss", "dw", "db")
    }
    lengths = {a.shape for a in arrays.values()}
    if len(lengths) != 1 or next(iter(lengths))[1:] != ():
        raise ValueError("The history's w, b, loss, dw and db must be flat arrays of one length.")
    if arrays["w"].size == 0:
        raise ValueError(
            "This run has nothing to export: it diverged before its first epoch. "
            "Try a smaller learning rate or starting point."
        )
    if not all(np.isfinite(a).all() for a in arrays.values()):
        raise ValueError("The history holds values that are not finite numbers; cannot export.")
    return arrays


# MAE and Huber cost O(n) per epoch to check: this many epochs, evenly spaced, are enough to
# catch a history from other data or another loss.
ROBUST_CHECKS = 16


def _check_matches(data: Dataset, arrays: dict[str, np.ndarray], loss: str, delta: float) -> None:
    if loss == "mse":
        with np.errstate(all="ignore"):
            expected = data.moments.loss(arrays["w"], arrays["b"])
        recorded = arrays["loss"]
    else:
        at = _evenly_spaced(arrays["w"].size, ROBUST_CHECKS)
        w, b = arrays["w"][at, np.newaxis], arrays["b"][at, np.newaxis]
        with np.errstate(all="ignore"):
            r = data.y[np.newaxis, :] - (w * data.x[np.newaxis, :] + b)
            expected = pointwise(loss, r, delta).mean(axis=1)
        recorded = arrays["loss"][at]
    if not np.allclose(expected, recorded, rtol=1e-9, atol=1e-300):
        raise ValueError(
            "The history was not trained on this data set with this loss; cannot export it."
        )


def _evenly_spaced(count: int, limit: int) -> np.ndarray:
    return np.unique(np.linspace(0, count - 1, min(count, limit)).round().astype(np.intp))


def _notes(history: History, scene: Scene, shown: int, n: int) -> list[str]:
    notes = []
    run = history.epochs_run
    if history.diverged_at is not None:
        notes.append(
            f"Diverged: at epoch {history.diverged_at} the loss blew up, so the run stops at "
            f"epoch {run} of {history.epochs}."
        )
    elif run == 0:
        notes.append("No epochs were run: the page shows the starting point only.")
    if not (history.loss > 0.0).any():
        notes.append("The loss is exactly 0 at every epoch: the line fits every point.")
    if not scene.optimum.unique:
        notes.append(scene.optimum.message)
    if shown < n:
        notes.append(f"Showing {shown:,} of {n:,} points, evenly spaced.")
    return notes


def _meta(lr: float, optimizer: str, batch_size: int | None, data: Dataset, scene: Scene) -> str:
    name = OPTIMIZER_NAMES.get(str(optimizer), _clip(str(optimizer), MAX_LABEL_CHARS))
    n = data.n
    batch = "" if batch_size is None or batch_size >= n else f", batch {batch_size}"
    points = "1 point" if n == 1 else f"{n:,} points"
    limit = stable_lr(data, loss=scene.loss)
    if scene.loss == "mse":
        stable = f"plain GD is stable for α < {_num(scene.curvature.max_stable_lr, 3)}"
    elif limit is None:
        stable = "MAE has no stable α: plain GD circles the minimum at a distance ∝ α"
    else:
        stable = f"plain GD is surely stable for α < {_num(limit, 3)} (4/λ_max)"
    return f"{scene.loss_name} loss · α = {_num(lr)} · {name}{batch} · {points} · {stable}"


def _payload(
    data: Dataset,
    history: History,
    arrays: dict[str, np.ndarray],
    scene: Scene,
    x_label: str,
    y_label: str,
) -> dict[str, Any]:
    xs = data.x[scene.shown].tolist()
    ys = data.y[scene.shown].tolist()
    return {
        "history": {name: a.tolist() for name, a in arrays.items()},
        "epochs_run": history.epochs_run,
        "epochs_planned": history.epochs,
        "diverged_at": history.diverged_at,
        "points": {"x": xs, "y": ys},
        "segments": scene.segments.tolist(),
        "fit_x": list(scene.x_range),
        "loss_floor": scene.loss_floor,
        "arrow_fraction": ARROW_FRACTION,
        "arrow_min_relative": ARROW_MIN_RELATIVE,
        "figures": {
            "data": data_figure(scene, xs, ys, x_label, y_label),
            "contour": contour_figure(scene),
            "contour_background": contour_background(scene),
            "loss": loss_figure(scene, history.epochs_run),
        },
        "traces": {"data": DATA_TRACES, "contour": CONTOUR_TRACES, "loss": LOSS_TRACES},
    }


def _jsonable(value: Any) -> Any:
    """Plain lists, dicts and Python numbers from plotly's figure dicts (numpy inside)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _asset(name: str) -> str:
    return resources.files("lrviz.export").joinpath(name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    # "</script" can only sit inside a string, comment or regex literal, where "<\/" means the
    # same; the bundle shipped with plotly has none, this keeps a future one from ending early.
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def export_html(
    data: Dataset,
    history: History,
    *,
    title: str,
    lr: float,
    optimizer: str,
    batch_size: int | None = None,
    x_label: str = "x",
    y_label: str = "y",
    max_points: int = MAX_POINTS_SHOWN,
    loss: str = "mse",
    huber_delta: float = 1.0,
) -> str:
    """The run as one HTML document (a str, UTF-8 when saved), playable offline from file://.

    data: the points the run was trained on (after any standardizing). history: from train/run.
    title, x_label, y_label: shown as plain text, whatever characters they hold. lr, optimizer,
    batch_size: shown in the header. loss, huber_delta: the loss the run minimised ("mse",
    "mae" or "huber"), named in the header and panel titles, its surface contoured. At most
    max_points points are drawn. plotly.js is inlined;
    the trajectory is embedded once, so the page is the plotly.js bundle plus O(epochs + n) bytes.
    Raises ValueError with a readable message if there is nothing finite to export, the history
    does not belong to data, lr or batch_size make no sense, or the numbers are too large to draw.
    """
    if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"The learning rate must be a positive number, not {lr!r}.")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1
    ):
        raise ValueError(
            f"The batch size must be a whole number of at least 1, not {batch_size!r}."
        )
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 2:
        raise ValueError(f"max_points must be a whole number of at least 2, not {max_points!r}.")
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")
    check_loss(loss, huber_delta)
    huber_delta = float(huber_delta)
    arrays = _history_arrays(history)
    _check_matches(data, arrays, loss, huber_delta)
    scene = build_scene(data, history, max_points, loss, huber_delta)
    x_label = _clip(str(x_label), MAX_LABEL_CHARS)
    y_label = _clip(str(y_label), MAX_LABEL_CHARS)
    shown_title = _clip(str(title).strip() or "lrviz run", MAX_TITLE_CHARS)
    notes = _notes(history, scene, len(scene.shown), data.n)
    payload = _jsonable(_payload(data, history, arrays, scene, x_label, y_label))
    try:
        payload_json = script_json(payload)
    except ValueError:  # axes so wide that their ends overflow
        raise ValueError(
            "This run's numbers are too large to draw; try smaller starting values or data."
        ) from None
    notes_html = "".join(f"<span>{escape_html(note)}</span>" for note in notes)
    page = _asset("page.html")
    parts = {
        "CSP": html.escape(CSP, quote=True),
        "TITLE": escape_html(shown_title),
        "META": escape_html(_meta(float(lr), optimizer, batch_size, data, scene)),
        "LOSS": escape_html(scene.loss_name),
        "NOTES": notes_html,
        "NOTES_CLASS": " has-warning" if history.diverged_at is not None else "",
        "CSS": _asset("player.css"),
        "PLOTLY_JS": _inline_script(plotly.offline.get_plotlyjs()),
        "PAYLOAD": payload_json,
        "PLAYER_JS": _inline_script(_asset("player.js")),
    }
    # Placeholders are replaced in one pass over the template, so text that happens to look
    # like a placeholder inside an inserted value is never expanded.
    pieces = page.split("@@")
    return "".join(parts[p] if i % 2 else p for i, p in enumerate(pieces))
