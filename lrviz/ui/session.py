"""The session's current run: rebuilt when the settings change, kept when they are refused."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from lrviz.core import Dataset
from lrviz.figures.theme import Theme
from lrviz.player.payload import encode, payload, payload_key
from lrviz.player.run import Run, RunSettings, make_run, run_id
from lrviz.ui.shared_runs import shared

_RUN_KEY = "lrviz_run"


class Current(NamedTuple):
    """The run on screen and its payload bytes, as sent to the player.

    view: the name the browser knows this run by. It is new each time the settings change,
    even back to earlier ones, so a restart always starts at epoch 0. key: names the payload.
    """

    run: Run
    payload: bytes
    key: str
    view: str


def current_run_ui(
    data: Dataset, settings: RunSettings | None, theme: Theme, plotly_url: str
) -> Current:
    """The run for (data, settings), reusing this session's copy while nothing changed.

    Refused settings (None, or a ValueError from training) keep the last good run on screen
    with the reason shown; with no good run yet, the default settings are used.
    """
    previous: Current | None = st.session_state.get(_RUN_KEY)
    if settings is None:
        if previous is not None:
            return previous
        settings = RunSettings()
    key = payload_key(run_id(data, settings), theme, plotly_url)
    if previous is not None and previous.key == key:
        return previous
    try:
        current = _build(data, settings, theme, plotly_url, previous)
    except ValueError as error:
        st.error(f"These settings cannot be run: {error}")
        if previous is not None:
            return previous
        current = _build(data, RunSettings(), theme, plotly_url, previous)
    st.session_state[_RUN_KEY] = current
    return current


def _build(
    data: Dataset, settings: RunSettings, theme: Theme, plotly_url: str, previous: Current | None
) -> Current:
    rid = run_id(data, settings)
    if previous is not None and previous.run.run_id == rid:
        view = previous.view  # the same run in another look: the epoch on screen stays
    else:
        count = 1 + int(previous.view.rsplit("-", 1)[1]) if previous is not None else 0
        view = f"{rid}-{count}"
    key = payload_key(rid, theme, plotly_url)

    def build() -> Current:
        run = make_run(data, settings)
        return Current(run, encode(payload(run, theme, plotly_url, key, view)), key, view)

    # Every session opening the same link builds the same run: once per server (shared_runs).
    return shared((key, view), build)
