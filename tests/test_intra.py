"""The updates inside an epoch: replayed from lrviz.core.step, bounded, and drawn as the path."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig, make_dataset, record_at, run, step
from lrviz.core import init_state as start
from lrviz.figures import plot_contour, plot_loss_curve
from lrviz.figures.intra import intra_path, updates_per_epoch
from lrviz.figures.scene import make_scene
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.figures.uids import CONTOUR_PATH, LOSS_SO_FAR
from lrviz.player.payload import encode, payload
from lrviz.player.plotly_js import INLINE

NOISY_X = [0.05, 2.25, 2.55, 2.78, 3.0, 3.03, 4.45, 4.68, 5.05, 5.53]
NOISY_Y = [-0.69, 5.02, 3.92, 6.58, 6.74, 6.26, 4.9, 8.21, 9.5, 10.46]
DATA = make_dataset(NOISY_X, NOISY_Y)


def history(config: TrainConfig, epochs: int, w0: float = 0.0, b0: float = 0.0):
    return run(DATA, config, start(DATA, config, w0, b0), epochs)


def trace(fig, uid):
    return next(t for t in fig.data if t.uid == uid)


def test_full_batch_has_nothing_between_epochs() -> None:
    config = TrainConfig(lr=0.01)
    assert intra_path(DATA, config, history(config, 20)) is None
    assert intra_path(DATA, TrainConfig(0.01, batch_size=50), history(config, 5)) is None


@settings(max_examples=25, deadline=None)
@given(
    batch=st.integers(1, 9),
    seed=st.integers(0, 3),
    optimizer=st.sampled_from(["gd", "momentum", "adam"]),
    epochs=st.integers(1, 12),
    w0=st.floats(-3, 3),
)
def test_points_are_the_core_updates_and_the_epochs_history(batch, seed, optimizer, epochs, w0):
    config = TrainConfig(0.01, optimizer, batch, seed)
    h = history(config, epochs, w0)
    path = intra_path(DATA, config, h, w0)
    assert path is not None
    m = updates_per_epoch(DATA.n, config)
    assert m == math.ceil(DATA.n / batch)
    assert np.array_equal(path.w[path.at], h.w) and np.array_equal(path.b[path.at], h.b)
    assert np.array_equal(path.loss[path.at], h.loss)
    assert np.all(np.diff(path.t) > 0) and np.array_equal(path.t[path.at], np.arange(epochs + 1))
    for k in range(epochs):
        _, rec = record_at(DATA, config, w0, 0.0, k)
        inner = slice(path.at[k], path.at[k + 1])
        assert path.w[inner].tolist() == [u.w for u in rec.updates]
        assert path.b[inner].tolist() == [u.b for u in rec.updates]
        assert path.t[inner] == pytest.approx([k + j / m for j in range(m)])
    assert np.allclose(path.loss, DATA.moments.loss(path.w, path.b), rtol=1e-12)


def test_the_budget_bounds_the_points_and_later_epochs_keep_one_each() -> None:
    config = TrainConfig(0.01, batch_size=1)
    h = history(config, 50)
    path = intra_path(DATA, config, h, budget=95)
    assert path is not None and path.upto == 9  # 95 // 10 updates per epoch
    assert len(path.t) == 9 * 10 + (50 - 9) + 1
    assert np.all(np.diff(path.at[9:]) == 1)


def test_the_figures_draw_the_path_through_the_updates() -> None:
    config = TrainConfig(0.01, batch_size=2)
    h = history(config, 30)
    scene = make_scene(DATA, h)
    path = intra_path(DATA, config, h)
    k = 7
    contour = trace(plot_contour(scene, k, DEFAULT_THEME, intra=path), CONTOUR_PATH)
    assert len(contour.x) == path.at[k] + 1 == k * 5 + 1
    assert list(contour.x) == path.w[: k * 5 + 1].tolist()
    loss = trace(plot_loss_curve(scene, k, DEFAULT_THEME, intra=path), LOSS_SO_FAR)
    assert list(loss.x) == path.t[: k * 5 + 1].tolist() and loss.x[1] == pytest.approx(0.2)
    # Without it, one point per epoch as before.
    assert len(trace(plot_contour(scene, k), CONTOUR_PATH).x) == k + 1


def test_the_payload_carries_the_updates_for_sgd_only() -> None:
    sgd = make_run(DATA, RunSettings(epochs=40, config=TrainConfig(0.007, batch_size=1)))
    body = json.loads(encode(payload(sgd, DEFAULT_THEME, INLINE)))
    intra = body["intra"]
    assert len(intra["at"]) == 41 and intra["at"][1] == 10
    assert len(intra["t"]) == len(intra["w"]) == len(intra["b"]) == len(intra["loss"]) == 401
    full = make_run(DATA, RunSettings(epochs=40))
    assert json.loads(encode(payload(full, DEFAULT_THEME, INLINE)))["intra"] is None


def test_a_diverging_sgd_run_sends_only_finite_numbers() -> None:
    settings_ = RunSettings(epochs=200, config=TrainConfig(0.2, batch_size=1))
    diverged = make_run(DATA, settings_)
    assert diverged.scene.history.diverged_at is not None
    body = json.loads(encode(payload(diverged, DEFAULT_THEME, INLINE)))  # raises on nan/inf
    at = body["intra"]["at"]
    assert len(at) == diverged.scene.last_epoch + 1 and at == sorted(at)


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_robust_losses_draw_their_own_loss_between_the_epochs(loss: str) -> None:
    config = TrainConfig(0.01, batch_size=2, loss=loss)
    h = history(config, 6)
    path = intra_path(DATA, config, h)
    assert path is not None
    assert np.array_equal(path.loss[path.at], h.loss)
    # Every update is kept on few points; each point's loss is the config's, not MSE's.
    assert len(path.t) == 6 * updates_per_epoch(DATA.n, config) + 1
    inner = np.setdiff1d(np.arange(len(path.t)), path.at)
    r = DATA.y[None, :] - (path.w[inner, None] * DATA.x[None, :] + path.b[inner, None])
    expected = np.abs(r) if loss == "mae" else np.where(np.abs(r) <= 1, r * r / 2, np.abs(r) - 0.5)
    assert np.allclose(path.loss[inner], expected.mean(axis=1), rtol=1e-12)
    assert not np.allclose(path.loss[inner], (r * r).mean(axis=1))


def test_robust_losses_on_many_points_keep_the_first_updates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lrviz.figures import intra

    monkeypatch.setattr(intra, "ROBUST_VALUES", 40)  # 4 points' losses on these 10 points
    config = TrainConfig(0.01, batch_size=1, loss="huber")  # 10 updates per epoch
    h = history(config, 3)
    path = intra_path(DATA, config, h)
    assert path is not None
    # 4 affordable of 10 updates: the first epoch's updates 1, 2, 3 (0 is the epoch's point).
    assert path.t[: path.at[1] + 1] == pytest.approx([0.0, 0.1, 0.2, 0.3, 1.0])
    rec = step(h.state_at(0), DATA, config)[1]
    assert path.w[1:4].tolist() == [u.w for u in rec.updates[1:4]]
    assert path.t[path.at[1] :].tolist() == [1.0, 2.0, 3.0]
    assert len(path.t) * DATA.n <= 40 + (h.epochs_run + 1) * DATA.n
