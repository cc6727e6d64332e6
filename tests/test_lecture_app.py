"""Lecture tools under AppTest: presentation mode, the scenario gallery, and compared runs.

Expected behaviour comes from lrviz.core on the lesson's own data (stable limit, divergence,
where the optimum is), never from numbers copied from the page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.scenarios import dataset_of, lessons
from lrviz.core import curvature, loss_surface, optimum
from lrviz.figures.uids import CONTOUR_PATH, LOSS_SO_FAR, pinned_uid
from lrviz.player.compare import PINNED
from lrviz.ui.data_ui import STANDARDIZE_KEY
from lrviz.ui.lecture_ui import PRESENT_KEY
from tests.app_driver import open_app, player_data, report, server_view

LESSONS = {lesson.key: lesson for lesson in lessons()}


def start(**params: str) -> AppTest:
    return open_app(params)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    assert not at.error
    return at


def names(at: AppTest, panel: str) -> list[str]:
    return [str(t.get("name", "")) for t in player_data(at)["figures"][panel]["data"]]


def fonts(node: Any, parent: str = "") -> list[float]:
    """Every font size set in node (a figure's layout): titles, ticks, legend, annotations."""
    if isinstance(node, list):
        return [size for item in node for size in fonts(item, parent)]
    if not isinstance(node, dict):
        return []
    sizes = []
    for key, value in node.items():
        if key == "size" and parent.endswith("font") and isinstance(value, int | float):
            sizes.append(float(value))
        else:
            sizes += fonts(value, key)
    return sizes


# ---- presentation mode ------------------------------------------------------------------------


def test_presentation_mode_enlarges_the_charts_and_leaves_the_player_alone() -> None:
    at = start()
    assert any(at.info)  # the banner, outside presentation mode
    normal = player_data(at)
    at.toggle(key=PRESENT_KEY).set_value(True).run()
    assert not at.exception
    big = player_data(at)
    for panel in ("fit", "contour", "loss"):
        sizes = fonts(big["figures"][panel]["layout"])
        assert sizes and min(sizes) >= 18, panel
        assert min(sizes) > min(fonts(normal["figures"][panel]["layout"]))
    # Same run, so the epoch on screen stays; only the look changed.
    assert big["run"] == normal["run"]
    # Only the player on the page: no banner in the main area, the tools in the sidebar.
    assert not at.main.info
    assert not at.main.button
    assert any(b.key == "lrviz_lesson_small" for b in at.sidebar.button)
    styles = " ".join(h.proto.body for h in at.get("html"))
    # 24 px is the largest that keeps the status line on one line at 1280 px.
    assert "--lrviz-status-size: clamp(24px" in styles


def test_presentation_mode_lines_and_markers_are_thicker() -> None:
    at = start()
    path = next(
        t for t in player_data(at)["figures"]["contour"]["data"] if t.get("uid") == CONTOUR_PATH
    )
    at.toggle(key=PRESENT_KEY).set_value(True).run()
    big = next(
        t for t in player_data(at)["figures"]["contour"]["data"] if t.get("uid") == CONTOUR_PATH
    )
    assert big["line"]["width"] > path["line"]["width"]
    assert big["marker"]["size"] > path["marker"]["size"]


def test_presentation_mode_keeps_the_epoch() -> None:
    at = report(start(), 25)
    at.toggle(key=PRESENT_KEY).set_value(True).run()
    assert server_view(at)["epoch"] == 25


# ---- the scenario gallery -------------------------------------------------------------------


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_loads_its_data_settings_and_caption(key: str) -> None:
    lesson = LESSONS[key]
    at = click(start(), f"lrviz_lesson_{key}")
    config = lesson.settings.config
    assert at.select_slider(key="lr").value == config.lr
    assert at.selectbox(key="optimizer").value == config.optimizer
    assert at.number_input(key="epochs").value == lesson.settings.epochs
    assert at.session_state[STANDARDIZE_KEY] is lesson.source.standardize
    assert any(lesson.title in i.value for i in at.info)
    data = player_data(at)
    assert server_view(at) == {"run": data["run"], "epoch": 0}
    assert at.radio(key="loss").value == config.loss
    # The run on screen is trained on the lesson's data: its start's loss is that data's.
    zero = [0.0]
    surface = loss_surface(dataset_of(lesson.source), None, zero, zero, config.loss)
    expected = float(surface[0, 0])
    assert data["traj"]["loss"][0] == pytest.approx(expected, rel=1e-12)
    pinned = [n for n in names(at, "loss") if n.endswith(f"({PINNED})")]
    assert len(pinned) == len(lesson.pinned)


def lesson_run(key: str) -> tuple[AppTest, dict[str, Any]]:
    at = click(start(), f"lrviz_lesson_{key}")
    return at, player_data(at)


def test_learning_rates_sit_where_their_titles_say() -> None:
    limit = curvature(dataset_of(LESSONS["small"].source)).max_stable_lr
    lr = {k: LESSONS[k].settings.config.lr for k in ("small", "right", "near", "large")}
    assert lr["small"] < lr["right"] < lr["near"] < limit < lr["large"]
    assert lr["near"] > 0.9 * limit


def test_too_small_crawls_and_too_large_diverges() -> None:
    _, small = lesson_run("small")
    loss = np.array(small["traj"]["loss"])
    assert small["last"] == LESSONS["small"].settings.epochs  # the whole budget, no convergence
    assert loss[-1] > 1e-4 * loss[0]
    at, large = lesson_run("large")
    assert large["last"] < LESSONS["large"].settings.epochs
    assert any("diverges at epoch" in w.value for w in at.warning)


def test_near_the_limit_zig_zags_across_the_valley() -> None:
    _, near = lesson_run("near")
    data = dataset_of(LESSONS["near"].source)
    opt = optimum(data)
    # Along the steep direction of the bowl the offset from the optimum changes sign each step.
    steep = np.linalg.eigh(curvature(data).hessian)[1][:, 1]
    offset = (np.array(near["traj"]["w"]) - opt.w) * steep[0]
    offset += (np.array(near["traj"]["b"]) - opt.b) * steep[1]
    signs = np.sign(offset[1:20])
    assert np.all(signs[1:] == -signs[:-1])


def test_just_right_converges_and_momentum_beats_plain_gd() -> None:
    _, right = lesson_run("right")
    assert right["traj"]["loss"][-1] < 1e-9 * right["traj"]["loss"][0]
    at, momentum = lesson_run("momentum")
    contour = names(at, "contour")
    assert "GD (pinned)" in contour and "momentum (now)" in contour
    # The lesson pins one run, plain GD: pinned run 0.
    loss = player_data(at)["figures"]["loss"]["data"]
    gd = next(t for t in loss if t.get("uid") == pinned_uid("loss", 0))
    assert gd["name"] == "GD (pinned)"
    assert momentum["traj"]["loss"][-1] < gd["y"][-1]


def test_unscaled_vs_standardized_draws_the_raw_path_beside_the_standardized_one() -> None:
    at, _ = lesson_run("scaling")
    assert at.session_state[STANDARDIZE_KEY] is True
    # The pinned run is on raw x, drawn as the same lines in z units: a path on this contour.
    assert any(n.endswith(f"({PINNED})") for n in names(at, "contour"))
    assert any(n.endswith(f"({PINNED})") for n in names(at, "loss"))


# ---- compare runs ---------------------------------------------------------------------------


def test_pin_change_and_compare_two_then_three_runs_then_unpin() -> None:
    at = report(start(), 40)
    run = player_data(at)["run"]
    at = click(at, "lrviz_pin")
    # Pinning keeps the run and the epoch on screen.
    assert player_data(at)["run"] == run
    assert server_view(at)["epoch"] == 40
    at.select_slider(key="lr").set_value(0.05).run()
    assert "α = 0.01 (pinned)" in names(at, "contour")
    assert "α = 0.05 (now)" in names(at, "contour")
    assert "α = 0.01 (pinned)" in names(at, "loss")
    assert "α = 0.05 (now)" in names(at, "loss")
    at = click(at, "lrviz_pin")
    at.selectbox(key="optimizer").set_value("adam").run()
    labels = [n for n in names(at, "loss") if n.endswith(f"({PINNED})")]
    assert labels == ["GD<br>α = 0.01 (pinned)", "GD<br>α = 0.05 (pinned)"]
    assert "Adam<br>α = 0.05 (now)" in names(at, "loss")
    first = next(b for b in at.button if b.key and b.key.startswith("lrviz_unpin_"))
    first.click().run()
    assert [n for n in names(at, "loss") if n.endswith(f"({PINNED})")] == ["GD (pinned)"]
    at = click(at, "lrviz_pin")
    at = click(at, "lrviz_unpin_all")
    assert not any(n.endswith(f"({PINNED})") for n in names(at, "loss"))
    assert "path" in names(at, "contour")


def test_pinned_paths_are_static_traces_below_the_moving_ones() -> None:
    at = click(start(), "lrviz_pin")
    at.select_slider(key="lr").set_value(0.05).run()
    data = player_data(at)
    traces = data["figures"]["contour"]["data"]
    pinned = next(i for i, t in enumerate(traces) if str(t.get("name", "")).endswith("(pinned)"))
    moving = next(i for i, t in enumerate(traces) if t.get("uid") == CONTOUR_PATH)
    assert pinned < moving
    assert "uid" not in traces[pinned] or traces[pinned]["uid"] not in data["uids"]["contour"]
    # The whole pinned path is drawn at once, every epoch of the pinned run.
    assert len(traces[pinned]["x"]) == 1001
    loss = data["figures"]["loss"]["data"]
    assert next(i for i, t in enumerate(loss) if t.get("name", "").endswith("(pinned)")) < next(
        i for i, t in enumerate(loss) if t.get("uid") == LOSS_SO_FAR
    )


def test_a_run_is_pinned_once_and_at_most_three_are_kept() -> None:
    at = click(start(), "lrviz_pin")
    assert at.button(key="lrviz_pin").disabled  # this run is pinned already
    for lr in (0.02, 0.03):
        at.select_slider(key="lr").set_value(lr).run()
        assert not at.button(key="lrviz_pin").disabled
        at = click(at, "lrviz_pin")
    at.select_slider(key="lr").set_value(0.04).run()
    assert at.button(key="lrviz_pin").disabled  # three pinned: full
    pinned = [n for n in names(at, "loss") if n.endswith(f"({PINNED})")]
    assert len(pinned) == 3
