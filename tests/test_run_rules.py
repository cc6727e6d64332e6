"""The rules a run obeys before and after training: the work budget, the start, convergence.

Pure: lrviz.app.run, with the exact numbers the messages must name.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.app import run as run_module
from lrviz.app.run import (
    CONVERGENCE_RTOL,
    MAX_EPOCHS,
    MAX_UPDATES,
    RunSettings,
    capped,
    convergence_threshold,
    make_run,
    power_text,
    start_problem,
    updates_per_epoch,
    work_budget,
)
from lrviz.core import TrainConfig, make_dataset, optimum
from lrviz.ui.status import banner

ARTICLE = [1.0, 2.0, 3.0, 4.0, 5.0]


# ---- the work budget ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "batch", "per_epoch"),
    [(10, None, 1), (10, 10, 1), (10, 50, 1), (10, 1, 10), (10, 3, 4), (10, 9, 2), (7, 2, 4)],
)
def test_updates_per_epoch_is_the_number_of_batches(
    n: int, batch: int | None, per_epoch: int
) -> None:
    assert updates_per_epoch(n, batch) == per_epoch


def test_the_heavy_link_is_cut_with_its_numbers_and_a_way_out() -> None:
    budget = work_budget(10_000, 1, 5000)
    assert budget.capped
    assert (budget.per_epoch, budget.asked, budget.epochs) == (10_000, 5000, MAX_UPDATES // 10_000)
    assert budget.message == (
        "One point (SGD) on 10,000 points means 10,000 updates per epoch; 5,000 epochs would be "
        "5×10⁷, above this page's limit of 200,000 updates per run. Showing the first 20 epochs. "
        "Use the full batch, or fewer epochs, for more."
    )


def test_the_full_batch_is_never_cut() -> None:
    budget = work_budget(100_000, None, MAX_EPOCHS)
    assert not budget.capped and budget.message == "" and budget.epochs == MAX_EPOCHS


@given(
    st.integers(1, 100_000),
    st.one_of(st.none(), st.integers(1, 100_000)),
    st.integers(0, MAX_EPOCHS),
    st.integers(1, 10**7),
    st.integers(1, 10**9),
)
def test_the_budget_holds_and_its_advice_works(
    n: int, batch: int | None, epochs: int, limit: int, points: int
) -> None:
    budget = work_budget(n, batch, epochs, limit, max_points=points)
    per_epoch = updates_per_epoch(n, batch)
    visits = 0 if per_epoch == 1 else n  # MSE: every mini-batch epoch visits every point
    assert budget.per_epoch == per_epoch
    assert budget.epochs <= epochs
    over = epochs * per_epoch > limit or epochs * visits > points
    # Over a limit means cut, unless one epoch was asked: a run always keeps one.
    assert budget.capped == (over and epochs > 1) == bool(budget.message)
    if budget.capped:
        # Within both limits, or the single epoch a run always keeps.
        assert budget.epochs == 1 or (
            budget.epochs * per_epoch <= limit and budget.epochs * visits <= points
        )
        assert f"first {budget.epochs:,} epoch" in budget.message
        if visits and points // visits < limit // per_epoch:  # the points bind: it names them
            assert f"{power_text(epochs * visits)} point visits" in budget.message
            assert f"limit of {power_text(points)} per run" in budget.message
        else:
            assert f"{per_epoch:,} update" in budget.message
        advice = budget.message.rsplit(". ", 1)[1]
        if advice.startswith("Use mini-batches of "):
            suggested: int | None = int(advice.split()[3].rstrip(",").replace(",", ""))
        elif advice.startswith("Use the full batch"):
            suggested = None
        else:
            assert advice == "Ask for fewer epochs."
            return
        # The batch it suggests fits every asked epoch, in updates and in point visits.
        assert epochs * updates_per_epoch(n, suggested) <= limit
        assert updates_per_epoch(n, suggested) == 1 or epochs * n <= points


def test_power_text_reads_like_a_person_writes() -> None:
    assert power_text(10_000) == "10,000"
    assert power_text(5e7) == "5×10⁷"
    assert power_text(2.5e8) == "2.5×10⁸"
    assert power_text(1e6) == "10⁶"


def test_make_run_applies_the_budget_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "MAX_UPDATES", 1000)
    data = make_dataset(np.linspace(0, 1, 100), np.linspace(1, 3, 100))
    asked = RunSettings(epochs=50, config=TrainConfig(lr=0.01, batch_size=1))
    run = make_run(data, asked)
    assert run.settings.epochs == 10 == run.scene.history.epochs
    assert run.scene.last_epoch == 10
    assert "50 epochs would be 5,000" in run.note and "first 10 epochs" in run.note
    assert capped(100, asked) == (RunSettings(epochs=10, config=asked.config), run.note)
    # Within the budget nothing changes and nothing is said.
    fine = RunSettings(epochs=10, config=asked.config)
    assert capped(100, fine) == (fine, "")
    assert make_run(data, fine).note == ""


# ---- the start ------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
@pytest.mark.parametrize("w0", [1e5, 1e4])
def test_a_start_whose_loss_overflows_is_refused_in_words(optimizer: str, w0: float) -> None:
    data = make_dataset([1e150, -1e150], [0.0, 0.0])
    problem = start_problem(data, w0, 0.0)
    assert "The loss at the start" in problem and "Start nearer" in problem
    with pytest.raises(ValueError, match="The loss at the start"):
        make_run(data, RunSettings(w0=w0, config=TrainConfig(lr=0.01, optimizer=optimizer)))
    assert start_problem(data, 0.0, 0.0) == ""


finite = st.floats(-1e150, 1e150, allow_nan=False)


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=6))
def test_zero_start_is_always_fine(pairs: list[tuple[float, float]]) -> None:
    x, y = zip(*pairs, strict=True)
    assert start_problem(make_dataset(x, y), 0.0, 0.0) == ""


# ---- convergence ----------------------------------------------------------------------------


def test_convergence_fires_when_the_optimum_loss_is_zero() -> None:
    # The article's data lies on a line: its optimum loss is 0, reached to ~1e-17 at α = 0.05.
    data = make_dataset(ARTICLE, ARTICLE)
    assert optimum(data).loss == 0.0
    run = make_run(data, RunSettings(config=TrainConfig(lr=0.05)))
    assert run.converged_at is not None
    k = run.converged_at
    assert run.scene.history.loss[k] <= run.tolerance < run.scene.history.loss[k - 1]
    assert run.tolerance == CONVERGENCE_RTOL * float(np.var(ARTICLE))
    assert run.stops == (k, 1000)
    message = banner(run, k)
    assert message.kind == "success"
    assert f"Converged at epoch {k}" in message.text
    assert "End of the budget" not in banner(run, 1000).text


def test_convergence_threshold_scales() -> None:
    noisy = make_dataset([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 5.0])
    best = optimum(noisy).loss
    assert convergence_threshold(noisy, best, 99.0) == CONVERGENCE_RTOL * max(
        best, np.var([1, 3, 2, 5])
    )
    flat = make_dataset([1.0, 2.0], [3.0, 3.0])
    assert convergence_threshold(flat, 0.0, 50.0) == CONVERGENCE_RTOL * 9.0
    zeros = make_dataset([1.0, 2.0], [0.0, 0.0])
    assert convergence_threshold(zeros, 0.0, 2.5) == CONVERGENCE_RTOL * 2.5
    assert convergence_threshold(zeros, 0.0, 0.0) == 0.0


def test_all_zero_y_converges_too() -> None:
    data = make_dataset([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    run = make_run(data, RunSettings(w0=1.0, b0=1.0, epochs=3000, config=TrainConfig(lr=0.1)))
    assert run.converged_at is not None
    assert run.scene.history.loss[run.converged_at] <= 1e-12 * run.scene.history.loss[0]


def test_a_run_that_does_not_get_there_does_not_converge() -> None:
    data = make_dataset(ARTICLE, ARTICLE)
    run = make_run(data, RunSettings(config=TrainConfig(lr=0.001)))
    assert run.converged_at is None
    assert math.isfinite(run.tolerance)


def test_robust_losses_on_more_points_than_they_are_allowed_are_refused_in_words() -> None:
    from lrviz.app.run import MAX_ROBUST_DATA, robust_size_problem

    n = MAX_ROBUST_DATA + 1
    x = np.linspace(0.0, 1.0, n)
    data = make_dataset(x, 2.0 * x + 1.0)
    for loss, name in (("mae", "MAE"), ("huber", "Huber")):
        settings = RunSettings(epochs=3, config=TrainConfig(lr=0.01, loss=loss))
        with pytest.raises(ValueError, match=f"{name} is limited to 20,000 points") as refused:
            make_run(data, settings)
        assert "Use MSE" in str(refused.value)
    assert make_run(data, RunSettings(epochs=3)).scene.last_epoch == 3  # MSE is fine there
    assert robust_size_problem(MAX_ROBUST_DATA, "huber") == ""


def test_long_runs_list_fewer_pulls_so_the_payload_stays_bounded() -> None:
    from lrviz.explain.live import FEWEST_SHOWN, OTHERS_SHOWN, PULL_VALUES, others_shown

    assert others_shown(100) == OTHERS_SHOWN
    assert others_shown(5_000) == FEWEST_SHOWN
    for epochs in (1, 10, 999, 1_500, 2_000, 5_000):
        shown = others_shown(epochs)
        assert FEWEST_SHOWN <= shown <= OTHERS_SHOWN
        assert shown == FEWEST_SHOWN or (shown + 1) * (epochs + 1) <= PULL_VALUES
