"""The app at the extremes a page or a link can ask for: it answers with a run or a message.

Heavy links are cut to the work budget with a note naming the numbers; links that used to crash
(a start whose loss overflows, x that cannot be standardized) are refused in words; after every
refusal the sidebar, the run on screen and the URL agree. Generous AppTest waits, no timings.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.choices import DEFAULTS, LR_CHOICES
from lrviz.app.run import MAX_UPDATES, updates_per_epoch
from lrviz.app.scenarios import lessons
from lrviz.app.settings import LR_MAX, LR_MIN
from lrviz.data import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, DataError
from lrviz.player.payload import FIT_UNITS
from lrviz.share.link_probe import PROBE_KEY, QUERY_MAX_FIELDS, dropped_notice
from lrviz.share.url_state import from_params, to_params
from lrviz.ui.data_ui import STANDARDIZE_KEY, edit_frame, table_points
from lrviz.ui.settings import settings_of, widgets_of
from tests.app_driver import APP, component, player_data, preset_picker, report, run_link

ROOT = Path(__file__).resolve().parents[1]


def open_link(params: Mapping[str, str]) -> AppTest:
    return run_link(AppTest.from_file(APP, default_timeout=240), params)


def url(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def texts(at: AppTest, kind: str) -> str:
    return " ".join(e.value for e in getattr(at, kind)).replace("\\", "")


def on_screen(at: AppTest) -> dict[str, object]:
    """The run the player plays: its start, epochs and learning rate."""
    run = at.session_state["lrviz_run"].run
    return {
        "w0": run.settings.w0,
        "b0": run.settings.b0,
        "epochs": run.settings.epochs,
        "lr": run.settings.config.lr,
    }


def assert_all_agree(at: AppTest) -> None:
    """The sidebar, the run on screen and the URL say the same settings."""
    shown = on_screen(at)
    sidebar = {
        "w0": at.number_input(key="w0").value,
        "b0": at.number_input(key="b0").value,
        "epochs": at.number_input(key="epochs").value,
        "lr": at.select_slider(key="lr").value,
    }
    link = url(at)
    assert sidebar == shown
    assert {k: float(link[k]) for k in shown} == shown
    data = player_data(at)
    assert data["budget"] == shown["epochs"]
    assert data["traj"]["w"][0] == shown["w0"]


def answers(at: AppTest) -> None:
    """A status line to show (epoch 0's texts) and no raw error text."""
    data = player_data(at)
    assert data["text"]["loss"][0]
    encoded = json.dumps(data)
    assert "NaN" not in encoded and "Infinity" not in encoded
    shown = " ".join(texts(at, kind) for kind in ("error", "warning", "info"))
    for raw in ("math domain", "JSON compliant", "Traceback", "IndexError", "out of bounds"):
        assert raw not in shown


# ---- heavy links ----------------------------------------------------------------------------

HEAVY = {"data": "generator", "gen_n": "10000", "batch": "sgd", "epochs": "5000", "opt": "adam"}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"opt": "gd"},
        {"opt": "momentum"},
        {"opt": "nesterov"},
        {"batch": "2"},
        {"batch": "full"},
    ],
)
def test_heavy_links_answer_with_a_run_cut_to_the_budget(change: dict[str, str]) -> None:
    params = {**HEAVY, **change}
    at = open_link(params)
    answers(at)
    assert_all_agree(at)
    batch = {"sgd": 1, "2": 2, "full": None}[params["batch"]]
    per_epoch = updates_per_epoch(10_000, batch)
    epochs = on_screen(at)["epochs"]
    assert epochs * per_epoch <= MAX_UPDATES  # type: ignore[operator]
    if per_epoch > 1:
        notes = texts(at, "warning")
        assert f"{per_epoch:,} updates per epoch; 5,000 epochs would be" in notes
        assert f"Showing the first {epochs:,} epochs" in notes
        # The link now says the run on screen: opened again, it plays the same run, uncut.
        assert url(at)["epochs"] == str(epochs)
    else:
        assert epochs == 5000
        assert "Showing the first" not in texts(at, "warning")


def test_the_budget_note_goes_when_the_settings_change() -> None:
    at = open_link(HEAVY)
    assert "Showing the first 20 epochs" in texts(at, "warning")
    at.radio(key="batch_mode").set_value("Full batch").run()
    assert not at.exception
    assert "Showing the first" not in texts(at, "warning")
    assert on_screen(at)["epochs"] == 20  # the sidebar kept the cut value; nothing jumps back
    assert_all_agree(at)


def test_choosing_sgd_on_many_points_cuts_the_budget_in_the_sidebar() -> None:
    at = open_link({"data": "generator", "gen_n": "10000", "epochs": "1000"})
    assert on_screen(at)["epochs"] == 1000
    at.radio(key="batch_mode").set_value("One point (SGD)").run()
    assert not at.exception
    assert at.number_input(key="epochs").value == MAX_UPDATES // 10_000
    assert "1,000 epochs would be 10⁷" in texts(at, "warning")
    assert_all_agree(at)


