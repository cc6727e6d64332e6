"""The plot builders: what each panel shows at an epoch, its framing, and no NaN or inf ever."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import History, TrainConfig, init_state, make_dataset, run
from lrviz.figures import (
    DEFAULT_THEME,
    Scene,
    Theme,
    make_scene,
    plot_bowl,
    plot_contour,
    plot_fit,
    plot_loss_curve,
)
from lrviz.figures.contour import arrow_points, arrow_text
from lrviz.figures.loss_curve import optimum_level
from lrviz.figures.scene import nice_floor
from lrviz.figures.uids import (
    CONTOUR_OPTIMUM,
    DYNAMIC,
    FIT_BEST_LINE,
    LOSS_OPTIMUM,
    LOSS_WHOLE_RUN,
)
from lrviz.player.payload import payload
from lrviz.player.plotly_js import INLINE

ARTICLE = [1.0, 2.0, 3.0, 4.0, 5.0]
BUILDERS = {"fit": plot_fit, "contour": plot_contour, "loss": plot_loss_curve, "bowl": plot_bowl}


def scene_for(
    x: list[float],
    y: list[float],
    *,
    lr: float = 0.01,
    epochs: int = 1000,
    w0: float = 0.0,
    b0: float = 0.0,
    **config: Any,
) -> Scene:
    data = make_dataset(x, y)
    cfg = TrainConfig(lr=lr, **config)
    return make_scene(data, run(data, cfg, init_state(data, cfg, w0, b0), epochs))


@pytest.fixture(scope="module")
def article() -> Scene:
    return scene_for(ARTICLE, ARTICLE)


def trace(fig: go.Figure, uid: str) -> Any:
    matches = [t for t in fig.data if t.uid == uid]
    assert len(matches) == 1, f"{uid}: {len(matches)} traces"
    return matches[0]


def numbers(obj: Any) -> Iterator[float]:
    """Every number inside a plotly JSON structure (None, the gap marker, is skipped)."""
    if isinstance(obj, dict):
        for value in obj.values():
            yield from numbers(value)
    elif isinstance(obj, list | tuple | np.ndarray):
        for value in obj:
            yield from numbers(value)
    elif isinstance(obj, bool):
        return
    elif isinstance(obj, int | float | np.integer | np.floating):
        yield float(obj)


def font_sizes(obj: Any) -> Iterator[float]:
    """Every font size set anywhere in a figure's JSON."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("font", "tickfont") and isinstance(value, dict) and "size" in value:
                yield float(value["size"])
            yield from font_sizes(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from font_sizes(value)


def assert_finite(fig: go.Figure) -> None:
    values = list(numbers(fig.to_plotly_json()))
    assert values, "figure without numbers"
    bad = [v for v in values if not math.isfinite(v)]
    assert not bad, f"non-finite values in the figure: {bad[:5]}"


# ---- what each panel shows -----------------------------------------------------------------


def test_article_epoch_one_line_is_the_articles_update(article: Scene) -> None:
    # The article: after one epoch from w = b = 0 with alpha = 0.01, w = 0.22 and b = 0.06.
    line = trace(plot_fit(article, 1), "fit.line")
    for x, y in zip(line.x, line.y, strict=True):
        assert y == pytest.approx(0.22 * x + 0.06)
    # The article's data lie on y = x: the least-squares line, dashed under the fit.
    best = trace(plot_fit(article, 1), FIT_BEST_LINE)
    assert best.name == "least squares" and list(best.y) == pytest.approx(list(best.x))


def test_residual_segments_join_each_point_to_the_line(article: Scene) -> None:
    k = 3
    w, b = article.history.w[k], article.history.b[k]
    seg = trace(plot_fit(article, k), "fit.residuals")
    xs, ys = list(seg.x), list(seg.y)
    assert len(xs) == 3 * article.data.n
    for i, (x, y) in enumerate(zip(article.data.x, article.data.y, strict=True)):
        assert xs[3 * i : 3 * i + 3] == [x, x, None]
        assert ys[3 * i] == y
        assert ys[3 * i + 1] == pytest.approx(w * x + b)


@pytest.mark.parametrize("name", ["fit", "contour", "loss", "bowl"])
def test_every_dynamic_trace_is_there_once(article: Scene, name: str) -> None:
    fig = BUILDERS[name](article, 5)
    for uid in DYNAMIC[name]:
        trace(fig, uid)


def test_contour_path_current_point_and_arrow(article: Scene) -> None:
    k = 7
    fig = plot_contour(article, k)
    path = trace(fig, "contour.path")
    assert list(path.x) == article.history.w[: k + 1].tolist()
    assert list(path.y) == article.history.b[: k + 1].tolist()
    now = trace(fig, "contour.current")
    assert (now.x[0], now.y[0]) == (article.history.w[k], article.history.b[k])
    arrow = trace(fig, "contour.arrow")
    s = article.arrow_scale
    # Along -grad, scaled by the stated factor.
    assert arrow.x[1] - arrow.x[0] == pytest.approx(-s * article.history.dw[k])
    assert arrow.y[1] - arrow.y[0] == pytest.approx(-s * article.history.db[k])
    legs = trace(fig, "contour.legs")
    assert list(legs.x) == [arrow.x[0], arrow.x[1], arrow.x[1]]
    assert list(legs.y) == [arrow.y[0], arrow.y[0], arrow.y[1]]


def test_contour_states_the_arrow_scale(article: Scene) -> None:
    texts = [a.text for a in plot_contour(article, 0).layout.annotations]
    assert arrow_text(article) in texts
    assert "∇L" in arrow_text(article)


def test_arrow_at_epoch_zero_is_visible_but_inside_the_view(article: Scene) -> None:
    (w0, w1), (b0, b1) = arrow_points(article, 0)
    span_w = article.w_range[1] - article.w_range[0]
    span_b = article.b_range[1] - article.b_range[0]
    length = math.hypot((w1 - w0) / span_w, (b1 - b0) / span_b)
    assert 0.05 < length <= 0.25


def test_contour_axes_frame_path_and_optimum(article: Scene) -> None:
    lo_w, hi_w = article.w_range
    lo_b, hi_b = article.b_range
    assert lo_w < article.optimum.w < hi_w
    assert lo_b < article.optimum.b < hi_b
    assert np.all((article.history.w > lo_w) & (article.history.w < hi_w))
    assert np.all((article.history.b > lo_b) & (article.history.b < hi_b))
    assert not article.path_leaves_view


def test_contour_levels_are_log_spaced_above_the_minimum(article: Scene) -> None:
    levels = np.array(article.level_excess)
    assert np.all(levels > 0)
    ratios = levels[1:] / levels[:-1]
    assert np.all(ratios > 1)
    assert np.allclose(ratios, ratios[0])
    # The valley floor: rings much closer to the minimum than the rim is.
    assert levels[-1] / levels[0] >= 1e3


def test_contour_clicks_land_on_an_invisible_grid(article: Scene) -> None:
    grid = trace(plot_contour(article, 0), "contour.grid")
    assert grid.mode == "markers"
    assert grid.marker.color == "rgba(0,0,0,0)"
    assert min(grid.x) > article.w_range[0] and max(grid.x) < article.w_range[1]
    assert min(grid.y) > article.b_range[0] and max(grid.y) < article.b_range[1]


def test_contour_has_no_plotly_contour_trace(article: Scene) -> None:
    # The player redraws the chart's moving traces on their own; a contour trace would not survive.
    assert {t.type for t in plot_contour(article, 0).data} == {"scatter"}


def test_loss_curve_is_log_by_default_and_switches(article: Scene) -> None:
    assert plot_loss_curve(article, 0).layout.yaxis.type == "log"
    assert plot_loss_curve(article, 0, log_y=False).layout.yaxis.type == "linear"


def test_loss_curve_marks_the_epoch_and_the_optimum(article: Scene) -> None:
    k = 12
    fig = plot_loss_curve(article, k)
    now = trace(fig, "loss.current")
    assert now.x[0] == k
    assert now.y[0] == pytest.approx(article.history.loss[k])
    so_far = trace(fig, "loss.so_far")
    assert len(so_far.x) == k + 1
    assert set(trace(fig, LOSS_OPTIMUM).y) == {optimum_level(article)}


def test_the_whole_run_curve_is_the_players_ghost(article: Scene) -> None:
    # Hiding the future hides the one static line that reaches past the epoch on screen: the
    # player finds it by the uid the payload names.
    whole = trace(plot_loss_curve(article, 3), LOSS_WHOLE_RUN)
    assert len(whole.x) == len(article.history.loss) and whole.name == "whole run"
    run = make_run(article.data, RunSettings(config=TrainConfig(lr=0.01)))
    body = payload(run, DEFAULT_THEME, INLINE)
    ghosts = [t for t in body["figures"]["loss"]["data"] if t.get("uid") == body["ghost_uid"]]
    assert [t["name"] for t in ghosts] == ["whole run"]


def test_zero_optimum_loss_is_drawn_at_the_floor_of_the_log_axis(article: Scene) -> None:
    assert article.optimum.loss == 0.0
    fig = plot_loss_curve(article, article.last_epoch)
    low = 10 ** fig.layout.yaxis.range[0]
    assert optimum_level(article) == article.loss_floor
    assert low <= article.loss_floor
    assert all(v >= article.loss_floor for t in fig.data for v in t.y)


def test_epoch_is_clamped_to_the_run(article: Scene) -> None:
    last = article.last_epoch
    high = trace(plot_contour(article, last + 50), "contour.current")
    assert high.x[0] == article.history.w[last]
    low = trace(plot_loss_curve(article, -3), "loss.current")
    assert low.x[0] == 0


def test_axes_do_not_depend_on_the_epoch(article: Scene) -> None:
    for build in (plot_fit, plot_contour, plot_loss_curve):
        first, later = build(article, 0).layout, build(article, 500).layout
        assert first.xaxis.range == later.xaxis.range
        assert first.yaxis.range == later.yaxis.range


# ---- legibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fit", "contour", "loss", "bowl"])
def test_fonts_are_projector_sized(article: Scene, name: str) -> None:
    fig = BUILDERS[name](article, 3)
    sizes = list(font_sizes(fig.to_plotly_json()))
    assert sizes
    assert min(sizes) >= 14


def test_theme_scales_for_a_lecture() -> None:
    big = DEFAULT_THEME.scaled(1.3)
    assert big.font_size > DEFAULT_THEME.font_size
    assert big.line_width > DEFAULT_THEME.line_width
    scene = scene_for(ARTICLE, ARTICLE, epochs=10)
    assert plot_fit(scene, 1, big).layout.font.size == big.font_size


def test_theme_is_frozen() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_THEME.font_size = 30  # type: ignore[misc]


# ---- awkward runs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y"),
    [([2.0], [3.0]), ([2.0, 2.0, 2.0], [1.0, 2.0, 4.0]), ([0.0, 0.0], [1.0, -1.0])],
    ids=["one point", "all x equal", "all x zero"],
)
def test_all_x_equal_draws_the_optimal_line_and_says_so(x: list[float], y: list[float]) -> None:
    scene = scene_for(x, y, lr=0.1, epochs=50)
    assert not scene.optimum.unique
    fig = plot_contour(scene, 10)
    assert trace(fig, CONTOUR_OPTIMUM).name == "optimum (a whole line)"
    assert any("minimum is a line" in a.text for a in fig.layout.annotations)
    assert not any(t.uid == FIT_BEST_LINE for t in plot_fit(scene, 10).data)
    for build in BUILDERS.values():
        assert_finite(build(scene, 10))


