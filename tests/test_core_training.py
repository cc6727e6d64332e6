"""The training step, the optimizers, batching, divergence and rejected input."""

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.core import (
    OPTIMIZERS,
    TrainConfig,
    init_state,
    make_dataset,
    record_at,
    run,
    step,
    step_prefix,
    train,
)

X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])


def steps(optimizer, n, lr=0.01, x=X, y=X, **kw):
    data = make_dataset(x, y)
    config = TrainConfig(lr=lr, optimizer=optimizer, **kw)
    state = init_state(data, config)
    out = []
    for _ in range(n):
        state, rec = step(state, data, config)
        out.append((state, rec))
    return out


def test_article_first_two_epochs():
    (s1, r0), (_s2, r1) = steps("gd", 2)
    assert (r0.loss, r0.dL_dw, r0.dL_db) == (11.0, -22.0, -6.0)
    assert (s1.w, s1.b) == pytest.approx((0.22, 0.06), abs=1e-15)
    np.testing.assert_allclose(r0.y_hat, 0.0)
    np.testing.assert_allclose(r0.dL_dyhat, -2 * X)
    np.testing.assert_allclose(r0.dL_dw_i, -2 * X * X)
    assert r1.dL_dw == pytest.approx(-16.8, abs=1e-12)
    assert r1.dL_db == pytest.approx(-4.56, abs=1e-12)
    assert (r0.delta_w, r0.delta_b) == pytest.approx((0.22, 0.06), abs=1e-15)


def test_article_history_matches_script_to_1e9():
    hist = train(X, X, epochs=1000, lr=0.01)
    w = b = 0.0
    for _ in range(1000):  # the article's loop, verbatim maths
        pred = w * X + b
        dw = -(2 / 5) * np.sum(X * (X - pred))
        db = -(2 / 5) * np.sum(X - pred)
        w, b = w - 0.01 * dw, b - 0.01 * db
    assert hist.w[-1] == pytest.approx(w, rel=1e-9)
    assert hist.b[-1] == pytest.approx(b, rel=1e-9)
    assert len(hist.w) == 1001 and hist.diverged_at is None


# Two steps of each optimizer on the article's data, worked by hand from the update rules.
# Gradient at (w, b): e = 3 - 3w - b, dL/dw = -2(3e - 2(w - 1)), dL/db = -2e.
def _grad(w, b):
    e = 3 - 3 * w - b
    return -2 * (3 * e - 2 * (w - 1)), -2 * e


HAND = {
    "gd": [(0.22, 0.06), (0.22 + 0.168, 0.06 + 0.0456)],
    # v1 = g0 = (-22, -6); v2 = 0.9 v1 + g1 = (-36.6, -9.96)
    "momentum": [(0.22, 0.06), (0.22 + 0.366, 0.06 + 0.0996)],
    # v1 = g0; step along g0 + 0.9 v1 = (-41.8, -11.4). g1 at (0.418, 0.114) = (-12.12, -3.264);
    # v2 = (-31.92, -8.664); step along g1 + 0.9 v2 = (-40.848, -11.0616).
    "nesterov": [(0.418, 0.114), (0.418 + 0.40848, 0.114 + 0.110616)],
}


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov"])
def test_two_hand_computed_steps(optimizer):
    (s1, _), (s2, _) = steps(optimizer, 2)
    assert (s1.w, s1.b) == pytest.approx(HAND[optimizer][0], abs=1e-12)
    assert (s2.w, s2.b) == pytest.approx(HAND[optimizer][1], abs=1e-12)


