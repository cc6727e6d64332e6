"""The chain-rule view's per-epoch text equals the core's record_at at every epoch (property)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.core import (
    AdamState,
    MomentumState,
    TrainConfig,
    init_state,
    make_dataset,
    record_at,
)
from lrviz.core import (
    run as run_,
)
from lrviz.core.optimizers import adam_bias_corrected
from lrviz.explain.live import OTHERS_SHOWN, chain_data, point_data, replay, shown_points
from lrviz.explain.optimizer import batch_points, params_after, state_before
from lrviz.notation.numbers import fmt

values = st.floats(-50, 50, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def runs(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(2, 14))
    x = draw(st.lists(values, min_size=n, max_size=n))
    y = draw(st.lists(values, min_size=n, max_size=n))
    optimizer = draw(st.sampled_from(["gd", "momentum", "nesterov", "adam"]))
    batch = draw(st.sampled_from([None, 1, 3]))
    lr = draw(st.sampled_from([1e-4, 1e-3, 0.01, 0.05]))
    loss = draw(st.sampled_from(["mse", "mae", "huber"]))
    delta = draw(st.sampled_from([0.5, 1.0, 7.5]))
    config = TrainConfig(
        lr=lr,
        optimizer=optimizer,
        batch_size=batch,
        seed=draw(st.integers(0, 9)),
        loss=loss,
        huber_delta=delta,
    )
    w0, b0 = draw(values), draw(values)
    return make_dataset(x, y), config, w0, b0, draw(st.integers(1, 12))


@settings(max_examples=40, deadline=None)
@given(runs(), st.data())
def test_every_string_is_the_records(run: tuple, data: st.DataObject) -> None:
    dataset, config, w0, b0, last = run
    rp = replay(dataset, config, w0, b0, last)
    chain = chain_data(rp, dataset)
    json.dumps(chain, allow_nan=False)  # never a NaN on the wire
    i = data.draw(st.integers(0, dataset.n - 1))
    point = point_data(rp, dataset, i)
    k = data.draw(st.integers(0, last))
    state, rec = record_at(dataset, config, w0, b0, k)
    assert (rp.w[k], rp.b[k]) == (rec.w, rec.b)
    with np.errstate(all="ignore"):
        assert point["yh"][k] == fmt(rec.y_hat[i])
        assert point["li"][k] == fmt(rec.loss_i[i])
        if config.loss == "mse":
            assert point["li"][k] == fmt((rec.y[i] - rec.y_hat[i]) ** 2)
        clipped = config.loss == "huber" and abs(rec.residual[i]) > config.huber_delta
        assert point["note"][k] == (f" (clipped at ±{fmt(config.huber_delta)})" if clipped else "")
        assert point["g"][k] == fmt(rec.dL_dyhat[i]) == fmt(rec.dL_db_i[i])
        assert point["gw"][k] == fmt(rec.dL_dw_i[i])
        assert point["wx"][k] == fmt(rec.w * rec.x[i])
        pulls = chain["pulls"]
        for j, p in enumerate(pulls["points"]):
            assert pulls["pw"][j][k] == fmt(rec.dL_dw_i[p])
            assert pulls["pb"][j][k] == fmt(rec.dL_db_i[p])
            assert pulls["pg"][j][k] == fmt(rec.dL_dyhat[p])
            clip = config.loss == "huber" and abs(rec.residual[p]) > config.huber_delta
            assert pulls["clip"][j][k] == ("1" if clip else "0")
            if clip:  # the clipped pull is ±δ exactly
                assert abs(rec.dL_dyhat[p]) == config.huber_delta
    if k == last:
        assert len(chain["dW"]) == last  # the last epoch on screen takes no step
        return
    u = rec.updates[0]
    assert (chain["dW"][k], chain["dB"][k]) == (fmt(rec.delta_w), fmt(rec.delta_b))
    if chain["mini"]:
        assert chain["batch"][k] == batch_points(u, dataset.n, 10)
        assert (chain["gw"][k], chain["gb"][k], chain["bl"][k]) == (
            fmt(u.dL_dw),
            fmt(u.dL_db),
            fmt(u.loss),
        )
        assert (chain["w1"][k], chain["b1"][k]) == tuple(fmt(v) for v in params_after(rec, 0))
    else:
        assert "w1" not in chain  # the epoch's one update ends at the next epoch's w, b
    before, after = state_before(state, rec, 0), u.opt_state

    def prior(name: str, after_name: str) -> str:
        # As the view reads it: per epoch with mini-batches, else the epoch before's "after".
        if chain["mini"]:
            return chain[name][k]
        return chain["first"][name] if k == 0 else chain[after_name][k - 1]

    if isinstance(after, MomentumState):
        assert isinstance(before, MomentumState)
        assert prior("v0w", "vw") == fmt(before.velocity[0])
        assert prior("v0b", "vb") == fmt(before.velocity[1])
        assert chain["vb"][k] == fmt(after.velocity[1])
    if isinstance(after, AdamState):
        assert isinstance(before, AdamState)
        m_hat, v_hat = adam_bias_corrected(after, config.beta1, config.beta2)
        assert chain["t"][k] == str(after.count)
        assert prior("m0w", "mw") == fmt(before.mu[0])
        assert prior("s0w", "sw") == fmt(before.nu[0])
        assert chain["sb"][k] == fmt(after.nu[1])
        assert chain["mhw"][k] == fmt(m_hat[0]) and chain["shb"][k] == fmt(v_hat[1])


@given(st.integers(1, 100_000))
def test_shown_points_are_few_and_valid(n: int) -> None:
    points = shown_points(n)
    assert len(points) <= OTHERS_SHOWN + 1
    assert points == sorted(set(points)) and all(0 <= p < n for p in points)
    assert len(points) == n or len(points) >= OTHERS_SHOWN - 1


def test_a_point_outside_the_data_is_refused() -> None:
    data = make_dataset([1.0, 2.0], [1.0, 2.0])
    rp = replay(data, TrainConfig(lr=0.01), 0.0, 0.0, 3)
    for bad in (-1, 2, True):
        with pytest.raises(ValueError, match="no point"):
            point_data(rp, data, bad)


@settings(max_examples=40, deadline=None)
@given(runs(), st.sampled_from(["mse", "mae", "huber"]))
def test_the_replay_from_the_history_is_the_replay_from_the_start(run: tuple, loss: str) -> None:
    dataset, config, w0, b0, last = run
    config = TrainConfig(
        lr=config.lr, optimizer=config.optimizer, batch_size=config.batch_size, loss=loss
    )
    history = run_(dataset, config, init_state(dataset, config, w0, b0), last)
    last = min(last, history.epochs_run)  # a run that diverged stops early
    stepped = replay(dataset, config, w0, b0, last)
    stored = replay(dataset, config, w0, b0, last, history)
    assert json.dumps(chain_data(stepped, dataset)) == json.dumps(chain_data(stored, dataset))
    i = dataset.n // 2
    assert point_data(stepped, dataset, i) == point_data(stored, dataset, i)
    for name in ("w", "b", "dW", "dB", "batch_loss", "gw", "gb", "w1", "b1"):
        assert np.array_equal(getattr(stepped, name), getattr(stored, name), equal_nan=True)
    assert (stepped.before, stepped.after, stepped.batch) == (
        stored.before,
        stored.after,
        stored.batch,
    )
    assert (stepped.updates, stepped.mini) == (stored.updates, stored.mini)
