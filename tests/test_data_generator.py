"""Generator: the same seed gives the same data, and every setting is checked."""

import dataclasses
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.data import MAX_N, MAX_SEED, MIN_N, DataError, GeneratorSpec, generate


@given(st.integers(0, MAX_SEED), st.integers(MIN_N, 200))
def test_same_seed_gives_the_same_data(seed: int, n: int) -> None:
    spec = GeneratorSpec(n=n, seed=seed)
    a, b = generate(spec), generate(GeneratorSpec(n=n, seed=seed))
    assert a.x.tobytes() == b.x.tobytes()
    assert a.y.tobytes() == b.y.tobytes()


def test_another_seed_gives_other_data() -> None:
    spec = GeneratorSpec(n=20, seed=5)
    assert not np.array_equal(generate(spec).y, generate(spec.next_sample()).y)


def test_next_sample_keeps_the_settings_and_moves_the_seed() -> None:
    spec = GeneratorSpec(n=30, true_w=-1.0, true_b=4.0, noise=0.5, x_min=-3, x_max=3, seed=41)
    nxt = spec.next_sample()
    assert nxt.seed == 42
    assert dataclasses.replace(nxt, seed=41) == spec
    assert GeneratorSpec(seed=MAX_SEED).next_sample().seed == 0


@given(
    st.integers(MIN_N, 500),
    st.floats(-1e3, 1e3),
    st.floats(-1e3, 1e3),
    st.floats(-1e3, 1e3),
    st.floats(1e-3, 1e3),
)
def test_points_follow_the_settings(n: int, w: float, b: float, x_min: float, width: float) -> None:
    x_max = x_min + width
    points = generate(GeneratorSpec(n=n, true_w=w, true_b=b, noise=0.0, x_min=x_min, x_max=x_max))
    assert points.n == n
    assert (points.x >= x_min).all()
    assert (points.x <= x_max).all()
    assert (np.diff(points.x) >= 0).all()
    np.testing.assert_allclose(points.y, w * points.x + b, rtol=0, atol=1e-12 * (1 + abs(b)))


def test_noise_has_the_requested_spread_around_the_true_line() -> None:
    spec = GeneratorSpec(n=MAX_N, true_w=3.0, true_b=-2.0, noise=2.0, x_min=0, x_max=10, seed=7)
    points = generate(spec)
    slope, intercept = np.polyfit(points.x, points.y, 1)
    residual = points.y - (spec.true_w * points.x + spec.true_b)
    # Standard errors at n = 10,000 are about 0.007 (slope), 0.04 (intercept), 0.014 (sigma).
    assert abs(slope - spec.true_w) < 0.05
    assert abs(intercept - spec.true_b) < 0.25
    assert abs(np.std(residual) - spec.noise) < 0.1


def test_message_names_the_settings() -> None:
    message = generate(GeneratorSpec(n=12, true_w=2, true_b=-1, noise=0.5, seed=9)).message
    assert "12 points" in message
    assert "y = 2x - 1" in message
    assert "σ = 0.5" in message
    assert "seed 9" in message


def test_arrays_are_read_only() -> None:
    points = generate(GeneratorSpec())
    assert not points.x.flags.writeable
    assert not points.y.flags.writeable


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"n": MIN_N - 1}, "n must be between 2 and 10,000"),
        ({"n": MAX_N + 1}, "n must be between 2 and 10,000"),
        ({"n": 10.0}, "n must be a whole number"),
        ({"n": True}, "n must be a whole number"),
        ({"seed": -1}, "seed must be between"),
        ({"seed": MAX_SEED + 1}, "seed must be between"),
        ({"true_w": float("nan")}, "true w must be a finite number"),
        ({"true_b": float("inf")}, "true b must be a finite number"),
        ({"true_w": "2"}, "true w must be a number"),
        ({"noise": -0.1}, "noise σ must be 0 or more"),
        ({"x_min": 5.0, "x_max": 5.0}, "x min (5) must be less than x max (5)"),
        ({"x_min": 6.0, "x_max": 5.0}, "must be less than x max"),
        ({"x_max": 1e200}, "x max = 1e200 is too large"),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object], fragment: str) -> None:
    with pytest.raises(DataError, match=re.escape(fragment)):
        GeneratorSpec(**changes)  # type: ignore[arg-type]


def test_boundary_settings_are_accepted() -> None:
    assert generate(GeneratorSpec(n=MIN_N)).n == MIN_N
    assert generate(GeneratorSpec(n=MAX_N)).n == MAX_N
    assert generate(GeneratorSpec(n=np.int64(3), noise=np.float64(0.0))).n == 3


def test_settings_whose_y_would_overflow_are_refused() -> None:
    spec = GeneratorSpec(true_w=1e100, x_min=0, x_max=1e100)
    with pytest.raises(DataError, match="make y reach"):
        generate(spec)
