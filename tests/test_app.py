"""The app under AppTest, driven as the browser drives it, plus the player's plumbing.

The player draws and plays in the browser; what it tells the server is its component state,
``cursor = {run, epoch}``, set whenever playback comes to rest. These tests set that state the
same way (``at.session_state[PLAYER_KEY]``) and check what the server makes of it: the epoch it
echoes, the status text the player shows at that epoch, and the banner.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.choices import LR_CHOICES
from lrviz.app.run import make_run
from lrviz.app.settings import MAX_EPOCHS, RunSettings
from lrviz.core import TrainConfig, make_dataset
from lrviz.figures import DEFAULT_THEME
from lrviz.figures.uids import DYNAMIC
from lrviz.player import encode, payload, read_cursor, shown_epoch
from lrviz.player.component import PLAYER_KEY
from lrviz.player.plotly_js import PlotlyJs
from lrviz.ui.settings import snap
from lrviz.ui.status import banner
from tests.app_driver import component, open_app, player_data, report, server_view

ARTICLE = [1.0, 2.0, 3.0, 4.0, 5.0]


# ---- driving the app ------------------------------------------------------------------------


def start() -> AppTest:
    return open_app()


def status(at: AppTest) -> dict[str, str]:
    """The status line as the player shows it at the server's epoch: the text of each field."""
    data = player_data(at)
    k = server_view(at)["epoch"]
    fields = {name: data["text"][name][k] for name in ("loss", "w", "b", "dw", "db")}
    return {"Epoch": str(k), "Loss": fields["loss"], "w": fields["w"], "b": fields["b"],
            "∂L/∂w": fields["dw"], "∂L/∂b": fields["db"]}  # fmt: skip


def banners(at: AppTest) -> dict[str, list[str]]:
    return {kind: [e.value for e in getattr(at, kind)] for kind in ("error", "warning", "info")}


# ---- the app --------------------------------------------------------------------------------


def test_default_app_shows_the_article_at_epoch_zero() -> None:
    at = start()
    assert server_view(at)["epoch"] == 0
    assert status(at) == {
        "Epoch": "0", "Loss": "11", "w": "0", "b": "0", "∂L/∂w": "−22", "∂L/∂b": "−6",
    }  # fmt: skip
    data = player_data(at)
    assert data["last"] == 1000
    assert server_view(at)["run"] == data["run"]
    assert any("stable limit" in text for text in banners(at)["info"])


def test_step_moves_the_status_line_to_epoch_one() -> None:
    at = report(start(), 1)
    assert server_view(at)["epoch"] == 1
    line = status(at)
    assert (line["Epoch"], line["w"], line["b"]) == ("1", "0.22", "0.06")
    assert (line["∂L/∂w"], line["∂L/∂b"]) == ("−16.8", "−4.56")


def test_step_ten_back_and_reset() -> None:
    at = report(start(), 1)
    at = report(at, 11)
    assert status(at)["Epoch"] == "11"
    at = report(at, 10)
    assert server_view(at)["epoch"] == 10
    at = report(at, 0)
    assert status(at)["Epoch"] == "0"
    assert status(at)["w"] == "0"


def test_the_payload_is_sent_unchanged_while_the_run_is_the_same() -> None:
    # Identical bytes let Streamlit send the run once; only the small echo changes per Step.
    at = start()
    before = component(at, PLAYER_KEY).bytes
    at = report(at, 5)
    assert component(at, PLAYER_KEY).bytes == before
    assert server_view(at)["epoch"] == 5


def test_changing_lr_restarts_at_epoch_zero() -> None:
    at = report(start(), 30)
    old_run = player_data(at)["run"]
    at.select_slider(key="lr").set_value(0.05).run()
    assert not at.exception
    data = player_data(at)
    assert data["run"] != old_run
    assert server_view(at) == {"run": data["run"], "epoch": 0}
    # A late report about the old run does not move the new one.
    at = report(at, 12, run=old_run)
    assert server_view(at)["epoch"] == 0


def test_divergence_is_announced_then_reported_at_the_last_finite_epoch() -> None:
    at = start()
    at.select_slider(key="lr").set_value(0.3).run()
    assert not at.exception
    warning = " ".join(banners(at)["warning"])
    assert "diverges at epoch 8" in warning
    last = player_data(at)["last"]
    assert last == 7
    at = report(at, last)
    error = " ".join(banners(at)["error"])
    assert "Diverged at epoch 8:" in error
    assert "α = 0.3 is above the stable limit 0.0845" in error
    assert "last finite state, epoch 7" in error
    assert server_view(at)["epoch"] == 7
    assert "nan" not in json.dumps(player_data(at)["text"]).lower()


def test_play_stops_at_the_end_of_the_budget_and_says_so() -> None:
    at = start()
    assert player_data(at)["stops"] == [1000]
    at = report(at, 1000)
    assert any("End of the budget" in text for text in banners(at)["info"])


@pytest.mark.parametrize(
    ("key", "value"),
    [("epochs", 0), ("w0", 1e6), ("b0", -1e6), ("epochs", MAX_EPOCHS)],
)
def test_extreme_settings_run_without_error(key: str, value: float) -> None:
    at = start()
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert not banners(at)["error"]
    encoded = json.dumps(player_data(at))
    assert "NaN" not in encoded and "Infinity" not in encoded


