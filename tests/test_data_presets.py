"""Presets: the default, Anscombe's published values, and that each teaches what it says."""

import numpy as np
import pytest

from lrviz.core import curvature, make_dataset, optimum
from lrviz.data import DEFAULT_PRESET, PRESETS, DataError, get_preset, preset_names

ANSCOMBE = [f"Anscombe's quartet {k}" for k in ("I", "II", "III", "IV")]


def test_names_are_unique_and_the_default_comes_first() -> None:
    names = preset_names()
    assert len(set(names)) == len(names) == len(PRESETS)
    assert names[0] == DEFAULT_PRESET == "Article example"
    expected = {"Noisy line", "Outliers", "Unscaled x", *ANSCOMBE, "Single point"}
    assert expected <= set(names)


def test_article_example_is_x_equals_y_one_to_five() -> None:
    preset = get_preset("Article example")
    assert preset.x.tolist() == preset.y.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize("name", preset_names())
def test_each_preset_has_one_sentence_and_valid_read_only_data(name: str) -> None:
    preset = get_preset(name)
    lesson = preset.lesson
    assert lesson.endswith(".")
    assert ". " not in lesson  # one sentence
    assert 20 < len(lesson) < 200
    assert preset.x.dtype == preset.y.dtype == np.float64
    assert preset.x.shape == preset.y.shape
    assert not preset.x.flags.writeable
    assert not preset.y.flags.writeable
    make_dataset(preset.x, preset.y)


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(DataError, match="no preset called"):
        get_preset("Nope")


@pytest.mark.parametrize("name", ANSCOMBE)
def test_anscombe_sets_share_their_summary_statistics(name: str) -> None:
    preset = get_preset(name)
    assert preset.x.size == 11
    slope, intercept = np.polyfit(preset.x, preset.y, 1)
    assert np.mean(preset.x) == pytest.approx(9.0, abs=1e-12)
    assert np.var(preset.x, ddof=1) == pytest.approx(11.0, abs=1e-12)
    assert np.mean(preset.y) == pytest.approx(7.50, abs=0.005)
    assert np.var(preset.y, ddof=1) == pytest.approx(4.125, abs=0.005)
    assert np.corrcoef(preset.x, preset.y)[0, 1] == pytest.approx(0.816, abs=0.001)
    assert intercept == pytest.approx(3.00, abs=0.005)
    assert slope == pytest.approx(0.500, abs=0.0005)


def test_anscombe_sets_differ_in_shape() -> None:
    sets = [get_preset(name) for name in ANSCOMBE]
    assert all(np.array_equal(s.x, sets[0].x) for s in sets[1:3])
    assert len({tuple(s.y) for s in sets}) == 4
    assert np.count_nonzero(sets[3].x != 8.0) == 1


def test_single_point_has_a_line_of_optima() -> None:
    preset = get_preset("Single point")
    assert preset.x.size == 1
    assert not optimum(preset.x, preset.y).unique


def test_unscaled_x_is_a_narrow_valley_with_a_tiny_stable_rate() -> None:
    unscaled = get_preset("Unscaled x")
    article = get_preset("Article example")
    assert unscaled.x.min() >= 100 and unscaled.x.max() <= 1000
    cur = curvature(unscaled.x, unscaled.y)
    assert cur.condition_number > 1e4
    assert cur.max_stable_lr < curvature(article.x, article.y).max_stable_lr / 1000


def test_outlier_drags_the_fit() -> None:
    preset = get_preset("Outliers")
    slope, intercept = np.polyfit(preset.x, preset.y, 1)
    residual = np.abs(preset.y - (slope * preset.x + intercept))
    far = int(np.argmax(residual))
    others = np.delete(np.arange(preset.x.size), far)
    assert residual[far] > 5 * np.median(residual[others])
    slope_without, _ = np.polyfit(preset.x[others], preset.y[others], 1)
    assert abs(slope - slope_without) > 0.5 * abs(slope_without)


def test_noisy_line_does_not_fit_exactly() -> None:
    preset = get_preset("Noisy line")
    assert optimum(preset.x, preset.y).loss > 0.5
