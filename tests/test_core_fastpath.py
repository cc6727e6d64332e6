"""The fast mini-batch path: bit for bit ``step`` repeated, within 1e-12 of a plain per-point
reference, and the per-epoch trace that lets ``record_at`` explain any epoch in one step."""

import math

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
    train,
)

N = 7  # prime: batches of 2 and of n - 1 leave a short last batch
X7 = np.array([0.5, -1.0, 2.0, 3.5, 4.0, 7.0, 1.5])
Y7 = 2 * X7 - 1 + np.array([0.1, -0.3, 0.2, 0.0, -0.1, 0.4, -0.2])
BATCHES = [1, 2, N - 1, N, None]


def reference(x, y, epochs, lr, optimizer, batch_size, seed, beta=0.9, b1=0.9, b2=0.999, eps=1e-8):
    """Per-point maths as the article writes it, with the torch.optim update rules: each batch's
    gradient is the mean of dL_i/dy_hat_i * dy_hat_i/d(w, b) over its points."""
    n = len(x)
    rng = np.random.default_rng(seed)
    p = np.zeros(2)
    v = np.zeros(2)
    m = np.zeros(2)
    s = np.zeros(2)
    t = 0
    out = [p.copy()]
    for _ in range(epochs):
        if batch_size is None or batch_size >= n:
            batches = [np.arange(n)]
        else:
            perm = rng.permutation(n)
            batches = [perm[i : i + batch_size] for i in range(0, n, batch_size)]
        for idx in batches:
            xb, yb = x[idx], y[idx]
            dl_dyhat = -2.0 * (yb - (p[0] * xb + p[1]))
            g = np.array([np.mean(dl_dyhat * xb), np.mean(dl_dyhat)])
            if optimizer == "gd":
                p = p - lr * g
            elif optimizer in ("momentum", "nesterov"):
                v = beta * v + g
                p = p - lr * (g + beta * v if optimizer == "nesterov" else v)
            else:
                t += 1
                m = b1 * m + (1 - b1) * g
                s = b2 * s + (1 - b2) * g * g
                p = p - lr * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        out.append(p.copy())
    return np.array(out)


def assert_close_1e12(hist, ref):
    got = np.column_stack([hist.w, hist.b])
    scale = np.maximum(np.abs(ref).max(axis=1, keepdims=True), 1e-300)
    err = np.abs(got - ref) / scale
    assert err.max() <= 1e-12, err.max()


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", BATCHES)
def test_fast_path_matches_per_point_reference(optimizer, batch_size):
    lr = 0.01 if optimizer == "adam" else 0.005
    hist = train(X7, Y7, epochs=40, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=4)
    ref = reference(X7, Y7, 40, lr, optimizer, batch_size, seed=4)
    assert hist.diverged_at is None
    assert_close_1e12(hist, ref)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", BATCHES)
def test_fast_path_is_step_repeated_bit_for_bit(optimizer, batch_size):
    data = make_dataset(X7, Y7)
    config = TrainConfig(lr=0.005, optimizer=optimizer, batch_size=batch_size, seed=9)
    state = init_state(data, config, 0.3, -0.2)
    hist = run(data, config, state, 30)
    for k in range(30):
        assert hist.state_at(k) == state
        state, rec = step(state, data, config)
        assert (rec.w_new, rec.b_new) == (hist.w[k + 1], hist.b[k + 1])
    assert hist.state_at(30) == state


@settings(max_examples=60, deadline=None)
@given(
    # Quarter units up to 1000: data of a tiny scale would let Adam's lr-sized first step count
    # as divergence (DIVERGENCE_FACTOR is relative to the data's scale), which is not at issue.
    data=st.lists(
        st.tuples(st.integers(-4000, 4000), st.integers(-4000, 4000)), min_size=1, max_size=40
    ),
    optimizer=st.sampled_from(OPTIMIZERS),
    batch_size=st.integers(1, 45),
    offset=st.sampled_from([0.0, 1e6]),
    seed=st.integers(0, 2**32),
)
def test_fast_path_agrees_with_reference_on_random_data(data, optimizer, batch_size, offset, seed):
    x = np.array([p[0] / 4 for p in data]) + offset
    y = np.array([p[1] / 4 for p in data])
    # A rate well inside the stable range, so the runs converge rather than amplify rounding.
    lr = 0.1 / (2.0 * float(np.mean(x * x)) + 2.0)
    hist = train(x, y, epochs=5, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed)
    ref = reference(x, y, 5, lr, optimizer, batch_size, seed)
    got = np.column_stack([hist.w, hist.b])
    # Rounding of the data's own size: an update moves (w, b) by lr * O(x * y).
    scale = np.abs(ref).max() + lr * (np.abs(x).max() + 1) * (np.abs(y).max() + 1)
    assert np.abs(got - ref).max() <= 1e-12 * scale * 10  # ten updates' worth of ulps


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 1, 3])
def test_record_at_with_history_equals_the_replay(optimizer, batch_size, loss):
    data = make_dataset(X7, Y7)
    config = TrainConfig(
        lr=0.005, optimizer=optimizer, batch_size=batch_size, seed=2, loss=loss, huber_delta=0.3
    )
    hist = run(data, config, init_state(data, config, 1.0, 0.5), 20)
    for k in (0, 1, 13, 20):
        state_a, rec_a = record_at(data, config, 1.0, 0.5, k, history=hist)
        state_b, rec_b = record_at(data, config, 1.0, 0.5, k)
        assert state_a == state_b
        assert (rec_a.w_new, rec_a.b_new, rec_a.loss) == (rec_b.w_new, rec_b.b_new, rec_b.loss)
        assert [u.delta_w for u in rec_a.updates] == [u.delta_w for u in rec_b.updates]
        for ua, ub in zip(rec_a.updates, rec_b.updates, strict=True):
            assert ua.opt_state == ub.opt_state
            if ua.indices is not None:
                np.testing.assert_array_equal(ua.indices, ub.indices)


