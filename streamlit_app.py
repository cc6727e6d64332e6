"""lrviz playground: backpropagation made visible on y_hat = w*x + b, fitted by MSE.

How the page works, its layers and the contracts between them: docs/architecture.md.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from lrviz.app.scenarios import data_label
from lrviz.player.component import plotly_js_urls
from lrviz.share.data_params import data_params_keys
from lrviz.ui.compare_ui import with_pins
from lrviz.ui.data_ui import apply_params, downloads_ui, source_params
from lrviz.ui.explain_ui import details_ui
from lrviz.ui.gallery_ui import active_lesson
from lrviz.ui.lecture_ui import presentation_ui
from lrviz.ui.live_ui import (
    PAGE_BANNER_KEY,
    followed,
    live_epoch,
    live_player_ui,
    screen_data,
    screen_ui,
)
from lrviz.ui.page import first_paint_hold_ui, page_setup_ui, preload_once_ui
from lrviz.ui.session import current_run_ui
from lrviz.ui.settings import apply_pick, settings_notes_ui
from lrviz.ui.share_ui import link_notices_ui, link_params, read_link_ui
from lrviz.ui.sidebar_ui import choices_from_state, choices_ui, late_sidebar_ui
from lrviz.ui.status import banner_ui
from lrviz.ui.tools_ui import tools_ui


def main() -> None:
    """Draw the page for this session."""
    page_setup_ui()
    plotly_js = plotly_js_urls()
    first_run = preload_once_ui(plotly_js.charts)  # plotly.js loads while this run trains
    read_link_ui(data_params_keys(), apply_params)
    # First paint: a session's first run reads the sidebar's choices and draws it after the
    # player (lrviz.ui.sidebar_ui); later runs draw it first.
    presenting, theme = presentation_ui(toggle=not first_run)  # read once, passed down
    choices = choices_from_state() if first_run else choices_ui()
    active = choices.active
    data = active.dataset
    settings = choices.settings
    if settings is not None:
        settings = dataclasses.replace(settings, x_scaling=active.x_scaling)
    current = current_run_ui(data, settings, theme, plotly_js)
    run = current.run
    epoch = live_epoch(run, current.view)
    link_notices_ui(current.view)
    settings_notes_ui(run)
    name = data_label(active.source)
    shown = with_pins(current, name, theme, plotly_js)
    lesson = active_lesson(run.settings, name)
    screen_ui(screen_data(run, current.view, lesson, presenting))
    sources = source_params()

    # A Step, Back, scrub, Pause or a new point to follow reruns only this (see live_ui).
    @st.fragment
    def player_fragment() -> None:
        at = live_epoch(run, current.view)
        if not presenting:  # the banner shows inside the player while presenting
            with st.container(key=PAGE_BANNER_KEY):
                banner_ui(run, at)
        link = lambda k: link_params(run.settings, k, presenting, sources)  # noqa: E731
        live_player_ui(shown.payload, run, current.view, at, on_pick=apply_pick, link=link)

    player_fragment()
    first_paint_hold_ui()  # first paint: the player is drawn before what is below it
    if first_run:
        late_sidebar_ui(choices)
    downloads_ui(active, run.scene.history)
    if not presenting:
        details_ui(data, run, followed(current.view, data.n))
    tools_ui(active, current, epoch, presenting, shown)


main()
