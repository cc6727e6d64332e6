"""The loss choice under AppTest: the sidebar's MSE / MAE / Huber and δ, what the screen names,
the stable-limit words for each loss, links and pinned runs that carry the loss, tampered loss
and δ values clamped or ignored with a notice, and the work budget for robust losses."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.core import curvature, make_dataset, optimum
from lrviz.data import get_preset
from lrviz.ui import state
from tests.app_driver import open_app, player_data

ARTICLE = get_preset("Article example")


def url(at: AppTest) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning).replace("\\", "")


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.sidebar.caption)


def config(at: AppTest):  # type: ignore[no-untyped-def]
    return at.session_state["lrviz_run"].run.settings.config


def has_delta_box(at: AppTest) -> bool:
    return any(n.key == "huber_delta" for n in at.sidebar.number_input)


def title(at: AppTest, panel: str) -> str:
    return str(player_data(at)["figures"][panel]["layout"]["title"]["text"])


def choose(at: AppTest, loss: str) -> AppTest:
    at.radio(key="loss").set_value(loss).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_sidebar_offers_the_three_losses_and_mse_is_the_default() -> None:
    at = open_app()
    radio = at.radio(key="loss")
    assert list(radio.options) == ["MSE (squared)", "MAE (absolute)", "Huber"]
    assert radio.value == "mse" and config(at).loss == "mse"
    assert not has_delta_box(at)
    assert title(at, "contour") == "Loss (MSE) over (w, b)"
    assert "loss" not in url(at) and "delta" not in url(at)


def test_choosing_huber_shows_delta_and_trains_huber_on_its_surface() -> None:
    at = choose(open_app(), "huber")
    assert has_delta_box(at)
    assert at.number_input(key="huber_delta").value == 1.0
    assert (config(at).loss, config(at).huber_delta) == ("huber", 1.0)
    assert title(at, "contour") == "Loss (Huber, δ = 1) over (w, b)"
    assert title(at, "loss") == "Loss (Huber, δ = 1) per epoch"
    scene = at.session_state["lrviz_run"].run.scene
    assert scene.optimum == optimum(make_dataset(ARTICLE.x, ARTICLE.y), loss="huber")
    assert url(at)["loss"] == "huber" and url(at)["delta"] == "1"
    at.number_input(key="huber_delta").set_value(0.5).run()
    assert not at.exception
    assert config(at).huber_delta == 0.5
    assert title(at, "contour") == "Loss (Huber, δ = 0.5) over (w, b)"
    assert url(at)["delta"] == "0.5"


def test_mae_hides_delta_and_back_to_mse_drops_the_loss_from_the_link() -> None:
    at = choose(choose(open_app(), "huber"), "mae")
    assert not has_delta_box(at)
    assert (config(at).loss, config(at).huber_delta) == ("mae", 1.0)
    assert url(at)["loss"] == "mae" and "delta" not in url(at)
    assert title(at, "contour") == "Loss (MAE) over (w, b)"
    at = choose(at, "mse")
    assert config(at).loss == "mse" and "loss" not in url(at)


def test_the_stable_limit_words_follow_the_loss() -> None:
    limit = curvature(ARTICLE.x, ARTICLE.y).max_stable_lr
    at = open_app()
    assert "2/λ_max" in captions(at) and "on MSE" in captions(at)
    at = choose(at, "huber")
    text = captions(at)
    assert "is MSE's limit" in text and "4/λ_max" in text
    assert f"{2 * limit:.3g}" in text.replace("**", "")
    at = choose(at, "mae")
    text = captions(at)
    assert "MAE has no stable limit" in text and "4/λ_max" not in text


def test_a_link_with_a_loss_and_delta_opens_that_run_and_round_trips() -> None:
    at = open_app({"loss": "huber", "delta": "2.5", "lr": "0.02", "epochs": "300"})
    assert at.radio(key="loss").value == "huber"
    assert at.number_input(key="huber_delta").value == 2.5
    assert (config(at).loss, config(at).huber_delta) == ("huber", 2.5)
    assert not warnings(at)
    link = url(at)
    assert (link["loss"], link["delta"]) == ("huber", "2.5")
    again = open_app(link)
    assert url(again) == link
    assert player_data(again)["run"] == player_data(at)["run"]


@pytest.mark.parametrize(
    ("params", "notice", "loss", "delta"),
    [
        ({"loss": "L2"}, "'loss' = 'L2' is not one of mse, mae, huber; ignored.", "mse", 1.0),
        ({"loss": "x" * 60}, f"'{'x' * 39}…' is not one of", "mse", 1.0),
        ({"loss": "huber", "delta": "1e9"}, "Huber δ '1e9' is outside 0.01 to 100", "huber", 100.0),
        ({"loss": "huber", "delta": "0"}, "'delta' = '0' must be greater than 0", "huber", 1.0),
        ({"loss": "huber", "delta": "nan"}, "is not a finite number; ignored.", "huber", 1.0),
        ({"loss": "huber", "delta": "<b>δ</b>"}, "is not a number; ignored.", "huber", 1.0),
    ],
)
def test_tampered_loss_and_delta_are_clamped_or_ignored_with_a_notice(
    params: Mapping[str, str], notice: str, loss: str, delta: float
) -> None:
    at = open_app(params)
    assert "Parts of this link were changed or ignored" in warnings(at)
    assert notice in warnings(at)
    assert "<b>" not in "\n".join(w.value for w in at.warning)  # escaped as markdown
    assert (config(at).loss, config(at).huber_delta) == (loss, delta)
    assert at.radio(key="loss").value == loss


def test_a_pinned_run_in_a_link_keeps_its_loss() -> None:
    at = open_app({"pin1": "lr:0.02;opt:gd;epochs:200;loss:huber;delta:3"})
    assert not at.exception
    (pin,) = state.PINS.get(at.session_state).pins
    assert (pin.settings.config.loss, pin.settings.config.huber_delta) == ("huber", 3.0)
    names = [str(t.get("name", "")) for t in player_data(at)["figures"]["contour"]["data"]]
    assert any(name.startswith("Huber, δ = 3") and "(pinned)" in name for name in names)
    assert any(name.startswith("MSE") and "(now)" in name for name in names)
    assert "loss:huber;delta:3" in url(at)["pin1"]


def test_robust_losses_spend_the_work_budget_faster_and_say_so() -> None:
    base = {"data": "generator", "gen_n": "10000", "epochs": "5000", "batch": "sgd"}
    mse = open_app(base)
    huber = open_app({**base, "loss": "huber"})
    assert config(huber).loss == "huber"
    mse_epochs = mse.session_state["lrviz_run"].run.settings.epochs
    huber_epochs = huber.session_state["lrviz_run"].run.settings.epochs
    # The core's update_cost counts a robust mini-batch update twice.
    assert huber_epochs == mse_epochs // 2 >= 1
    assert "Huber has no shortcut through the data's moments" in warnings(huber)
    assert f"Showing the first {huber_epochs:,} epochs" in warnings(huber)
    assert url(huber)["epochs"] == str(huber_epochs)


def test_the_outlier_lesson_sets_huber_in_the_sidebar_and_names_both_losses() -> None:
    at = open_app()
    at.button(key="lrviz_lesson_robust").click().run()
    assert not at.exception
    assert at.radio(key="loss").value == "huber"
    assert at.number_input(key="huber_delta").value == 1.0
    assert any("one outlier: MSE vs Huber" in i.value for i in at.info)
    names = " ".join(str(t.get("name", "")) for t in player_data(at)["figures"]["contour"]["data"])
    assert "Huber, δ = 1" in names and "MSE" in names
    assert title(at, "contour") == "Loss (Huber, δ = 1) over (w, b)"
