"""MAE and Huber landscapes: the surface against the per-point sum, the minimum against brute
force and its optimality conditions, and the stable-rate guidance."""

import itertools

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lrviz.core import (
    TrainConfig,
    curvature,
    init_state,
    loss_surface,
    make_dataset,
    optimum,
    robust,
    stable_lr,
    step,
    train,
)
from lrviz.core.losses import dl_dyhat, pointwise


def naive_surface(x, y, ws, bs, loss, delta):
    return np.array([[np.mean(pointwise(loss, y - w * x - b, delta)) for w in ws] for b in bs])


def mean_loss(x, y, w, b, loss, delta=1.0):
    return float(np.mean(pointwise(loss, y - w * x - b, delta)))


points = st.lists(st.tuples(st.integers(-30, 30), st.integers(-30, 30)), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    pts=points,
    loss=st.sampled_from(["mae", "huber"]),
    delta=st.sampled_from([0.05, 1.0, 7.0]),
    offset=st.sampled_from([0.0, 1e4]),
)
def test_surface_equals_the_per_point_mean(pts, loss, delta, offset):
    x = np.array([p[0] / 4 for p in pts]) + offset
    y = np.array([p[1] / 4 for p in pts])
    ws = np.linspace(-3, 3, 7)
    bs = np.linspace(-5, 5, 9) - 1.5 * offset  # the grid goes where the lines are
    z = loss_surface(x, y, ws, bs, loss=loss, huber_delta=delta)
    ref = naive_surface(x, y, ws, bs, loss, delta)
    assert z.shape == (9, 7)
    np.testing.assert_allclose(z, ref, rtol=1e-9, atol=1e-12 * (1 + offset))


@settings(max_examples=150, deadline=None)
@given(pts=points)
def test_mae_minimum_is_the_best_line_through_two_points(pts):
    # LAD has a minimizing line through two data points (a vertex of its linear programme).
    x = np.array([p[0] / 4 for p in pts])
    y = np.array([p[1] / 4 for p in pts])
    assume(np.ptp(x) > 0)
    best = min(
        mean_loss(
            x, y, (y[j] - y[i]) / (x[j] - x[i]), y[i] - x[i] * (y[j] - y[i]) / (x[j] - x[i]), "mae"
        )
        for i, j in itertools.combinations(range(len(x)), 2)
        if x[i] != x[j]
    )
    opt = optimum(x, y, loss="mae")
    assert opt.loss == pytest.approx(best, rel=1e-12, abs=1e-14)
    assert opt.loss == pytest.approx(mean_loss(x, y, opt.w, opt.b, "mae"), rel=1e-12, abs=1e-14)


def test_mae_minimum_ignores_one_outlier_and_mse_does_not():
    x = np.arange(10.0)
    y = 2 * x + 1
    y[7] += 40.0
    mae, huber, mse = (optimum(x, y, loss=name) for name in ("mae", "huber", "mse"))
    assert (mae.w, mae.b) == pytest.approx((2.0, 1.0), abs=1e-12) and mae.unique
    assert huber.w == pytest.approx(2.0, abs=0.1)  # Huber's pull is capped at delta per point
    assert abs(mse.w - 2.0) > 1.0


def test_a_flat_mae_minimum_is_reported():
    # Four corners of a square: every line with 0 <= b <= 1 - w... many lines fit equally well.
    opt = optimum([0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0], loss="mae")
    assert opt.loss == pytest.approx(0.5)
    assert not opt.unique and "not a single line" in opt.message


@settings(max_examples=150, deadline=None)
@given(pts=points, delta=st.sampled_from([0.1, 0.5, 2.0]))
# Only two points inside the band, with the same x: Newton's Hessian is singular there.
@example(pts=[(-2, 12), (3, 24), (12, 0), (-15, 0), (-20, -1), (-24, 0), (-24, 1)], delta=0.5)
def test_huber_minimum_has_zero_gradient_and_beats_its_neighbours(pts, delta):
    x = np.array([p[0] / 4 for p in pts])
    y = np.array([p[1] / 4 for p in pts])
    assume(np.ptp(x) > 0)
    opt = optimum(x, y, loss="huber", huber_delta=delta)
    g = dl_dyhat("huber", y - opt.w * x - opt.b, delta)
    scale = delta * (np.mean(np.abs(x)) + 1)
    assert abs(np.mean(g * x)) <= 1e-10 * scale and abs(np.mean(g)) <= 1e-10 * scale
    f = mean_loss(x, y, opt.w, opt.b, "huber", delta)
    assert opt.loss == pytest.approx(f, rel=1e-12)
    for dw, db in itertools.product((-1e-4, 0, 1e-4), repeat=2):
        assert mean_loss(x, y, opt.w + dw, opt.b + db, "huber", delta) >= f * (1 - 1e-12)