def test_diverging_run_keeps_the_view_on_the_start_and_the_optimum() -> None:
    scene = scene_for(ARTICLE, ARTICLE, lr=0.3, epochs=100)
    assert scene.history.diverged_at == 8
    assert scene.path_leaves_view
    assert any("leaves the view" in a.text for a in plot_contour(scene, 0).layout.annotations)
    span = scene.w_range[1] - scene.w_range[0]
    assert span < 100  # the bowl, not the blow-up, fills the panel
    for build in BUILDERS.values():
        assert_finite(build(scene, scene.last_epoch))


def test_zero_epochs_is_one_point_everywhere() -> None:
    scene = scene_for(ARTICLE, ARTICLE, epochs=0)
    assert scene.last_epoch == 0
    assert len(trace(plot_loss_curve(scene, 0), "loss.so_far").x) == 1
    for build in BUILDERS.values():
        assert_finite(build(scene, 0))


def test_start_at_the_optimum_still_frames_a_bowl() -> None:
    scene = scene_for(ARTICLE, ARTICLE, w0=1.0, b0=0.0, epochs=5)
    assert scene.w_range[0] < 1.0 < scene.w_range[1]
    assert scene.w_range[1] - scene.w_range[0] > 0
    for build in BUILDERS.values():
        assert_finite(build(scene, 5))


