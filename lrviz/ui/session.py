"""The session's current run: rebuilt when the settings change, kept when they are refused."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from lrviz.app.run import Run, capped, make_run, run_id, updates_per_epoch
from lrviz.app.settings import RunSettings
from lrviz.core import Dataset
from lrviz.data import escape_markdown
from lrviz.figures.theme import Theme
from lrviz.player.payload import encode, payload, payload_key
from lrviz.player.plotly_js import PlotlyJs
from lrviz.ui import state
from lrviz.ui.settings import restore_settings, widget_values
from lrviz.ui.shared_runs import shared
from lrviz.ui.state import Refused


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
    data: Dataset, settings: RunSettings | None, theme: Theme, plotly_js: PlotlyJs
) -> Current:
    """The run for (data, settings), reusing this session's copy while nothing changed.

    Refused settings (None, or a ValueError from training or drawing) keep the last good run
    on screen with the reason shown, and the sidebar is put back to that run's settings (one
    rerun), so the sidebar, the run on screen and the URL agree. With no good run on this data,
    the default settings are used. Training shows a spinner naming the work.
    """
    previous = state.RUN.get()
    restoring = state.REFUSAL.get().restoring
    if restoring:
        state.REFUSAL.update(restoring=False)
    if settings is None:
        if previous is not None:
            return previous
        settings = RunSettings()
    key = payload_key(run_id(data, capped(data.n, settings)[0]), theme, plotly_js)
    if previous is not None and previous.key == key:
        _refusal_ui(previous.view)
        return previous
    try:
        current = _build(data, settings, theme, plotly_js, previous)
    except _REFUSALS as error:
        reason = f"These settings cannot be run: {_plain(error)}"
        kept = _kept_run(data, settings, theme, plotly_js, previous)
        if kept is not None and not restoring:
            # Put the sidebar back to the run kept on screen, then draw the page again, so
            # the sidebar, the run and the URL agree. One rerun: a second refusal stops here.
            state.RUN.set(kept)
            state.REFUSAL.update(refused=Refused(kept.view, reason), restoring=True)
            restore_settings(widget_values(kept.run.settings))
            st.rerun()
        st.error(escape_markdown(reason))
        if kept is None:
            raise
        current = kept
    else:
        state.REFUSAL.update(refused=None)
    state.RUN.set(current)
    return current


# ArithmeticError: an overflow while framing a run; the same refusal, never a traceback.
_REFUSALS = (ValueError, ArithmeticError)


def _kept_run(
    data: Dataset,
    settings: RunSettings,
    theme: Theme,
    plotly_js: PlotlyJs,
    previous: Current | None,
) -> Current | None:
    """The run to keep in place of refused settings: the last one if it is on this data, else
    the default settings on this data (None if even they cannot be run)."""
    if previous is not None and previous.run.scene.data is data:
        return previous
    try:
        return _build(data, RunSettings(x_scaling=settings.x_scaling), theme, plotly_js, previous)
    except _REFUSALS:
        return previous


def _plain(error: Exception) -> str:
    """The refusal's words: a ValueError's own sentence, otherwise a plain one."""
    if isinstance(error, ValueError):
        return str(error)
    return "some of this run's numbers are beyond what float64 can hold, so it cannot be drawn."


def _refusal_ui(view: str) -> None:
    """The reason the last settings were refused, while the run kept in their place is shown."""
    stored = state.REFUSAL.get().refused
    if stored is None:
        return
    if stored.view != view:
        state.REFUSAL.update(refused=None)
        return
    st.error(escape_markdown(stored.reason))


def _work_words(data: Dataset, settings: RunSettings) -> str:
    """ "Training 1,000 epochs (one update each) on 5 points…" for the spinner."""
    settings = capped(data.n, settings)[0]
    per_epoch = updates_per_epoch(data.n, settings.config.batch_size)
    each = "one update each" if per_epoch == 1 else f"{per_epoch:,} updates each"
    return f"Training {settings.epochs:,} epochs ({each}) on {data.n:,} points…"


def _build(
    data: Dataset,
    settings: RunSettings,
    theme: Theme,
    plotly_js: PlotlyJs,
    previous: Current | None,
) -> Current:
    # The run's name is that of the settings as they will run (cut to the work budget).
    rid = run_id(data, capped(data.n, settings)[0])
    if previous is not None and previous.run.run_id == rid:
        view = previous.view  # the same run in another look: the epoch on screen stays
    else:
        count = 1 + int(previous.view.rsplit("-", 1)[1]) if previous is not None else 0
        view = f"{rid}-{count}"
    key = payload_key(rid, theme, plotly_js)

    def build() -> Current:
        with st.spinner(_work_words(data, settings)):
            run = make_run(data, settings)
            body = payload(run, theme, plotly_js, key, view)
        try:
            encoded = encode(body)
        except ValueError:
            raise ValueError(
                "some of this run's numbers are too large to draw (they overflow float64). "
                "Start nearer the data's fit or use a smaller α."
            ) from None
        return Current(run, encoded, key, view)

    # Every session opening the same link builds the same run: once per server (shared_runs).
    return shared((key, view), build)
