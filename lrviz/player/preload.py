"""A hidden component at the top of the page that starts loading plotly.js at once."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lrviz.player.component import plotly_js_url

PRELOAD_KEY = "lrviz_preload"
_PRELOAD = st.components.v2.component(
    "lrviz.preload",
    js=Path(__file__).with_name("assets").joinpath("preload.js").read_text(encoding="utf-8"),
    # Its mount takes no room on the page.
    css=f".st-key-{PRELOAD_KEY} {{ display: none !important; }}",
    isolate_styles=False,
)


def preload_ui() -> None:
    """Mount the preloader; call it before the run is trained so the fetch overlaps that work.

    plotly.js (1.5 MB compressed, 4.8 MB to parse) is what the charts wait for; the player's
    numbers do not wait for it (see player.js load()).
    """
    _PRELOAD(key=PRELOAD_KEY, data={"url": plotly_js_url()})
