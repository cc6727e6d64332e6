"""Property tests: the engine's gradients, moments and closed forms against first principles."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.core import (
    TrainConfig,
    curvature,
    init_state,
    loss_surface,
    make_dataset,
    model,
    optimum,
    step,
)

coord = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def datasets(draw, min_size=1, max_size=30):
    n = draw(st.integers(min_size, max_size))
    x = np.array(draw(st.lists(coord, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(coord, min_size=n, max_size=n)))
    return x, y


def direct_loss(x, y, w, b):
    """The article's loss, computed point by point."""
    return float(np.mean(model.squared_error(y, model.predict(x, w, b))))


def record_at(x, y, w, b):
    data = make_dataset(x, y)
    config = TrainConfig(lr=0.01)
    return step(init_state(data, config, w, b), data, config)[1]


@given(datasets(), coord, coord)
def test_gradient_matches_central_finite_differences(xy, w, b):
    x, y = xy
    rec = record_at(x, y, w, b)
    h = 1e-3 * (1.0 + abs(w) + abs(b))
    fd_w = (direct_loss(x, y, w + h, b) - direct_loss(x, y, w - h, b)) / (2 * h)
    fd_b = (direct_loss(x, y, w, b + h) - direct_loss(x, y, w, b - h)) / (2 * h)
    # The loss is quadratic, so central differences are exact but for rounding ~ eps * L / h.
    tol = 1e-9 * (1.0 + rec.loss) / h
    assert abs(fd_w - rec.dL_dw) <= tol + 1e-9 * abs(rec.dL_dw)
    assert abs(fd_b - rec.dL_db) <= tol + 1e-9 * abs(rec.dL_db)