# ---- links that used to crash ---------------------------------------------------------------

HUGE_X = {"data": "points", "xs": "1e150,-1e150", "ys": "0,0"}


@pytest.mark.parametrize("opt", ["gd", "adam"])
@pytest.mark.parametrize("w0", ["100000", "10000"])
def test_a_start_whose_loss_overflows_is_refused_and_all_agree(opt: str, w0: str) -> None:
    at = open_link({**HUGE_X, "w0": w0, "opt": opt})
    answers(at)
    notes = texts(at, "warning")
    assert f"The loss at the start w₀ = {w0}" in notes
    assert "Starting from (0, 0) instead" in notes
    assert on_screen(at)["w0"] == 0.0
    assert_all_agree(at)


def test_a_start_typed_in_the_sidebar_goes_back_to_the_last_good_one() -> None:
    at = open_link({**HUGE_X, "w0": "0.5"})
    assert on_screen(at)["w0"] == 0.5
    at.number_input(key="w0").set_value(1e6).run()
    assert not at.exception
    assert "Starting from (0.5, 0) instead" in texts(at, "warning")
    assert on_screen(at)["w0"] == 0.5
    assert_all_agree(at)


@pytest.mark.parametrize("xs", ["1e16,1e16", "5e-324,1e-323", "0,1e-160"])
def test_x_that_cannot_be_standardized_says_why(xs: str) -> None:
    at = open_link({"data": "points", "xs": xs, "ys": "0,1", "standardize": "1"})
    answers(at)
    assert "x cannot be standardized" in texts(at, "warning")
    assert at.toggle(key=STANDARDIZE_KEY).value is False
    assert "standardize" not in url(at)
    assert at.session_state["lrviz_run"].run.scene.x_scaling is None
    assert_all_agree(at)


def test_a_run_refused_after_training_puts_the_sidebar_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lrviz.ui.session as session

    real = session.make_run

    def refuse_005(data, settings):  # type: ignore[no-untyped-def]
        if settings.config.lr == 0.05:
            raise ValueError("this run cannot be drawn")
        return real(data, settings)

    monkeypatch.setattr(session, "make_run", refuse_005)
    at = open_link({"lr": "0.02"})
    at.select_slider(key="lr").set_value(0.05).run()
    assert not at.exception
    assert "These settings cannot be run: this run cannot be drawn" in texts(at, "error")
    assert at.select_slider(key="lr").value == 0.02
    assert url(at)["lr"] == "0.02"
    assert_all_agree(at)
    at.select_slider(key="lr").set_value(0.03).run()
    assert "cannot be run" not in texts(at, "error")


# ---- α over its whole range -----------------------------------------------------------------


def test_alpha_spans_1e8_to_2_on_the_slider() -> None:
    assert min(LR_CHOICES) <= 1e-8 and max(LR_CHOICES) >= 2.0
    assert LR_MIN <= 1e-300 and LR_MAX >= 2.0


def test_typed_alpha_is_used_exactly() -> None:
    at = open_link({"data": "preset", "preset": "Unscaled x"})
    at.text_input(key="lr_text").input("1.33e-6").run()
    assert not at.exception
    assert at.select_slider(key="lr").value == 1.33e-6
    assert on_screen(at)["lr"] == 1.33e-6
    assert url(at)["lr"] == "1.33e-06"
    # Stable on raw x: no divergence banner.
    assert "diverge" not in texts(at, "warning") + texts(at, "error")
    at.text_input(key="lr_text").input("fast").run()
    assert "'fast' is not a number" in texts(at, "error")
    assert on_screen(at)["lr"] == 1.33e-6
    at.text_input(key="lr_text").input("5").run()
    assert "α must be between" in texts(at, "error")
    assert_all_agree(at)


def test_a_link_keeps_a_tiny_alpha() -> None:
    at = open_link({"lr": "1e-7"})
    assert at.select_slider(key="lr").value == 1e-7
    assert url(at)["lr"] == "1e-07"
    assert not at.warning


def test_gallery_runs_use_values_a_user_can_set() -> None:
    for lesson in lessons():
        for settings in (lesson.settings, *(s for _, s in lesson.pinned)):
            assert settings.config.lr in LR_CHOICES, (lesson.key, settings.config.lr)
            # The sidebar's widget values rebuild exactly this run.
            values = widgets_of(from_params(to_params(settings)).fields)
            assert settings_of({**DEFAULTS, **values}, 10) == settings


# ---- honest words ---------------------------------------------------------------------------


def test_other_optimizers_are_told_the_limit_is_for_plain_gd() -> None:
    at = open_link({})
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "for plain full-batch gradient descent only" not in captions
    at.selectbox(key="optimizer").set_value("adam").run()
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "That bound is for plain full-batch gradient descent only: Adam" in captions
    assert "That limit is for plain full-batch gradient descent." in texts(at, "info")