def test_huber_with_a_wide_band_is_half_mse_and_shares_its_minimum():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 5, 50)
    y = 3 * x - 2 + rng.normal(0, 0.5, 50)
    wide = optimum(x, y, loss="huber", huber_delta=1e6)
    mse = optimum(x, y)
    assert (wide.w, wide.b) == pytest.approx((mse.w, mse.b), rel=1e-10)
    assert wide.loss == pytest.approx(mse.loss / 2, rel=1e-10)


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_all_x_equal_gives_a_line_of_minima(loss):
    opt = optimum([2.0, 2.0, 2.0, 2.0], [0.0, 1.0, 5.0, 9.0], loss=loss, huber_delta=1.0)
    assert not opt.unique and "All x are equal" in opt.message
    y = np.array([0.0, 1.0, 5.0, 9.0])
    for b in np.linspace(-2, 11, 27):  # the best constant beats every other constant
        assert opt.loss <= float(np.mean(pointwise(loss, y - b, 1.0))) + 1e-12


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_the_optimum_lies_below_every_grid_point(loss):
    rng = np.random.default_rng(8)
    x = rng.uniform(-2, 2, 200)
    y = x + rng.standard_t(1.5, 200)
    opt = optimum(x, y, loss=loss)
    z = loss_surface(x, y, np.linspace(-2, 4, 61), np.linspace(-3, 3, 61), loss=loss)
    assert opt.loss <= z.min() + 1e-12


def test_stable_rate_guidance_is_mse_only_or_a_sufficient_bound():
    x, y = [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]
    assert stable_lr(x, y) == curvature(x, y).max_stable_lr
    assert stable_lr(x, y, loss="huber") == 2 * curvature(x, y).max_stable_lr
    assert stable_lr(x, y, loss="mae") is None


@settings(max_examples=30, deadline=None)
@given(pts=points, delta=st.sampled_from([0.2, 1.0, 5.0]))
def test_gd_below_hubers_bound_never_raises_the_loss(pts, delta):
    x = np.array([p[0] / 4 for p in pts])
    y = np.array([p[1] / 4 for p in pts])
    lr = 0.99 * stable_lr(x, y, loss="huber")
    hist = train(x, y, epochs=60, lr=lr, loss="huber", huber_delta=delta, w0=3.0, b0=-2.0)
    assert hist.diverged_at is None
    assert np.all(np.diff(hist.loss) <= 1e-12 * (hist.loss[:-1] + 1e-300))


def test_config_rejects_unknown_losses_and_bad_deltas():
    with pytest.raises(ValueError, match="Unknown loss 'l2'"):
        TrainConfig(lr=0.1, loss="l2")
    for bad in (0.0, -1.0, float("nan"), float("inf"), True, "1"):
        with pytest.raises(ValueError, match="Huber delta must be a positive number"):
            TrainConfig(lr=0.1, loss="huber", huber_delta=bad)
    with pytest.raises(ValueError, match="Unknown loss"):
        loss_surface([1, 2], [1, 2], [0.0], [0.0], loss="hinge")


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_record_names_the_loss_and_chains_its_derivative(loss):
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    y = np.array([1.0, 2.0, 3.0, 4.0, -20.0])
    data = make_dataset(x, y)
    config = TrainConfig(lr=0.01, loss=loss, huber_delta=1.5)
    _, rec = step(init_state(data, config), data, config)
    r = y - rec.y_hat
    expected = {"mse": -2 * r, "mae": -np.sign(r), "huber": -np.clip(r, -1.5, 1.5)}[loss]
    assert rec.loss_name == loss
    np.testing.assert_array_equal(rec.dL_dyhat, expected)
    np.testing.assert_allclose(rec.dL_dw_i, expected * x)
    assert rec.dL_dw == pytest.approx(np.mean(expected * x), rel=1e-12)
    assert rec.dL_db == pytest.approx(np.mean(expected), rel=1e-12)
    assert rec.loss == pytest.approx(np.mean(rec.loss_i), rel=1e-12)


def _sorted_weighted_median(values, weights):
    order = np.argsort(values, kind="stable")
    v, cw = values[order], np.cumsum(weights[order])
    k = int(np.searchsorted(cw, 0.5 * cw[-1], side="left"))
    tie = k + 1 < len(v) and cw[k] == 0.5 * cw[-1] and v[k + 1] != v[k]
    return float(v[k]), not tie


@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(st.tuples(st.integers(-20, 20), st.integers(1, 4)), min_size=1, max_size=300))
def test_weighted_median_by_selection_equals_the_sorted_one(pairs):
    # Integer values and weights: many ties and exactly balanced halves, all summed exactly.
    values = np.array([float(p[0]) for p in pairs])
    weights = np.array([float(p[1]) for p in pairs])
    assert robust._weighted_median(values, weights) == _sorted_weighted_median(values, weights)
