"""lrviz playground: backpropagation made visible on y_hat = w*x + b, fitted by MSE.

How the page works, and why:

* The sidebar decides a run (start, learning rate, budget, optimizer, batch). The whole run is
  trained up front by ``lrviz.core`` and kept in ``st.session_state`` with its payload: the
  trajectory arrays (w, b, loss, dL/dw, dL/db per epoch), each epoch's status text, and the four
  figures at epoch 0 from the pure builders in ``lrviz.figures``. Any change of setting makes a
  new run, which starts at epoch 0.
* One custom component, the player (``lrviz/player``), shows the status line, the transport
  controls (with keyboard shortcuts) and the three linked panels. It gets the payload once per
  run, as bytes that stay identical across reruns, so Streamlit sends them once and afterwards
  only a reference. Step, Back, scrub and every frame of Play are drawn in the browser from the
  arrays: each panel is the Python figure, drawn once by plotly, with the figure's moving traces
  redrawn on a thin SVG layer above it. No server work per frame, no chart remounts.
  Measured here: redrawing ``st.plotly_chart`` from the server gives ~7 epochs/s, a native
  ``st.button`` Step ~100 ms per round trip, and ``Plotly.restyle`` of all three charts
  ~15-50 ms a frame; the layer takes well under 1 ms.
* One source of truth for the epoch on screen: the player's component state
  ``cursor = {run, epoch}``, which the browser sets whenever playback comes to rest (Step, Back,
  Reset, scrub, Pause, an automatic stop). ``shown_epoch`` reads it at the top of each script run
  and ignores reports about an earlier run. The server echoes its view back through a second,
  hidden component (``lrviz_sync``), which restores the epoch if the player is remounted and lets
  browser tests check that the server agrees.
* The chain-rule view is part of the player (``chain.js``), drawn in the same frame as the
  panels from per-epoch text that Python formats from the core's records
  (``lrviz/explain/live.py``); the followed point's numbers come apart (``lrviz_mark``), so
  following another point resends no run. Presentation mode shows it large in place of the
  panels (key C). The tables of one chosen epoch sit below the player, on request.
* Everything that changes with a Step (the echo, the banner, the URL) runs in an
  ``st.fragment`` with the player (``lrviz/ui/live_ui.py``): a Step, Back, scrub, Pause or a new
  point to follow reruns that fragment only; a new start or a lesson asks for a full run.
* The URL's query parameters hold the screen (data, settings, presentation mode, epoch): read
  once when a session opens (``lrviz/ui/share_ui.py``, every value clamped or dropped with a
  notice), rewritten at the end of every run. A link's epoch is echoed to the player until the
  player reports one of its own. Pinned runs (``lrviz/ui/compare_ui.py``) ride in the player's
  figures as static traces, so they cost Play nothing.
* AppTest drives the player the way the browser does, by setting that state
  (``at.session_state["lrviz_player"] = {"cursor": ...}``), and reads what the player is told to
  show. The browser side is covered by the end-to-end tests and ``benchmarks/bench_playback.py``.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from lrviz.core import curvature
from lrviz.player.component import plotly_js_url
from lrviz.player.preload import after_player_ui, preload_ui
from lrviz.ui.compare_ui import with_pins
from lrviz.ui.data_source import data_params_keys
from lrviz.ui.data_ui import apply_params, data_ui, downloads_ui, source_params
from lrviz.ui.explain_ui import details_ui
from lrviz.ui.gallery_ui import active_lesson
from lrviz.ui.lecture_ui import presentation_ui, presenting
from lrviz.ui.live_ui import (
    PAGE_BANNER_KEY,
    followed,
    live_epoch,
    live_player_ui,
    screen_data,
    screen_ui,
)
from lrviz.ui.page import page_setup_ui
from lrviz.ui.scenarios import data_label
from lrviz.ui.session import current_run_ui
from lrviz.ui.settings import apply_pick, settings_notes_ui, settings_ui
from lrviz.ui.share_ui import link_notices_ui, link_params, read_link_ui
from lrviz.ui.status import banner_ui
from lrviz.ui.tools_ui import tools_ui


def main() -> None:
    """Draw the page for this session."""
    page_setup_ui()
    preload_ui()  # plotly.js loads while this run trains
    read_link_ui(data_params_keys(), apply_params)
    theme = presentation_ui()
    active = data_ui()
    data = active.dataset
    settings = settings_ui(data.n, curvature(data), data)
    if settings is not None:
        settings = dataclasses.replace(settings, x_scaling=active.x_scaling)
    current = current_run_ui(data, settings, theme, plotly_js_url())
    run = current.run
    downloads_ui(active, run.scene.history)
    epoch = live_epoch(run, current.view)
    link_notices_ui(current.view)
    settings_notes_ui(run)
    name = data_label(active.source)
    shown = with_pins(current, name, theme, plotly_js_url())
    lesson = active_lesson(run.settings, name)
    screen_ui(screen_data(run, current.view, lesson))
    sources = source_params()

    # A Step, Back, scrub, Pause or a new point to follow reruns only this (see live_ui).
    @st.fragment
    def player_fragment() -> None:
        at = live_epoch(run, current.view)
        if not presenting():  # the banner shows inside the player while presenting
            with st.container(key=PAGE_BANNER_KEY):
                banner_ui(run, at)
        link = lambda k: link_params(run.settings, k, sources)  # noqa: E731
        live_player_ui(shown.payload, run, current.view, at, on_pick=apply_pick, link=link)

    player_fragment()
    after_player_ui()  # first paint: the player is drawn before what is below it
    if not presenting():
        details_ui(data, run, followed(current.view, data.n))
    tools_ui(active, current, epoch)


main()
