"""Standardized x: round trips, the same line in both units, and the feature-scaling lesson."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.core import curvature, optimum
from lrviz.data import (
    MIN_STD,
    DataError,
    Scaling,
    fit_scaling,
    get_preset,
    standardize,
    to_original,
    to_standardized,
    unstandardize,
)

xs = st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=50).filter(
    lambda v: min(v) < max(v) and np.std(v) >= MIN_STD
)
coef = st.floats(-1e3, 1e3)


@given(xs)
def test_standardized_x_has_mean_zero_and_std_one(x: list[float]) -> None:
    scaling = fit_scaling(x)
    z = standardize(x, scaling)
    # Tolerances relative to how far x sits from 0 compared with its spread.
    scale = 1 + max(abs(v) for v in x) / scaling.std
    assert abs(np.mean(z)) <= 1e-9 * scale
    assert np.std(z) == pytest.approx(1.0, rel=1e-9 * scale)
    assert scaling.message == ""


@given(xs)
def test_unstandardize_inverts_standardize(x: list[float]) -> None:
    scaling = fit_scaling(x)
    back = unstandardize(standardize(x, scaling), scaling)
    np.testing.assert_allclose(back, x, rtol=1e-12, atol=1e-9 * (scaling.std + abs(scaling.mean)))


@given(xs, coef, coef)
def test_a_line_in_standardized_units_is_the_same_line_in_original_units(
    x: list[float], w_z: float, b_z: float
) -> None:
    scaling = fit_scaling(x)
    z = standardize(x, scaling)
    w, b = to_original(w_z, b_z, scaling)
    expected = w_z * z + b_z
    got = w * np.asarray(x) + b
    atol = (
        1e-9 * (abs(w_z) * (1 + np.max(np.abs(z))) + abs(b_z) + abs(w) * abs(scaling.mean)) + 1e-300
    )  # subnormals lose digits
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=atol)


@given(xs, coef, coef)
def test_to_standardized_inverts_to_original(x: list[float], w: float, b: float) -> None:
    scaling = fit_scaling(x)
    w_back, b_back = to_original(*to_standardized(w, b, scaling), scaling)
    assert w_back == pytest.approx(w, rel=1e-12, abs=1e-12)
    assert b_back == pytest.approx(b, rel=1e-9, abs=1e-9 * (1 + abs(w) * abs(scaling.mean)))


def test_trajectories_map_as_arrays() -> None:
    scaling = Scaling(mean=10.0, std=4.0)
    w, b = to_original(np.array([0.0, 4.0]), np.array([1.0, 1.0]), scaling)
    np.testing.assert_array_equal(w, [0.0, 1.0])
    np.testing.assert_array_equal(b, [1.0, -9.0])


def test_optimum_in_standardized_units_maps_to_the_original_optimum() -> None:
    preset = get_preset("Unscaled x")
    scaling = fit_scaling(preset.x)
    opt_z = optimum(standardize(preset.x, scaling), preset.y)
    opt = optimum(preset.x, preset.y)
    w, b = to_original(opt_z.w, opt_z.b, scaling)
    assert w == pytest.approx(opt.w, rel=1e-9)
    assert b == pytest.approx(opt.b, rel=1e-9)


def test_standardizing_rounds_the_valley_and_raises_the_stable_rate() -> None:
    preset = get_preset("Unscaled x")
    before = curvature(preset.x, preset.y)
    after = curvature(standardize(preset.x, fit_scaling(preset.x)), preset.y)
    assert after.condition_number == pytest.approx(1.0, abs=1e-9)
    assert after.max_stable_lr > 1000 * before.max_stable_lr


@pytest.mark.parametrize("x", [[2.0], [0.1, 0.1, 0.1], [-7.0] * 5, [699051.3362812016] * 3])
def test_equal_x_is_only_centred(x: list[float]) -> None:
    scaling = fit_scaling(x)
    assert scaling.std == 1.0
    assert "only centred" in scaling.message
    z = standardize(x, scaling)
    assert np.isfinite(z).all()
    assert (z == 0.0).all()


@pytest.mark.parametrize("x", [[0.0, 3.76e-308], [1.0, 1.0 + 2**-52], [1e-160, -1e-160]])
def test_x_too_close_together_to_scale_is_only_centred(x: list[float]) -> None:
    scaling = fit_scaling(x)
    if np.std(x) < MIN_STD:
        assert scaling.std == 1.0
        assert "only centred" in scaling.message
    z = standardize(x, scaling)
    w, b = to_original(1e3, 1e3, scaling)
    assert np.isfinite(z).all()
    assert np.isfinite([w, b]).all()


@pytest.mark.parametrize("x", [[], [1.0, float("nan")], [1e200, 1.0]])
def test_bad_x_is_refused(x: list[float]) -> None:
    with pytest.raises(DataError):
        fit_scaling(x)
