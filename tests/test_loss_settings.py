"""The loss choice without a browser: widget values -> TrainConfig, links and pins <-> settings,
the stable-limit words per loss, run labels and the work budget of robust losses."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.app.choices import DEFAULTS
from lrviz.app.run import MAX_POINTS, MAX_UPDATES, work_budget
from lrviz.app.settings import DELTA_MAX, DELTA_MIN, RunSettings, fitted
from lrviz.core import TrainConfig, curvature, epochs_within, make_dataset, update_cost
from lrviz.player.compare import run_labels
from lrviz.share.url_state import from_params, pin_from_text, pin_to_text, to_params
from lrviz.ui.settings import (
    settings_of,
    settle_values,
    stable_limit_text,
    widget_values,
    widgets_of,
)

ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])


def values(**changes: object) -> dict[str, object]:
    return {**DEFAULTS, **changes}


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_the_widgets_loss_reaches_the_train_config(loss: str) -> None:
    settings = settings_of(values(loss=loss, huber_delta=2.5), 5)
    assert settings.config.loss == loss
    # δ shapes Huber alone: another loss keeps the default, so it is the same run.
    assert settings.config.huber_delta == (2.5 if loss == "huber" else 1.0)


def test_the_default_widgets_make_the_article_run_on_mse() -> None:
    assert settings_of(values(), 5).config == TrainConfig(lr=0.01)


def test_a_refused_delta_is_a_value_error_not_a_crash() -> None:
    with pytest.raises(ValueError, match="Huber delta"):
        settings_of(values(loss="huber", huber_delta=0.0), 5)


@given(
    st.sampled_from(["mse", "mae", "huber"]),
    st.floats(DELTA_MIN, DELTA_MAX, allow_nan=False),
    st.sampled_from([None, 1, 2]),
)
def test_links_and_pins_round_trip_the_loss(loss: str, delta: float, batch: int | None) -> None:
    config = TrainConfig(lr=0.01, batch_size=batch, loss=loss)
    if loss == "huber":
        config = TrainConfig(lr=0.01, batch_size=batch, loss=loss, huber_delta=delta)
    settings = RunSettings(epochs=50, config=config)
    parsed = from_params(to_params(settings))
    assert parsed.notices == ()
    assert parsed.settings() == settings
    assert settings_of(values(**widgets_of(parsed.fields)), 5) == settings
    pin = pin_from_text(pin_to_text(settings), 1, ())
    assert pin.notices == ()
    assert pin.settings is not None and fitted(pin.settings, 5) == settings


def test_links_name_the_loss_only_when_it_is_not_mse_and_delta_only_for_huber() -> None:
    mse = to_params(RunSettings())
    assert "loss" not in mse and "delta" not in mse
    mae = to_params(RunSettings(config=TrainConfig(lr=0.01, loss="mae")))
    assert mae["loss"] == "mae" and "delta" not in mae
    huber = to_params(RunSettings(config=TrainConfig(lr=0.01, loss="huber", huber_delta=0.25)))
    assert (huber["loss"], huber["delta"]) == ("huber", "0.25")


@pytest.mark.parametrize(
    ("params", "kept", "notice"),
    [
        ({"loss": "MAE "}, {"loss": "mae"}, None),
        ({"loss": "l1"}, {}, "is not one of mse, mae, huber; ignored."),
        ({"delta": "0.001"}, {"huber_delta": DELTA_MIN}, "is outside 0.01 to 100; using 0.01."),
        ({"delta": "1e400"}, {}, "is not a finite number; ignored."),
        ({"delta": "-1"}, {}, "must be greater than 0; ignored."),
        ({"delta": "9" * 50}, {}, "is too long"),
    ],
)
def test_tampered_loss_and_delta(
    params: dict[str, str], kept: dict[str, object], notice: str | None
) -> None:
    parsed = from_params(params)
    assert dict(parsed.fields) == kept
    if notice is None:
        assert parsed.notices == ()
    else:
        (text,) = parsed.notices
        assert notice in text


def test_widget_values_put_back_an_mse_runs_loss() -> None:
    assert widget_values(RunSettings())["loss"] == "mse"


def test_run_labels_name_the_losses_when_they_differ() -> None:
    mse = RunSettings(config=TrainConfig(lr=0.01))
    huber = RunSettings(config=TrainConfig(lr=0.01, loss="huber", huber_delta=2.0))
    assert run_labels([huber, mse], ["d", "d"]) == ["Huber, δ = 2", "MSE"]
    assert run_labels([mse, mse], ["d", "d"]) == ["same settings", "same settings"]


def test_stable_limit_words_say_whose_bound_it_is() -> None:
    curv = curvature(ARTICLE)
    limit = curv.max_stable_lr
    mse = stable_limit_text(0.01, curv, "mse")
    assert "2/λ_max" in mse and "MSE" in mse
    huber = stable_limit_text(0.01, curv, "huber", 0.5)
    assert "MSE's limit" in huber and "4/λ_max" in huber and "δ = 0.5" in huber
    assert f"{0.01 / (2 * limit):.2g}" in huber.replace("**", "")
    mae = stable_limit_text(0.01, curv, "mae")
    assert "no stable limit" in mae and "α·mean|x|" in mae


@given(
    st.integers(1, 100_000),
    st.one_of(st.none(), st.integers(1, 100_000)),
    st.integers(0, 5000),
    st.sampled_from(["mae", "huber"]),
)
def test_robust_budget_is_the_cores_weighted_bound(
    n: int, batch: int | None, epochs: int, loss: str
) -> None:
    budget = work_budget(n, batch, epochs, loss=loss)
    assert budget.epochs == epochs_within(n, batch, epochs, MAX_UPDATES, MAX_POINTS, loss)
    assert budget.epochs <= work_budget(n, batch, epochs).epochs  # never more than MSE's
    assert budget.capped == bool(budget.message)
    if budget.capped:
        assert f"first {budget.epochs:,} epoch" in budget.message
        within = budget.epochs * update_cost(n, batch, loss) <= MAX_UPDATES
        assert within or budget.epochs == 1


def test_settle_values_cuts_a_robust_run_to_its_budget() -> None:
    asked = values(loss="huber", epochs=5000, batch_mode="One point (SGD)")
    changes, notes = settle_values(asked, 10_000, None)
    assert changes == {"epochs": MAX_UPDATES // (2 * 10_000)}
    (note,) = notes
    assert note.startswith("Huber has no shortcut")
    # The same run on MSE gets twice the epochs.
    mse_changes, _ = settle_values({**asked, "loss": "mse"}, 10_000, None)
    assert mse_changes["epochs"] == 2 * changes["epochs"]
    full, _ = settle_values(values(loss="mae", epochs=5000), 100_000, None)
    assert full["epochs"] == MAX_POINTS // math.ceil(100_000 / 3)


def test_the_banner_says_whose_stable_limit_it_quotes() -> None:
    from lrviz.app.run import make_run
    from lrviz.ui.status import banner

    limit = curvature(ARTICLE).max_stable_lr
    mse = banner(make_run(ARTICLE, RunSettings(epochs=20)), 0).text
    assert "the stable limit 2/λ_max" in mse
    huber_run = make_run(ARTICLE, RunSettings(epochs=20, config=TrainConfig(0.01, loss="huber")))
    huber = banner(huber_run, 0).text
    assert "4/λ_max" in huber and "2/λ_max is MSE's limit" in huber
    assert f"{0.01 / (2 * limit):.2g}×" in huber
    mae = banner(make_run(ARTICLE, RunSettings(epochs=20, config=TrainConfig(0.01, loss="mae"))), 0)
    assert "MAE has no stable limit" in mae.text and "2/λ_max" not in mae.text
