"""Page-wide setup: title, wide layout, and tighter margins so the panels fit a 720 px projector."""

from __future__ import annotations

import streamlit as st

from lrviz.player.preload import after_player_ui, preload_ui
from lrviz.ui import state

TITLE = "lrviz · backpropagation playground"

# Streamlit's default top padding (6rem) is a sixth of a 720 px screen; the charts need it more.
_STYLE = """
<style>
[data-testid="stMainBlockContainer"] {
  padding: 2.4rem 1.5rem 1.5rem; max-width: none;
}
[data-testid="stMain"] [data-testid="stAlertContainer"] { padding: 0.45rem 0.9rem; }
[data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
/* On a phone the header (3.75rem, opaque) would cover the page's first lines. */
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 4.2rem 1rem 1.5rem; }
}
</style>
"""


def page_setup_ui() -> None:
    """Configure the page; call first."""
    st.set_page_config(page_title=TITLE, page_icon="📉", layout="wide")
    st.html(_STYLE)


def preload_once_ui(url: str) -> bool:
    """Mount the plotly.js preloader for url; the session's first run pauses for it
    (preload_ui). True on the session's first run."""
    first = not state.PAGE.get().preloaded
    state.PAGE.update(preloaded=True)
    preload_ui(url, first)
    return first


def first_paint_hold_ui() -> None:
    """Right after the player: the session's first run holds back what is below it, once."""
    first = not state.PAGE.get().first_paint_held
    state.PAGE.update(first_paint_held=True)
    after_player_ui(first)