def test_two_hand_computed_adam_steps():
    (s1, _r0), (s2, r1) = steps("adam", 2)
    eps = 1e-8
    # t = 1: m_hat = g, v_hat = g^2, so each parameter moves lr * |g| / (|g| + eps).
    assert s1.w == pytest.approx(0.01 * 22 / (22 + eps), abs=1e-15)
    assert s1.b == pytest.approx(0.01 * 6 / (6 + eps), abs=1e-15)
    g = _grad(s1.w, s1.b)
    assert (r1.dL_dw, r1.dL_db) == pytest.approx(g, rel=1e-12)
    m = (0.9 * 0.1 * -22 + 0.1 * g[0], 0.9 * 0.1 * -6 + 0.1 * g[1])
    v = (0.999 * 0.001 * 22**2 + 0.001 * g[0] ** 2, 0.999 * 0.001 * 6**2 + 0.001 * g[1] ** 2)
    m_hat = [mi / (1 - 0.9**2) for mi in m]
    v_hat = [vi / (1 - 0.999**2) for vi in v]
    w2 = s1.w - 0.01 * m_hat[0] / (math.sqrt(v_hat[0]) + eps)
    b2 = s1.b - 0.01 * m_hat[1] / (math.sqrt(v_hat[1]) + eps)
    assert (s2.w, s2.b) == pytest.approx((w2, b2), rel=1e-12)
    assert s2.opt_state.count == 2
    assert s2.opt_state.mu == pytest.approx(m, rel=1e-12)
    assert s2.opt_state.nu == pytest.approx(v, rel=1e-12)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 1, 2, 5])
def test_train_is_step_repeated(optimizer, batch_size):
    x = np.array([0.5, -1.0, 2.0, 3.5, 4.0, 7.0, 1.5])
    y = 2 * x - 1 + np.array([0.1, -0.3, 0.2, 0.0, -0.1, 0.4, -0.2])
    hist = train(x, y, epochs=25, lr=0.005, optimizer=optimizer, batch_size=batch_size, seed=3)
    data = make_dataset(x, y)
    config = TrainConfig(lr=0.005, optimizer=optimizer, batch_size=batch_size, seed=3)
    state = init_state(data, config)
    for k in range(25):
        assert (hist.w[k], hist.b[k]) == (state.w, state.b)
        state, rec = step(state, data, config)
        assert (hist.loss[k], hist.dw[k], hist.db[k]) == (rec.loss, rec.dL_dw, rec.dL_db)
    assert (hist.w[25], hist.b[25]) == (state.w, state.b)


def test_minibatches_walk_one_rng_permutation_per_epoch():
    x = np.arange(7.0)
    out = steps("gd", 3, x=x, y=x, batch_size=3, seed=11)
    rng = np.random.default_rng(11)
    for _, rec in out:
        perm = rng.permutation(7)
        got = [u.indices for u in rec.updates]
        expected = [perm[0:3], perm[3:6], perm[6:7]]  # the last short batch is kept
        assert len(got) == 3
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_array_equal(g, e)


def test_batch_size_one_is_sgd_on_the_single_point_loss():
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([2.0, 0.0, 5.0])
    ((_, rec),) = steps("gd", 1, lr=0.05, x=x, y=y, batch_size=1, seed=0)
    w = b = 0.0
    for u in rec.updates:
        (i,) = u.indices
        y_hat = w * x[i] + b
        dw, db = -2 * (y[i] - y_hat) * x[i], -2 * (y[i] - y_hat)  # the article's derivation
        assert (u.dL_dw, u.dL_db) == pytest.approx((dw, db), rel=1e-12)
        w, b = w - 0.05 * dw, b - 0.05 * db
        assert (w, b) == pytest.approx((u.w + u.delta_w, u.b + u.delta_b), rel=1e-12)
    assert (rec.w_new, rec.b_new) == pytest.approx((w, b), rel=1e-12)


def test_batch_size_at_least_n_is_full_batch():
    full = train(X, X, epochs=30, lr=0.01)
    big = train(X, X, epochs=30, lr=0.01, batch_size=5)
    np.testing.assert_array_equal(full.w, big.w)