def test_largest_learning_rate_diverges_with_a_banner() -> None:
    at = start()
    at.select_slider(key="lr").set_value(max(LR_CHOICES)).run()
    assert not at.exception
    assert any("diverges at epoch" in text for text in banners(at)["warning"])


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov", "adam"])
def test_each_optimizer_and_batch_mode_runs(optimizer: str) -> None:
    at = start()
    first = player_data(at)["run"]
    at.selectbox(key="optimizer").set_value(optimizer).run()
    at.radio(key="batch_mode").set_value("Mini-batch").run()
    assert not at.exception
    assert player_data(at)["run"] != first
    at.radio(key="batch_mode").set_value("One point (SGD)").run()
    assert not at.exception
    assert server_view(at)["epoch"] == 0


def test_sessions_do_not_share_state() -> None:
    first, second = start(), start()
    report(first, 40)
    second.run()
    assert server_view(first)["epoch"] == 40
    assert server_view(second)["epoch"] == 0


# ---- the player's plumbing ------------------------------------------------------------------


def test_reported_epochs_are_read_defensively() -> None:
    assert read_cursor(None) is None
    assert read_cursor({"cursor": "7"}) is None
    assert read_cursor({"cursor": {"run": "a", "epoch": True}}) is None
    assert read_cursor({"cursor": {"run": "a", "epoch": float("nan")}}) is None
    assert read_cursor({"cursor": {"run": "a", "epoch": 3.0}}) == ("a", 3)
    assert shown_epoch({"cursor": {"run": "a", "epoch": 3}}, "a", 10) == 3
    assert shown_epoch({"cursor": {"run": "a", "epoch": 99}}, "a", 10) == 10
    assert shown_epoch({"cursor": {"run": "a", "epoch": -4}}, "a", 10) == 0
    assert shown_epoch({"cursor": {"run": "b", "epoch": 3}}, "a", 10) == 0


def test_payload_carries_each_epoch_and_the_moving_traces() -> None:
    data = make_dataset(ARTICLE, ARTICLE)
    run = make_run(data, RunSettings())
    urls = PlotlyJs("/component/x/plotly-cartesian.min.js", "/component/y/plotly.min.js")
    body = json.loads(encode(payload(run, DEFAULT_THEME, urls)))
    n = run.scene.last_epoch + 1
    for name in ("w", "b", "loss", "dw", "db"):
        assert len(body["traj"][name]) == n
        assert len(body["text"][name]) == n
    assert body["traj"]["w"] == run.scene.history.w.tolist()
    for panel, uids in DYNAMIC.items():
        present = {t.get("uid") for t in body["figures"][panel]["data"]}
        assert set(uids) <= present
    assert body["plotly_url"] == "/component/x/plotly-cartesian.min.js"
    assert body["plotly_full_url"] == "/component/y/plotly.min.js"


def test_payload_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        encode({"x": float("nan")})


def test_run_id_follows_the_settings() -> None:
    data = make_dataset(ARTICLE, ARTICLE)
    a = make_run(data, RunSettings())
    assert make_run(data, RunSettings()).run_id == a.run_id
    other = RunSettings(config=TrainConfig(lr=0.02))
    assert make_run(data, other).run_id != a.run_id


def test_budget_above_the_limit_is_refused() -> None:
    data = make_dataset(ARTICLE, ARTICLE)
    with pytest.raises(ValueError, match="epoch budget"):
        make_run(data, RunSettings(epochs=MAX_EPOCHS + 1))


def test_convergence_stops_play_and_is_announced() -> None:
    # Noisy data: the optimum's loss is positive, so "within a relative 1e-12" is reachable.
    data = make_dataset([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 5.0])
    run = make_run(data, RunSettings(epochs=2000, config=TrainConfig(lr=0.05)))
    assert run.converged_at is not None
    assert run.stops[0] == run.converged_at
    assert banner(run, run.converged_at).kind == "success"
    assert f"Converged at epoch {run.converged_at}" in banner(run, run.converged_at).text
    assert banner(run, run.converged_at - 1).kind == "info"


def test_all_x_equal_is_explained() -> None:
    run = make_run(make_dataset([2.0, 2.0], [1.0, 3.0]), RunSettings(epochs=20))
    message = banner(run, 0)
    assert message.kind == "info"
    assert "minimum is a line" in message.text


@pytest.mark.parametrize(
    ("clicked", "start"),
    [(0.12345, 0.123), (-2.0004, -2.0), (3e7, 1e6), (float("nan"), 0.0)],
)
def test_a_click_on_the_contour_becomes_a_round_start(clicked: float, start: float) -> None:
    assert snap(clicked) == start


def test_returning_to_earlier_settings_is_a_restart_too() -> None:
    at = report(start(), 25)
    first = player_data(at)["run"]
    at.select_slider(key="lr").set_value(0.02).run()
    at.select_slider(key="lr").set_value(0.01).run()
    assert not at.exception
    # Same settings as at first, but a new run on screen: epoch 0, and the old report is stale.
    assert player_data(at)["run"] != first
    assert server_view(at)["epoch"] == 0
