"""The work budget: updates per epoch and in total, known before training."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.core import (
    TrainConfig,
    epochs_within,
    make_dataset,
    points_per_epoch,
    step,
    total_updates,
    update_cost,
    updates_per_epoch,
)
from lrviz.core.training import init_state


@pytest.mark.parametrize(
    ("n", "batch_size", "expected"),
    [
        (5, None, 1),  # full batch
        (5, 5, 1),  # batch == n
        (5, 6, 1),  # batch > n is the full batch too
        (5, 1, 5),  # one point per update
        (5, 2, 3),  # 2 + 2 + 1: the short last batch counts
        (10_000, 3, 3334),
        (10_000, 100, 100),
        (1, 1, 1),
    ],
)
def test_updates_per_epoch(n, batch_size, expected):
    assert updates_per_epoch(n, batch_size) == expected


def test_total_updates_is_epochs_times_updates_per_epoch():
    assert total_updates(10_000, 1, 5000) == 50_000_000
    assert total_updates(7, 2, 10) == 40
    assert total_updates(7, None, 10) == 10
    assert total_updates(7, 2, 0) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, None), "n must be a whole number of at least 1"),
        ((5, 0), "batch size must be a whole number of at least 1"),
        ((5, 2.0), "batch size must be a whole number"),
        ((True, 2), "n must be a whole number"),
    ],
)
def test_rejects_nonsense(args, message):
    with pytest.raises(ValueError, match=message):
        updates_per_epoch(*args)
    with pytest.raises(ValueError, match="epochs must be a whole number of at least 0"):
        total_updates(5, 2, -1)


@given(n=st.integers(1, 60), batch=st.one_of(st.none(), st.integers(1, 70)))
def test_matches_the_updates_a_step_makes(n, batch):
    data = make_dataset([float(i) for i in range(n)], [1.0] * n)
    config = TrainConfig(lr=0.001, batch_size=batch)
    _, record = step(init_state(data, config), data, config)
    assert len(record.updates) == updates_per_epoch(n, batch)
    covered = sorted(
        int(i) for u in record.updates for i in (u.indices if u.indices is not None else range(n))
    )
    assert covered == list(range(n))  # every point exactly once per epoch


@pytest.mark.parametrize(
    ("n", "batch", "epochs", "cap", "expected"),
    [
        (10_000, 1, 5000, 200_000, 20),  # the heavy link: 5e7 updates cut to 20 epochs
        (10_000, None, 5000, 200_000, 5000),  # full batch is 5000 updates: untouched
        (10_000, 100, 5000, 200_000, 2000),
        (100_000, 1, 5000, 50_000, 1),  # one epoch is past the cap: still one epoch
        (7, 2, 0, 10, 0),
    ],
)
def test_epochs_within(n, batch, epochs, cap, expected):
    assert epochs_within(n, batch, epochs, cap) == expected


@given(
    n=st.integers(1, 10**6),
    batch=st.one_of(st.none(), st.integers(1, 10**6)),
    epochs=st.integers(0, 10**4),
    cap=st.integers(1, 10**8),
)
def test_epochs_within_is_the_largest_that_fits(n, batch, epochs, cap):
    k = epochs_within(n, batch, epochs, cap)
    assert 0 <= k <= epochs
    if k > 1:
        assert total_updates(n, batch, k) <= cap
    if k < epochs:
        assert total_updates(n, batch, k + 1) > cap


def test_points_bound_cuts_large_mini_batches_but_not_the_full_batch():
    # Batches of n - 1: two updates per epoch, but every epoch shuffles all 100,000 points.
    assert epochs_within(100_000, 99_999, 5000, 200_000) == 5000
    assert epochs_within(100_000, 99_999, 5000, 200_000, max_points=10_000_000) == 100
    assert points_per_epoch(100_000, None) == 0 and points_per_epoch(100_000, 10) == 100_000
    assert epochs_within(100_000, None, 5000, 200_000, max_points=10_000_000) == 5000


@given(
    n=st.integers(1, 10**6),
    batch=st.one_of(st.none(), st.integers(1, 10**6)),
    epochs=st.integers(0, 10**4),
    cap=st.integers(1, 10**8),
    points=st.integers(1, 10**9),
    loss=st.sampled_from(["mse", "mae", "huber"]),
)
def test_epochs_within_both_bounds_is_the_largest_that_fits(n, batch, epochs, cap, points, loss):
    k = epochs_within(n, batch, epochs, cap, points, loss)
    assert 0 <= k <= epochs

    def fits(e):
        return (
            e * update_cost(n, batch, loss) <= cap
            and e * points_per_epoch(n, batch, loss) <= points
        )

    if k > 1:
        assert fits(k)
    if k < epochs:
        assert not fits(k + 1)


def test_robust_losses_weigh_their_measured_cost():
    # MAE and Huber have no sufficient statistics: their full batch visits every point.
    assert points_per_epoch(600, None, "mae") == 200
    assert points_per_epoch(600, 10, "huber") == 4200
    assert update_cost(600, 10, "mae") == 120 and update_cost(600, None, "huber") == 1
    assert update_cost(600, 10) == 60
    assert epochs_within(100_000, None, 5000, 200_000, 10_000_000, "mae") == 299  # 10^7 // 33,334
    assert epochs_within(10_000, 1, 5000, 200_000, 10_000_000, "huber") == 10
