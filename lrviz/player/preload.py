"""Hidden help for a first paint: plotly.js downloading at once, the player drawn first."""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

PRELOAD_KEY = "lrviz_preload"
# Seconds the session's first run waits after mounting the preloader (the thread sleeps; no CPU).
# Without it the browser renders the preloader in one go with the rest of the page, whose ~40
# element chunks fill its six connections to the server: the component code (and so plotly.js
# and the player) queued behind them for about 1 s. Measured with bench_playback: first numbers
# about 0.7 s sooner.
FIRST_RUN_PAUSE_S = 0.12
# Seconds the session's first run waits once the player is mounted, before the sidebar (see
# lrviz.ui.sidebar_ui) and the elements below the player (the tools, the tables, the link box)
# are sent. The browser builds a page's elements in the order they arrive, loading each kind's
# code on first use (the link box's code highlighter alone is 1.5 MB): sent at once, they took
# the main thread while the player's numbers, then plotly.js and the charts, waited behind them.
# The hold covers the player's numbers, the cartesian plotly.js's evaluation and the charts'
# first draw (about 0.7 s after the player is sent, quiet). Measured with bench_playback, 5
# rounds twice each: 0.8 s and 1.5 s gave the same first paint (panels 2.06-2.08x and
# 2.03-2.05x the bare page), so the shorter one keeps the sidebar waiting less.
AFTER_PLAYER_PAUSE_S = 0.8
_PRELOAD = st.components.v2.component(
    "lrviz.preload",
    js=Path(__file__).with_name("assets").joinpath("preload.js").read_text(encoding="utf-8"),
    # Its mount takes no room on the page.
    css=f".st-key-{PRELOAD_KEY} {{ display: none !important; }}",
    isolate_styles=False,
)


def preload_ui(url: str, first_run: bool) -> None:
    """Mount the preloader; call it before the run is trained so the download overlaps that work.

    url: the cartesian plotly.js bundle's (lrviz.player.component.plotly_js_urls().charts).
    first_run: this is the session's first script run (the caller keeps that in its state).

    plotly.js (its cartesian bundle, 1.5 MB to parse) is what the charts wait for; the player's
    numbers do not wait for it: it is downloaded here and run once they are on screen (see
    preload.js and player.js load()).
    """
    _PRELOAD(key=PRELOAD_KEY, data={"url": url})
    if first_run:
        _pause(FIRST_RUN_PAUSE_S)


def after_player_ui(first_run: bool) -> None:
    """Call right after the player is mounted, outside its fragment: on the session's first run
    (first_run) only, hold the rest of the page back for AFTER_PLAYER_PAUSE_S (the thread
    sleeps; no CPU), so the browser draws the status line and the charts before it builds what
    is below them. Later runs send everything at once: the browser then has every element's code.
    """
    if first_run:
        _pause(AFTER_PLAYER_PAUSE_S)


def _pause(seconds: float) -> None:
    """Sleep for a browser's sake; a session with no browser (no request headers, as under
    Streamlit's AppTest) has nothing to wait for."""
    if st.context.headers:
        time.sleep(seconds)
