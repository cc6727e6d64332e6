"""The point the chain-rule panel follows, ringed in the fit panel: app wiring and the figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import make_dataset
from lrviz.data.standardize import fit_scaling, standardize, to_original
from lrviz.figures import DEFAULT_THEME, plot_fit
from lrviz.figures.uids import FIT_CHOSEN, FIT_CHOSEN_RESIDUAL, FIT_DATA
from lrviz.notation.numbers import fmt
from lrviz.player import encode, payload
from lrviz.player.component import MARK_KEY, PLAYER_KEY
from lrviz.player.mark import Mark, mark_data, mark_of, picked_point
from lrviz.player.plotly_js import INLINE

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
ARTICLE = [1.0, 2.0, 3.0, 4.0, 5.0]


def told(at: AppTest, key: str) -> Any:
    found = [c for c in at.get("bidi_component") if c.key == key]
    assert len(found) == 1, f"{key}: {len(found)} mounts"
    return found[0].proto


def mark_told(at: AppTest) -> dict[str, Any]:
    return json.loads(told(at, MARK_KEY).bytes)


def trace(fig: Any, uid: str) -> Any:
    found = [t for t in fig.data if t.uid == uid]
    assert len(found) == 1
    return found[0]


# ---- the app --------------------------------------------------------------------------------


def test_following_a_point_tells_the_player_that_point_and_its_numbers() -> None:
    at = AppTest.from_function(_follow_page, args=(APP,), default_timeout=60).run()
    assert not at.exception
    payload_before = told(at, PLAYER_KEY).bytes
    view = json.loads(payload_before)["run"]
    assert mark_told(at)["point"]["i"] == 0
    at.session_state[PLAYER_KEY] = {"point": 3}
    at.session_state["follow_now"] = True
    at.run()
    assert not at.exception
    data = at.session_state["lrviz_run"].run.scene.data
    mark = mark_told(at)
    assert mark["run"] == view
    assert mark["point"] == {"i": 3, "x": float(data.x[3]), "y": float(data.y[3])}
    # The followed point's numbers for every epoch come with it: y_hat_3 at epoch 0 is b0 + w0*x.
    assert mark["chain"]["i"] == 3 and mark["chain"]["yh"][0] == "0"
    assert len(mark["chain"]["g"]) == at.session_state["lrviz_run"].run.scene.last_epoch + 1
    # The run's bytes are untouched: following a point resends nothing big.
    assert told(at, PLAYER_KEY).bytes == payload_before


def _follow_page(app: str) -> None:
    # The app, with the player's point report handed to the callback the component would call.
    import runpy

    import streamlit as st

    from lrviz.ui import live_ui

    if st.session_state.pop("follow_now", False):
        view = st.session_state["lrviz_run"].view
        live_ui._on_point(view)
    runpy.run_path(app)


def test_a_followed_point_is_kept_per_run_and_checked() -> None:
    def page() -> None:
        import streamlit as st

        from lrviz.player.component import PLAYER_KEY
        from lrviz.ui import state
        from lrviz.ui.live_ui import _on_point, followed

        st.session_state[PLAYER_KEY] = {"point": 2}
        _on_point("run-a")
        st.text(f"{followed('run-a', 5)} {followed('run-b', 5)} {followed('run-a', 2)}")
        state.FOLLOW.set(state.Follow("run-a", True))  # type: ignore[arg-type]
        st.text(f"{followed('run-a', 5)}")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert at.text[0].value == "2 0 0"
    assert at.text[1].value == "0"


@pytest.mark.parametrize("state", [None, {}, {"point": -1}, {"point": "3"}, {"point": True}])
def test_bad_click_reports_are_ignored(state: Any) -> None:
    assert picked_point(state) is None


def test_a_mark_is_only_a_point_of_the_data() -> None:
    data = make_dataset(ARTICLE, [2.0, 4.0, 5.0, 4.0, 5.0])
    assert mark_of(data, 3) == Mark(3, 4.0, 4.0)
    for bad in (None, -1, 5, True):
        assert mark_of(data, bad) is None
    assert mark_data("r", None) == {"run": "r", "point": None}
    assert mark_data("r", Mark(1, 2.0, 4.0)) == {"run": "r", "point": {"i": 1, "x": 2.0, "y": 4.0}}


# ---- the figures and payload ----------------------------------------------------------------


def test_fit_figure_rings_the_chosen_point_and_its_residual() -> None:
    data = make_dataset(ARTICLE, [2.0, 4.0, 5.0, 4.0, 5.0])
    scene = make_run(data, RunSettings(epochs=20)).scene
    k, i = 7, 3
    w, b = float(scene.history.w[k]), float(scene.history.b[k])
    fig = plot_fit(scene, k, DEFAULT_THEME, point=i)
    ring = trace(fig, FIT_CHOSEN)
    assert list(ring.x) == [data.x[i]] and list(ring.y) == [data.y[i]]
    seg = trace(fig, FIT_CHOSEN_RESIDUAL)
    assert list(seg.x) == [data.x[i], data.x[i]]
    assert seg.y[0] == data.y[i] and seg.y[1] == pytest.approx(w * data.x[i] + b)
    # Just under the data, above the line; empty without a point.
    assert [t.uid for t in fig.data][-3:] == [FIT_CHOSEN_RESIDUAL, FIT_CHOSEN, FIT_DATA]
    plain = plot_fit(scene, k)
    assert len(trace(plain, FIT_CHOSEN).x) == 0 and len(trace(plain, FIT_CHOSEN_RESIDUAL).x) == 0


def test_payload_carries_the_highlight_traces_and_the_click_map() -> None:
    run = make_run(make_dataset(ARTICLE, ARTICLE), RunSettings(epochs=10))
    body = json.loads(encode(payload(run, DEFAULT_THEME, INLINE)))
    assert body["uids"]["fit"][2:] == [FIT_CHOSEN_RESIDUAL, FIT_CHOSEN]
    uids = [t.get("uid") for t in body["figures"]["fit"]["data"]]
    assert FIT_CHOSEN in uids and FIT_CHOSEN_RESIDUAL in uids and body["data_uid"] in uids
    assert body["geom"]["shown"] == run.scene.shown.tolist()
    assert "fit_w" not in body["text"]


def test_standardized_payload_states_the_line_in_original_units() -> None:
    x = np.array([100.0, 200.0, 300.0, 400.0, 500.0])
    scaling = fit_scaling(x)
    data = make_dataset(standardize(x, scaling), [3.0, 5.0, 6.0, 9.0, 10.0])
    settings = RunSettings(epochs=30, x_scaling=(scaling.mean, scaling.std))
    run = make_run(data, settings)
    body = json.loads(encode(payload(run, DEFAULT_THEME, INLINE)))
    h = run.scene.history
    w, b = to_original(h.w, h.b, scaling)
    assert body["text"]["fit_w"] == [fmt(v) for v in w]
    for text, value in zip(body["text"]["fit_b"], b, strict=True):
        assert text == fmt(value) or (text == "0" and abs(value) < 1e-12)
    assert body["text"]["fit_w"][-1] != body["text"]["w"][-1]  # z units differ: std is not 1


def test_original_intercept_drops_cancellation_noise() -> None:
    # On y = x standardized, b = b_z - w * mean is exactly 0 in theory at every epoch.
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    scaling = fit_scaling(x)
    data = make_dataset(standardize(x, scaling), x)
    run = make_run(data, RunSettings(epochs=50, x_scaling=(scaling.mean, scaling.std)))
    body = json.loads(encode(payload(run, DEFAULT_THEME, INLINE)))
    assert set(body["text"]["fit_b"]) == {"0"}


def test_a_stale_choice_from_a_click_falls_back_to_point_zero() -> None:
    # A choice set from code is kept as the option's label; new data leaves a label of no option,
    # which the selector then hands back as a str.
    def page() -> None:
        import streamlit as st

        from lrviz.core import TrainConfig, make_dataset
        from lrviz.ui.explain_ui import explain_ui

        st.session_state["explain:point"] = "point 1: x = 2, y = 2 (old data)"
        data = make_dataset([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
        st.text(f"followed {explain_ui(data, TrainConfig(lr=0.01), 0.0, 0.0, 0)}")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert at.text[-1].value == "followed 0"
