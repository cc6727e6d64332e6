"""Each gallery lesson shows its point: what its `shows` field promises holds at its end.

Checked on what the player is sent (the payload with the pinned runs, as the app builds it) and
on the run, at the lesson's last epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest

from lrviz.app.run import Run, make_run
from lrviz.app.scenarios import (
    DIVERGES,
    NOISY_PATH,
    ON_THE_FIT,
    PINNED_MOVES,
    RAW_PATH,
    RINGS_WHOLE,
    ROBUST_FIT,
    SHORT_OF_FIT,
    SHOWS,
    ZIGZAG,
    Lesson,
    data_label,
    dataset_of,
    lesson_pins,
    lessons,
)
from lrviz.core import curvature, optimum
from lrviz.figures.intra import updates_per_epoch
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.figures.uids import PINNED as PINNED_UID
from lrviz.player.compare import compare_payload
from lrviz.player.plotly_js import INLINE

LESSONS = {lesson.key: lesson for lesson in lessons()}


@cache
def shown(key: str) -> tuple[Run, dict[str, Any]]:
    """The lesson's run and the payload the player gets for it, pins included."""
    lesson = LESSONS[key]
    run = make_run(dataset_of(lesson.source), lesson.settings)
    body = compare_payload(
        run, lesson_pins(lesson), data_label(lesson.source), DEFAULT_THEME, INLINE, "k", "v"
    )
    return run, body


def line_gap(run: Run, body: dict[str, Any]) -> float:
    """How far the line at the last epoch is from the least-squares line, across the fit
    panel, as a fraction of the panel's height."""
    opt = run.scene.optimum
    k = run.scene.last_epoch
    w, b = body["traj"]["w"][k], body["traj"]["b"][k]
    lo, hi = body["figures"]["fit"]["layout"]["yaxis"]["range"]
    return max(abs((w - opt.w) * x + (b - opt.b)) for x in body["geom"]["fit_x"]) / (hi - lo)


def traces(body: dict[str, Any], panel: str) -> list[dict[str, Any]]:
    return body["figures"][panel]["data"]


def view(body: dict[str, Any]) -> tuple[list[float], list[float]]:
    layout = body["figures"]["contour"]["layout"]
    return layout["xaxis"]["range"], layout["yaxis"]["range"]


def inside(x: float, y: float, body: dict[str, Any]) -> bool:
    (x0, x1), (y0, y1) = view(body)
    return x0 <= x <= x1 and y0 <= y <= y1


def short_of_fit(run: Run, body: dict[str, Any]) -> None:
    assert line_gap(run, body) >= 0.1
    assert run.converged_at is None


def on_the_fit(run: Run, body: dict[str, Any]) -> None:
    assert line_gap(run, body) <= 0.01


def zigzag(run: Run, body: dict[str, Any]) -> None:
    data, opt = run.scene.data, run.scene.optimum
    steep = np.linalg.eigh(curvature(data).hessian)[1][:, 1]
    h = run.scene.history
    offset = (h.w - opt.w) * steep[0] + (h.b - opt.b) * steep[1]
    signs = np.sign(offset[1:20])
    assert np.all(signs[1:] == -signs[:-1])


def diverges(run: Run, body: dict[str, Any]) -> None:
    assert run.scene.history.diverged_at is not None
    assert run.scene.last_epoch < run.settings.epochs


def pinned_moves(run: Run, body: dict[str, Any]) -> None:
    pinned = [t for t in traces(body, "loss") if str(t.get("name", "")).endswith("(pinned)")]
    assert pinned
    # The player draws a trace whose uid starts with uids.PINNED up to the epoch on screen.
    for panel in ("contour", "loss"):
        for t in traces(body, panel):
            if str(t.get("name", "")).endswith("(pinned)"):
                assert str(t.get("uid", "")).startswith(PINNED_UID)
                assert t["uid"] not in body["uids"][panel]


def raw_path(run: Run, body: dict[str, Any]) -> None:
    paths = [t for t in traces(body, "contour") if str(t.get("uid", "")).startswith(PINNED_UID)]
    assert paths
    for t in paths:
        xs, ys = t["x"], t["y"]
        assert sum(inside(x, y, body) for x, y in zip(xs, ys, strict=True)) >= 0.5 * len(xs)
        # Not the run on screen drawn twice: it goes somewhere else.
        here = np.array([body["traj"]["w"], body["traj"]["b"]])
        far = np.hypot(*(np.array([xs[-1], ys[-1]])[:, None] - here)).min()
        (x0, x1), _ = view(body)
        assert far > 0.05 * (x1 - x0)


def rings_whole(run: Run, body: dict[str, Any]) -> None:
    opt = run.scene.optimum
    (x0, x1), (y0, y1) = view(body)
    assert 0.15 <= (opt.w - x0) / (x1 - x0) <= 0.85
    assert 0.15 <= (opt.b - y0) / (y1 - y0) <= 0.85
    closed = 0
    for t in traces(body, "contour"):
        if t.get("legendgroup") != "rings" or None in t["x"]:
            continue  # a ring cut by the view's edge comes in pieces
        whole = t["x"][0] == t["x"][-1] and t["y"][0] == t["y"][-1]
        closed += whole and all(inside(x, y, body) for x, y in zip(t["x"], t["y"], strict=True))
    assert closed >= 3