@given(datasets(), coord, coord)
def test_batch_gradient_is_mean_of_per_point_chain_rule_products(xy, w, b):
    x, y = xy
    rec = record_at(x, y, w, b)
    # Per point: dL_i/dw = dL_i/dy_hat * dy_hat/dw, built from the local derivatives alone.
    y_hat = w * x + b
    per_w = -2.0 * (y - y_hat) * x
    per_b = -2.0 * (y - y_hat)
    np.testing.assert_allclose(rec.dL_dw_i, per_w, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(rec.dL_db_i, per_b, rtol=1e-12, atol=1e-9)
    # The moments path sums centred products, so its rounding is relative to the size of the
    # terms it combines (up to max|x| times max|y - y_hat|), not to the size of their mean.
    terms = float(np.max(np.abs(y) + np.abs(w * x) + abs(b)))
    scale_w = 2.0 * terms * float(np.max(np.abs(x))) + 1e-300
    scale_b = 2.0 * terms + 1e-300
    assert abs(rec.dL_dw - per_w.mean()) <= 1e-9 * scale_w
    assert abs(rec.dL_db - per_b.mean()) <= 1e-9 * scale_b


@given(datasets(), coord, coord)
def test_moments_loss_equals_per_point_loss(xy, w, b):
    x, y = xy
    rec = record_at(x, y, w, b)
    per_point = model.squared_error(y, model.predict(x, w, b))
    scale = float(np.mean((np.abs(y) + np.abs(w * x) + abs(b)) ** 2)) + 1e-12
    assert abs(rec.loss - per_point.mean()) <= 1e-12 * scale


@given(datasets(min_size=1, max_size=12))
def test_loss_surface_matches_naive_broadcasting(xy):
    x, y = xy
    ws = np.linspace(-3, 3, 7)
    bs = np.linspace(-50, 50, 5)
    z = loss_surface(x, y, ws, bs)
    naive = np.mean((y[None, None, :] - ws[None, :, None] * x - bs[:, None, None]) ** 2, axis=2)
    assert z.shape == (len(bs), len(ws))
    scale = float(np.max(naive)) + 1e-12
    np.testing.assert_allclose(z, naive, rtol=1e-10, atol=1e-12 * scale)


@given(datasets(min_size=2))
def test_optimum_matches_lstsq(xy):
    x, y = xy
    opt = optimum(x, y)
    if np.ptp(x) == 0:
        assert not opt.unique and "line" in opt.message
        return
    design = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    if not opt.unique:  # x so close together that the best slope is beyond drawable range
        assert "almost vertical" in opt.message
        assert np.ptp(x) < 1e-140 * (1 + np.ptp(y))
        return
    assert opt.unique
    cond = np.linalg.cond(design)
    scale = 1.0 + np.max(np.abs(y)) + np.max(np.abs(x))
    assert abs(opt.w - w) <= 1e-9 * cond * cond * (1 + abs(w)) * scale
    assert abs(opt.b - b) <= 1e-9 * cond * cond * (1 + abs(b)) * scale
    # No point of a small grid around it does better.
    assert opt.loss <= direct_loss(x, y, opt.w, opt.b) + 1e-9 * (1 + opt.loss)


def test_optimum_of_article_data_is_identity_line():
    opt = optimum([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    assert opt.unique and opt.w == pytest.approx(1.0) and opt.b == pytest.approx(0.0, abs=1e-12)
    assert opt.loss == pytest.approx(0.0, abs=1e-24)


def test_single_point_and_equal_x_have_a_line_of_optima():
    for x, y in (([2.0], [7.0]), ([3, 3, 3], [1, 2, 6])):
        opt = optimum(x, y)
        assert not opt.unique
        assert "line" in opt.message
        # Every point on b = mean(y) - x0 * w has the optimum's loss.
        x0, ybar = float(np.mean(x)), float(np.mean(y))
        for w in (-5.0, 0.0, 2.5):
            assert direct_loss(np.array(x), np.array(y), w, ybar - x0 * w) == pytest.approx(
                opt.loss, abs=1e-9
            )


@given(datasets(min_size=1, max_size=12))
def test_hessian_matches_second_differences(xy):
    x, y = xy
    cur = curvature(x, y)
    h = 1.0
    grid = np.array([-h, 0.0, h])
    z = loss_surface(x, y, grid, grid)  # z[j, i] at (w_i, b_j); the loss is exactly quadratic
    d_ww = z[1, 2] - 2 * z[1, 1] + z[1, 0]
    d_bb = z[2, 1] - 2 * z[1, 1] + z[0, 1]
    d_wb = (z[2, 2] - z[0, 2] - z[2, 0] + z[0, 0]) / 4
    scale = 1e-9 * (1 + np.max(np.abs(z)))
    assert abs(cur.hessian[0, 0] - d_ww) <= scale
    assert abs(cur.hessian[1, 1] - d_bb) <= scale
    assert abs(cur.hessian[0, 1] - d_wb) <= scale
    lo, hi = cur.eigenvalues
    np.testing.assert_allclose(sorted(np.linalg.eigvalsh(cur.hessian)), [lo, hi], atol=1e-9 * hi)
    assert cur.max_stable_lr == pytest.approx(2.0 / hi)


def test_article_curvature_and_stable_learning_rate():
    cur = curvature([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(cur.hessian, [[22.0, 6.0], [6.0, 2.0]])
    assert cur.max_stable_lr == pytest.approx(2 / (12 + np.sqrt(136)))
    assert cur.condition_number == pytest.approx((12 + np.sqrt(136)) / (12 - np.sqrt(136)))
    assert curvature([4, 4], [1, 2]).condition_number == np.inf


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([0.0, 0.0], [0.0, 2.2e-313]),  # subnormal spread in y
        ([0.0, 3.7e-162], [0.0, 1.0]),  # spread whose square underflows
        ([0.0, 5e-324], [1.0, 2.0]),  # the smallest subnormal
        ([1e150, -1e150, 0.0], [-1e150, 1e150, 3.0]),  # the largest accepted values
        ([0.1, 0.1, 0.1], [1.0, 2.0, 3.0]),  # equal x whose mean is not exact
    ],
)
def test_extreme_spreads_give_finite_moments(x, y):
    m = make_dataset(x, y).moments
    for value in (m.x_mean, m.y_mean, m.sxx, m.sxy, m.syy, m.x_std, m.y_proj, m.s_res):
        assert np.isfinite(value)
    assert np.isfinite(m.loss(0.5, -0.5))
    assert all(np.isfinite(g) for g in m.grad(0.5, -0.5))
    opt = optimum(x, y)
    assert np.isfinite(opt.w) and np.isfinite(opt.b) and np.isfinite(opt.loss)