def test_a_far_start_keeps_the_data_in_view() -> None:
    scene = scene_for(ARTICLE, ARTICLE, w0=1e6, epochs=50)
    lo, hi = scene.fit_y
    assert lo <= 1.0 and hi >= 5.0
    assert hi - lo < 100  # the line far off-screen does not squash the points
    for build in BUILDERS.values():
        assert_finite(build(scene, 0))


finite = st.floats(-1e3, 1e3, allow_nan=False)


@given(
    points=st.lists(st.tuples(finite, finite), min_size=1, max_size=12),
    lr=st.sampled_from([1e-4, 0.01, 0.09, 0.5, 2.0]),
    optimizer=st.sampled_from(["gd", "momentum", "nesterov", "adam"]),
    batch=st.sampled_from([None, 1, 2]),
    start=st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)),
    epochs=st.integers(0, 40),
    epoch=st.integers(-5, 60),
)
def test_no_nan_or_inf_in_any_figure(
    points: list[tuple[float, float]],
    lr: float,
    optimizer: str,
    batch: int | None,
    start: tuple[float, float],
    epochs: int,
    epoch: int,
) -> None:
    x, y = zip(*points, strict=True)
    scene = scene_for(
        list(x),
        list(y),
        lr=lr,
        epochs=epochs,
        w0=start[0],
        b0=start[1],
        optimizer=optimizer,
        batch_size=batch,
    )
    for build in BUILDERS.values():
        assert_finite(build(scene, epoch))
    assert scene.loss_floor > 0
    assert scene.arrow_scale > 0 and math.isfinite(scene.arrow_scale)
    for lo, hi in (scene.fit_x, scene.fit_y, scene.w_range, scene.b_range):
        assert math.isfinite(lo) and math.isfinite(hi) and lo < hi


@given(st.floats(1e-300, 1e300))
def test_nice_floor_is_a_round_value_just_below(value: float) -> None:
    nice = nice_floor(value)
    assert nice <= value * (1 + 1e-12)
    assert nice > value / 2.5 * (1 - 1e-12)
    mantissa = nice / 10 ** math.floor(math.log10(nice) + 1e-12)
    assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-9


def test_history_type_is_the_cores(article: Scene) -> None:
    # The builders read the core's History, never a copy of the maths.
    assert isinstance(article.history, History)
    assert isinstance(DEFAULT_THEME, Theme)