def noisy_path(run: Run, body: dict[str, Any]) -> None:
    intra = body["intra"]
    assert intra is not None
    m = updates_per_epoch(run.scene.data.n, run.settings.config)
    assert m > 1 and intra["at"][1] - intra["at"][0] == m
    k = run.scene.last_epoch
    assert intra["at"][k] + 1 > k + 1  # the path on screen at the end holds the updates
    # The noise: some update raises the loss over all the data, which full-batch GD never does
    # below the stable limit.
    loss = np.array(intra["loss"])
    assert np.count_nonzero(np.diff(loss) > 0) >= 5
    # Once near the minimum the jitter spans a good part of the view, not a dot.
    settled = slice(intra["at"][k // 2], None)
    (x0, x1), (y0, y1) = view(body)
    spread_w = np.ptp(intra["w"][settled]) / (x1 - x0)
    spread_b = np.ptp(intra["b"][settled]) / (y1 - y0)
    assert max(spread_w, spread_b) >= 0.1


def others_line(run: Run) -> tuple[float, float, int]:
    """(w, b) of the least-squares line through every point but the farthest from the
    least-squares line through all of them (the outlier), and that point's index."""
    x, y = run.scene.data.x, run.scene.data.y
    w_all, b_all = np.polyfit(x, y, 1)
    far = int(np.argmax(np.abs(y - (w_all * x + b_all))))
    keep = np.arange(len(x)) != far
    w, b = np.polyfit(x[keep], y[keep], 1)
    return float(w), float(b), far


def robust_fit(run: Run, body: dict[str, Any]) -> None:
    assert run.settings.config.loss == "huber"
    w_o, b_o, far = others_line(run)
    x = run.scene.data.x
    lo, hi = body["figures"]["fit"]["layout"]["yaxis"]["range"]

    def gap(w: float, b: float) -> float:
        # Largest distance from the others' line across the data, as a fraction of the panel.
        return float(np.max(np.abs((w - w_o) * x + (b - b_o)))) / (hi - lo)

    k = run.scene.last_epoch
    huber = (body["traj"]["w"][k], body["traj"]["b"][k])
    (pin,) = [t for t in traces(body, "contour") if str(t.get("uid", "")).startswith(PINNED_UID)]
    mse = (pin["x"][-1], pin["y"][-1])
    assert gap(*huber) <= 0.02
    assert gap(*mse) >= 0.1
    # Pulled toward the outlier: at its x the MSE line is nearer to it than the others' line.
    xo, yo = x[far], run.scene.data.y[far]
    assert abs(yo - (mse[0] * xo + mse[1])) < abs(yo - (w_o * xo + b_o)) - 0.1 * (hi - lo)
    # The MSE line is drawn in the data panel too, where it ends.
    ends = [t for t in traces(body, "fit") if str(t.get("uid", "")).startswith("pinned_end.")]
    assert len(ends) == 1 and ends[0]["y"][-1] == pytest.approx(mse[0] * ends[0]["x"][-1] + mse[1])
    # Each surface named: the contour's title is the screen's loss; the legend names both.
    title = body["figures"]["contour"]["layout"]["title"]["text"]
    assert "Huber" in title and "MSE" not in title
    names = " ".join(str(t.get("name", "")) for t in traces(body, "contour"))
    assert "Huber, δ = 1" in names and "MSE" in names


CHECKS: dict[str, Callable[[Run, dict[str, Any]], None]] = {
    SHORT_OF_FIT: short_of_fit,
    ON_THE_FIT: on_the_fit,
    ZIGZAG: zigzag,
    DIVERGES: diverges,
    PINNED_MOVES: pinned_moves,
    RAW_PATH: raw_path,
    RINGS_WHOLE: rings_whole,
    NOISY_PATH: noisy_path,
    ROBUST_FIT: robust_fit,
}


def test_every_promise_has_a_check_and_every_lesson_makes_one() -> None:
    assert set(CHECKS) == set(SHOWS)
    for lesson in LESSONS.values():
        assert lesson.shows and set(lesson.shows) <= set(SHOWS), lesson.key
        assert (PINNED_MOVES in lesson.shows) == bool(lesson.pinned), lesson.key


@pytest.mark.parametrize(
    ("key", "promise"),
    [(lesson.key, promise) for lesson in lessons() for promise in lesson.shows],
)
def test_each_lesson_shows_what_it_promises(key: str, promise: str) -> None:
    CHECKS[promise](*shown(key))


def test_the_lessons_the_issue_names_make_their_promises() -> None:
    assert SHORT_OF_FIT in LESSONS["small"].shows
    assert {RAW_PATH, RINGS_WHOLE, PINNED_MOVES} <= set(LESSONS["scaling"].shows)
    assert PINNED_MOVES in LESSONS["momentum"].shows
    noisy = [lesson for lesson in LESSONS.values() if NOISY_PATH in lesson.shows]
    assert noisy and all(lesson.settings.config.batch_size is not None for lesson in noisy)


def test_the_raw_x_path_is_the_same_lines_in_z_units() -> None:
    lesson: Lesson = LESSONS["scaling"]
    (src, settings), *_ = lesson.pinned
    raw = make_run(dataset_of(src), settings).scene.history
    (pin,) = lesson_pins(lesson)
    scaled = dataset_of(lesson.source)
    # The same line over the same points: the same loss, epoch by epoch.
    assert np.allclose(scaled.moments.loss(pin.w, pin.b), raw.loss, rtol=1e-9, atol=0)
    assert optimum(scaled).loss == pytest.approx(optimum(dataset_of(src)).loss, rel=1e-9)


def test_the_outlier_lesson_pits_mse_against_huber_on_one_contour() -> None:
    lesson = LESSONS["robust"]
    assert ROBUST_FIT in lesson.shows and PINNED_MOVES in lesson.shows
    ((src, pinned),) = lesson.pinned
    assert src == lesson.source
    assert (lesson.settings.config.loss, pinned.config.loss) == ("huber", "mse")
    run, _ = shown("robust")
    # The run on screen reaches Huber's minimum, whose surface the contour draws.
    assert run.converged_at is not None
    assert run.scene.optimum == optimum(run.scene.data, loss="huber")