def test_convergence_on_the_article_data_stops_play_with_the_banner() -> None:
    at = open_link({"lr": "0.05"})
    data = player_data(at)
    k = data["stops"][0]
    assert data["stops"] == [k, 1000] and k < 1000
    at = report(at, k)
    assert f"Converged at epoch {k}" in texts(at, "success")
    at = report(at, 1000)
    assert "End of the budget" not in texts(at, "info")


# ---- data in and out ------------------------------------------------------------------------


def test_upload_limit_and_caption_agree_to_the_byte() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert MAX_UPLOAD_BYTES == MAX_UPLOAD_MB * 10**6  # Streamlit's megabyte is 10^6 bytes
    at = open_link({})
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert f"up to {MAX_UPLOAD_MB} MB ({MAX_UPLOAD_BYTES:,} bytes)" in captions


def test_edit_table_keeps_scientific_notation() -> None:
    at = open_link({})
    (editor,) = at.data_editor
    assert editor.value["x"].tolist() == ["1", "2", "3", "4", "5"]
    edited = pd.DataFrame({"x": ["2.5e3", "1E-7", "3"], "y": ["1", "-2.5e-3", None]})
    points = table_points(edited)
    assert points.x.tolist() == [2500.0, 1e-7] and points.y.tolist() == [1.0, -0.0025]
    with pytest.raises(DataError, match="'1e308' is too large"):
        table_points(pd.DataFrame({"x": ["1e308"], "y": ["1"]}))
    tiny = table_points(edit_frame(table_points(pd.DataFrame({"x": ["5e-324"], "y": ["1e150"]}))))
    assert tiny.x.tolist() == [5e-324] and tiny.y.tolist() == [1e150]


# ---- a link Streamlit drops -----------------------------------------------------------------


def test_a_dropped_link_is_announced() -> None:
    at = open_link({})
    component(at, PROBE_KEY)  # mounted: the session opened with no parameters
    # What the browser reports for a link of 1,001 parameters, then the rerun it causes.
    at.session_state[PROBE_KEY] = {"dropped": {"fields": QUERY_MAX_FIELDS + 1, "chars": 6000}}
    at.run()
    assert not at.exception
    notice = texts(at, "warning")
    assert "has 1,001 parameters" in notice and "ignored the whole link" in notice
    assert not [c for c in at.get("bidi_component") if c.key == PROBE_KEY]


def test_the_probe_is_not_mounted_for_a_link_the_server_read() -> None:
    at = open_link({"lr": "0.02"})
    assert not [c for c in at.get("bidi_component") if c.key == PROBE_KEY]


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"dropped": {"fields": 1001, "chars": 10}}, "1,001 parameters"),
        ({"dropped": {"fields": 3, "chars": 600_000}}, "600,000 characters"),
        ({"dropped": {"fields": 1000, "chars": 524_288}}, ""),
        ({"dropped": {"fields": "9999", "chars": 1}}, ""),
        ({"dropped": None}, ""),
        ("junk", ""),
    ],
)
def test_dropped_notice_reads_the_report_defensively(state: object, words: str) -> None:
    notice = dropped_notice(state)
    assert (words in notice) if words else notice == ""
    assert re.search(r"<", notice) is None


def test_a_run_refused_on_new_data_falls_back_to_the_defaults_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lrviz.ui.session as session

    real = session.make_run

    def refuse_on_outliers(data, settings):  # type: ignore[no-untyped-def]
        if data.n == 10 and settings.config.lr == 0.02:
            raise ValueError("not on this data")
        return real(data, settings)

    monkeypatch.setattr(session, "make_run", refuse_on_outliers)
    at = open_link({"lr": "0.02", "w0": "0.5"})
    preset_picker(at).set_value("Outliers").run()
    assert not at.exception
    assert "These settings cannot be run: not on this data" in texts(at, "error")
    assert at.session_state["lrviz_run"].run.scene.data.n == 10
    assert on_screen(at) == {"w0": 0.0, "b0": 0.0, "epochs": 1000, "lr": 0.01}
    assert_all_agree(at)


def test_pins_that_cannot_be_drawn_leave_the_run_alone_with_a_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lrviz.ui.compare_ui as compare_ui

    def overflow(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OverflowError("math range error")

    at = open_link({})
    at.button(key="lrviz_pin").click().run()
    monkeypatch.setattr(compare_ui, "compare_payload", overflow)
    at.select_slider(key="lr").set_value(0.02).run()
    assert not at.exception
    assert "The pinned runs cannot be drawn beside this one" in texts(at, "warning")
    answers(at)
    assert_all_agree(at)


def test_standardized_x_names_the_units_of_the_status_line_and_the_fit_header() -> None:
    plain = player_data(open_link({"data": "preset", "preset": "Unscaled x"}))
    assert "labels" not in plain and plain["fit_units"] == ""
    data = player_data(open_link({"data": "preset", "preset": "Unscaled x", "standardize": "1"}))
    assert data["labels"] == {"w": "w_z", "b": "b_z"}
    assert data["fit_units"] == FIT_UNITS
    # The header's line is in x's units, the status line's numbers are for z.
    assert data["text"]["fit_w"][5] != data["text"]["w"][5]
