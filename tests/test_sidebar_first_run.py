"""A session's first run reads the sidebar's choices before drawing it (lrviz.ui.sidebar_ui):
what it reads must be what the widgets then return, for any link; if not, the run restarts."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, seed, settings
from streamlit.testing.v1 import AppTest

from lrviz.app.scenarios import lessons
from lrviz.ui import sidebar_ui
from lrviz.ui.state import EPOCHS
from tests.app_driver import open_app, run_link
from tests.test_link_pipeline import links


def _first_run() -> None:
    """main()'s first run up to the sidebar: read the choices, then draw them, and compare."""
    import streamlit as st

    from lrviz.share.data_params import data_params_keys
    from lrviz.ui.data_ui import apply_params
    from lrviz.ui.lecture_ui import presentation_toggle_ui, presentation_ui
    from lrviz.ui.share_ui import read_link_ui
    from lrviz.ui.sidebar_ui import choices_from_state, choices_ui, same_choices

    read_link_ui(data_params_keys(), apply_params)
    presentation_ui(toggle=False)
    read = choices_from_state()
    presentation_toggle_ui()
    drawn = choices_ui()
    st.session_state["test_agree"] = same_choices(read, drawn)
    st.session_state["test_read"] = read.settings
    st.session_state["test_drawn"] = drawn.settings


def _agrees(params: dict[str, str]) -> None:
    at = run_link(AppTest.from_function(_first_run, default_timeout=120), params)
    assert at.session_state["test_agree"], (
        params,
        at.session_state["test_read"],
        at.session_state["test_drawn"],
    )


LINKS = [
    {},
    {"data": "preset", "preset": "Unscaled x", "standardize": "1"},
    {"data": "preset", "preset": "Article example", "standardize": "1"},  # refused: says why
    {"data": "generator", "gen_n": "200", "gen_noise": "2", "gen_seed": "7"},
    {"data": "points", "xs": "1,2,3", "ys": "2,4,7", "w0": "3", "b0": "-1"},
    {"data": "points", "xs": "1e150,-1e150", "ys": "0,0", "w0": "100000"},  # a refused start
    {"opt": "adam", "lr": "0.05", "batch": "2", "seed": "3"},
    {"opt": "momentum", "batch": "sgd", "epochs": "5000", "data": "generator", "gen_n": "10000"},
    {"loss": "huber", "delta": "0.5", "lr": "1.33e-6", "epochs": "40"},
    {"present": "1", "epoch": "12"},
]


@pytest.mark.parametrize("params", LINKS, ids=lambda p: "&".join(p) or "bare")
def test_the_choices_read_are_the_choices_drawn(params: dict[str, str]) -> None:
    _agrees(params)


@pytest.mark.parametrize("key", [lesson.key for lesson in lessons()])
def test_a_lesson_link_reads_its_choices(key: str) -> None:
    _agrees({"lesson": key})


@seed(20261203)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(links())
def test_random_links_read_their_choices(params: dict[str, str]) -> None:
    _agrees(params)


def test_choices_that_disagree_restart_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # Read settings that the sidebar will not show: the run restarts with the sidebar first, so
    # the run on screen is the sidebar's.
    real = sidebar_ui.settings_from_state
    read: list[object] = []

    def wrong(n: int, data: object = None) -> object:
        settings = real(n, data)  # type: ignore[arg-type]
        assert settings is not None
        wrong_settings = dataclasses.replace(settings, epochs=7)
        read.append(wrong_settings)
        return wrong_settings

    monkeypatch.setattr(sidebar_ui, "settings_from_state", wrong)
    at = open_app()
    assert read, "the first run read its choices from the session state"
    assert at.session_state["lrviz_run"].run.settings.epochs == 1000
    assert at.number_input(key=EPOCHS).value == 1000
