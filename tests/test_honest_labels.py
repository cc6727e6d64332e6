"""Labels tell the truth: a 0 the log axis cannot show, and the units of the fit's equation."""

import json

import numpy as np

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig, make_dataset
from lrviz.data import fit_scaling, standardize
from lrviz.figures import plot_loss_curve
from lrviz.figures.loss_curve import FLOOR_NOTE, optimum_level, optimum_text
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.figures.uids import LOSS_OPTIMUM
from lrviz.player.payload import FIT_UNITS, encode, payload
from lrviz.player.plotly_js import INLINE

ARTICLE = [1.0, 2.0, 3.0, 4.0, 5.0]


def test_an_optimum_of_zero_says_it_is_drawn_at_the_axis_floor() -> None:
    run = make_run(make_dataset(ARTICLE, ARTICLE), RunSettings(config=TrainConfig(lr=0.05)))
    scene = run.scene
    assert scene.optimum.loss == 0.0 and optimum_level(scene) == scene.loss_floor > 0
    assert optimum_text(scene) == f"0, {FLOOR_NOTE}"
    fig = plot_loss_curve(scene, 10, DEFAULT_THEME)
    optimum_trace = next(t for t in fig.data if t.uid == LOSS_OPTIMUM)
    assert optimum_trace.name == f"optimum loss 0,<br>{FLOOR_NOTE}"
    assert optimum_trace.showlegend is not False
    assert FLOOR_NOTE in optimum_trace.hovertemplate
    assert list(optimum_trace.y) == [scene.loss_floor] * 2
    body = json.loads(encode(payload(run, DEFAULT_THEME, INLINE)))
    assert body["optimum_loss_text"] == f"0, {FLOOR_NOTE}"


def test_a_positive_optimum_is_drawn_at_its_level_without_the_note() -> None:
    y = [1.2, 1.9, 3.4, 3.9, 5.3]
    run = make_run(make_dataset(ARTICLE, y), RunSettings(config=TrainConfig(lr=0.05)))
    scene = run.scene
    assert scene.optimum.loss > 0 and optimum_level(scene) == scene.optimum.loss
    assert FLOOR_NOTE not in optimum_text(scene)
    fig = plot_loss_curve(scene, 10)
    assert next(t for t in fig.data if t.uid == LOSS_OPTIMUM).name == "optimum loss"
    assert not [t.name for t in fig.data if FLOOR_NOTE in (t.name or "")]


def test_the_fit_header_names_its_units_only_when_x_is_standardized() -> None:
    x = np.array([100.0, 200.0, 300.0, 400.0, 500.0])
    y = [3.0, 5.0, 6.0, 9.0, 10.0]
    scaling = fit_scaling(x)
    scaled = make_run(
        make_dataset(standardize(x, scaling), y),
        RunSettings(epochs=20, x_scaling=(scaling.mean, scaling.std)),
    )
    raw = make_run(make_dataset(x, y), RunSettings(epochs=20, config=TrainConfig(lr=1e-6)))
    with_units = json.loads(encode(payload(scaled, DEFAULT_THEME, INLINE)))
    plain = json.loads(encode(payload(raw, DEFAULT_THEME, INLINE)))
    assert with_units["fit_units"] == FIT_UNITS and "original" in FIT_UNITS
    assert plain["fit_units"] == ""