def test_inputs_unmodified_and_state_frozen():
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([3.0, 1.0, 2.0])
    x0, y0 = x.copy(), y.copy()
    hist = train(x, y, epochs=5, lr=0.1, optimizer="adam", batch_size=2)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    assert x.flags.writeable and y.flags.writeable  # train views them read-only, not the caller
    data = make_dataset(x, y)
    x[0] = 99.0  # the dataset holds its own copy
    assert data.x[0] == 1.0
    config = TrainConfig(lr=0.1)
    state = init_state(data, config)
    new, rec = step(state, data, config)
    assert state.epoch == 0 and new.epoch == 1
    for obj, attr in ((state, "w"), (config, "lr"), (rec, "loss"), (hist, "diverged_at")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attr, 1.0)
    for arr in (data.x, data.y, hist.w, hist.loss):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1.0


@pytest.mark.parametrize(("lr", "expected"), [(0.3, 8), (1.0, 5)])
def test_divergence_stops_at_the_last_finite_epoch(lr, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no floating-point warning may leak
        hist = train(X, X, epochs=1000, lr=lr)
    assert hist.diverged_at == expected
    assert len(hist.w) == expected
    for arr in (hist.w, hist.b, hist.loss, hist.dw, hist.db):
        assert np.all(np.isfinite(arr))
    assert np.all(np.diff(hist.loss) > 0)  # above 2/lambda_max the loss grows every epoch


@settings(max_examples=40)
@given(
    lr=st.floats(1e-6, 1e6),
    optimizer=st.sampled_from(OPTIMIZERS),
    w0=st.floats(-1e6, 1e6),
    batch=st.sampled_from([None, 1, 2]),
)
def test_no_nan_or_inf_is_ever_returned(lr, optimizer, w0, batch):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = train(X, X, epochs=300, lr=lr, w0=w0, optimizer=optimizer, batch_size=batch)
    for arr in (hist.w, hist.b, hist.loss, hist.dw, hist.db):
        assert np.all(np.isfinite(arr))
    assert (hist.diverged_at is None) == (len(hist.w) == 301)


def test_stable_limit_separates_convergence_from_divergence():
    limit = 2 / (12 + np.sqrt(136))
    assert train(X, X, epochs=3000, lr=0.98 * limit).diverged_at is None
    assert train(X, X, epochs=3000, lr=1.02 * limit).diverged_at is not None


def test_zero_epochs_gives_the_starting_point():
    hist = train(X, X, epochs=0, lr=0.01, w0=2.0, b0=-1.0)
    assert (list(hist.w), list(hist.b)) == ([2.0], [-1.0])
    assert list(hist.loss) == [pytest.approx(6.0, rel=1e-15)]  # residuals 0, -1, ..., -4


BAD = [
    (dict(x=[1, 2], y=[1]), "x has 2 values but y has 1"),
    (dict(x=[], y=[]), "no data"),
    (dict(x=[1, float("nan"), 3], y=[1, 2, 3]), r"x\[1\] is nan"),
    (dict(x=[1, 2, 3], y=[1, 2, float("inf")]), r"y\[2\] is inf"),
    (dict(x=[1, 1e200], y=[1, 2]), r"x\[1\] = 1e\+200 is too large"),
    (dict(x=["a", "b"], y=[1, 2]), "x must be a list of numbers"),
    (dict(x=[[1, 2]], y=[[1, 2]]), "flat list"),
    (dict(lr=0.0), "learning rate must be a positive number"),
    (dict(lr=-1.0), "learning rate must be a positive number"),
    (dict(lr=float("nan")), "learning rate must be a positive number"),
    (dict(lr=float("inf")), "learning rate must be a positive number"),
    (dict(epochs=-1), "epochs must be a whole number of 0 or more"),
    (dict(epochs=2.5), "epochs must be a whole number"),
    (dict(batch_size=0), "batch size must be a whole number of at least 1"),
    (dict(optimizer="rmsprop"), "Unknown optimizer 'rmsprop'"),
    (dict(w0=float("nan")), "w0 must be a finite number"),
    (dict(b0=1e200), "b0 = 1e\\+200 is too large"),
    (dict(momentum=1.0), r"momentum must be a number in \[0, 1\)"),
    (dict(eps=0.0), "eps must be a small positive number"),
    (dict(seed=-3), "seed must be 0 or more"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD)
def test_rejected_arguments(overrides, message):
    kwargs = dict(x=[1, 2, 3], y=[1, 2, 3], epochs=10, lr=0.01) | overrides
    x, y = kwargs.pop("x"), kwargs.pop("y")
    with pytest.raises(ValueError, match=f"(?i){message}"):
        train(x, y, **kwargs)


def test_run_continues_from_a_state():
    data = make_dataset(X, X)
    config = TrainConfig(lr=0.01, optimizer="momentum")
    state = init_state(data, config)
    for _ in range(4):
        state, _ = step(state, data, config)
    tail = run(data, config, state, 6)
    whole = train(X, X, epochs=10, lr=0.01, optimizer="momentum")
    np.testing.assert_array_equal(tail.w, whole.w[4:])


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_record_at_replays_the_history(optimizer):
    hist = train(X, X, epochs=12, lr=0.01, optimizer=optimizer, batch_size=2, seed=5)
    data = make_dataset(X, X)
    config = TrainConfig(lr=0.01, optimizer=optimizer, batch_size=2, seed=5)
    for k in (0, 1, 7, 12):
        state, rec = record_at(data, config, 0.0, 0.0, k)
        assert (state.epoch, rec.epoch) == (k, k)
        assert (rec.w, rec.b, rec.loss, rec.dL_dw) == (
            hist.w[k],
            hist.b[k],
            hist.loss[k],
            hist.dw[k],
        )
        if k < 12:
            assert (rec.w_new, rec.b_new) == (hist.w[k + 1], hist.b[k + 1])
    with pytest.raises(ValueError, match="epoch must be a whole number"):
        record_at(data, config, 0.0, 0.0, -1)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(OPTIMIZERS),
    st.sampled_from(["mse", "mae", "huber"]),
    st.integers(2, 9),
    st.sampled_from([None, 1, 2, 3, 100]),
    st.integers(1, 12),
    st.integers(0, 4),
)
def test_step_prefix_is_steps_first_updates(optimizer, loss, n, batch, updates, epoch):
    x = np.linspace(-2.0, 5.0, n)
    y = 1.5 * x + np.sin(7.0 * x)
    data = make_dataset(x, y)
    config = TrainConfig(lr=0.01, optimizer=optimizer, batch_size=batch, loss=loss, seed=2)
    state = init_state(data, config, 0.5, -1.0)
    for _ in range(epoch):
        state, _ = step(state, data, config)
    _, whole = step(state, data, config)
    part = step_prefix(state, data, config, updates)
    kept = min(updates, len(whole.updates))
    assert len(part.updates) == kept
    for u, v in zip(part.updates, whole.updates[:kept], strict=True):
        assert (u.w, u.b, u.loss, u.dL_dw, u.dL_db, u.delta_w, u.delta_b) == (
            v.w,
            v.b,
            v.loss,
            v.dL_dw,
            v.dL_db,
            v.delta_w,
            v.delta_b,
        )
        assert u.opt_state == v.opt_state
        assert (u.indices is None and v.indices is None) or np.array_equal(u.indices, v.indices)
    assert (part.loss, part.dL_dw, part.dL_db) == (whole.loss, whole.dL_dw, whole.dL_db)
    last = part.updates[kept - 1]
    assert (part.w_new, part.b_new) == (last.w + last.delta_w, last.b + last.delta_b)
    if kept == len(whole.updates):
        assert (part.w_new, part.b_new) == (whole.w_new, whole.b_new)


def test_step_prefix_refuses_no_updates():
    data = make_dataset(X, X)
    config = TrainConfig(lr=0.01, batch_size=2)
    with pytest.raises(ValueError, match="at least 1"):
        step_prefix(init_state(data, config), data, config, 0)