def test_record_at_past_a_diverged_history_replays_from_its_end():
    data = make_dataset(X7, Y7)
    config = TrainConfig(lr=0.2, optimizer="momentum")
    hist = run(data, config, init_state(data, config), 100)
    assert hist.diverged_at is not None
    k = hist.diverged_at
    state_a, rec_a = record_at(data, config, 0.0, 0.0, k, history=hist)
    state_b, rec_b = record_at(data, config, 0.0, 0.0, k)
    assert state_a == state_b and state_a.epoch == k
    assert (rec_a.w, rec_a.b) == (rec_b.w, rec_b.b)
    # The step from there is the one whose result blew up.
    assert not math.isfinite(rec_a.w_new) or rec_a.loss > 1e3 * hist.loss[0]


def test_record_at_refuses_a_history_of_another_run():
    data = make_dataset(X7, Y7)
    config = TrainConfig(lr=0.005, optimizer="adam", batch_size=2)
    hist = run(data, config, init_state(data, config), 5)
    other = TrainConfig(lr=0.005, optimizer="adam", batch_size=3)
    with pytest.raises(ValueError, match="other settings"):
        record_at(data, other, 0.0, 0.0, 2, history=hist)
    with pytest.raises(ValueError, match="another"):
        record_at(data, config, 1.0, 0.0, 2, history=hist)
    with pytest.raises(ValueError, match="other settings or data"):
        record_at(make_dataset(X7[:5], Y7[:5]), config, 0.0, 0.0, 2, history=hist)


def test_state_at_checks_its_epoch():
    hist = train(X7, Y7, epochs=3, lr=0.01, batch_size=2)
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        hist.state_at(4)
    assert hist.state_at(3).epoch == 3


def test_mini_batch_updates_record_the_batch_loss_before_the_update():
    data = make_dataset(X7, Y7)
    config = TrainConfig(lr=0.005, optimizer="nesterov", batch_size=3, seed=1)
    _, rec = step(init_state(data, config, 0.5, 0.1), data, config)
    for u in rec.updates:
        r = Y7[u.indices] - (u.w * X7[u.indices] + u.b)
        assert u.loss == pytest.approx(np.mean(r * r), rel=1e-14)
        assert (u.dL_dw, u.dL_db) == pytest.approx(
            (np.mean(-2 * r * X7[u.indices]), np.mean(-2 * r)), rel=1e-12, abs=1e-14
        )


@pytest.mark.parametrize("loss", ["mae", "huber"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [1, 2, 7, 50, 119, 120, None])
def test_robust_losses_fast_path_is_step_repeated_bit_for_bit(loss, optimizer, batch_size):
    # 120 points: batches of 50 take the vectorized sums, smaller ones the scalar sums.
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, 120)
    y = 0.5 * x + 1 + rng.standard_t(2, 120)
    data = make_dataset(x, y)
    config = TrainConfig(
        lr=0.01, optimizer=optimizer, batch_size=batch_size, seed=1, loss=loss, huber_delta=0.7
    )
    state = init_state(data, config, -0.5, 0.5)
    hist = run(data, config, state, 6)
    for k in range(6):
        assert hist.state_at(k) == state
        state, rec = step(state, data, config)
        assert (hist.loss[k], hist.dw[k], hist.db[k]) == (rec.loss, rec.dL_dw, rec.dL_db)
        assert (rec.w_new, rec.b_new) == (hist.w[k + 1], hist.b[k + 1])


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_update_log_reads_like_a_tuple_of_records(optimizer):
    data = make_dataset(X7, Y7)
    config = TrainConfig(lr=0.005, optimizer=optimizer, batch_size=2, seed=3)
    state = init_state(data, config)
    state, _ = step(state, data, config)  # Adam's count starts at 4 in the second epoch
    _, rec = step(state, data, config)
    log = rec.updates
    assert len(log) == 4
    records = list(log)
    assert [u.delta_w for u in log[1:3]] == [u.delta_w for u in records[1:3]]
    assert log[-1].opt_state == records[3].opt_state
    with pytest.raises(IndexError):
        log[4]
    # The updates replay the epoch: each starts where the previous one left off.
    w, b = rec.w, rec.b
    for u in log:
        assert (u.w, u.b) == (w, b)
        w, b = w + u.delta_w, b + u.delta_b
    assert (w, b) == (rec.w_new, rec.b_new)
    if optimizer == "adam":
        assert [u.opt_state.count for u in log] == [5, 6, 7, 8]
    np.testing.assert_array_equal(np.sort(np.concatenate([u.indices for u in log])), np.arange(7))


def test_update_log_holds_about_a_hundred_bytes_per_update():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 20_000)
    data = make_dataset(x, 2 * x)
    config = TrainConfig(lr=0.01, optimizer="adam", batch_size=1)
    _, rec = step(init_state(data, config), data, config)
    assert len(rec.updates) == 20_000
    assert rec.updates.nbytes <= 110 * 20_000  # 8 + 8 + 7 * 8 + 4 * 8 = 104 bytes
