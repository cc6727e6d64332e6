"""Mounting the player in a Streamlit page, and serving plotly.js to it from plotly's own copy.

plotly.js (4.8 MB) ships inside the plotly package. Streamlit serves the folder of a declared
v1 component at /component/<name>/, with caching headers, so declaring that folder gives the
browser a local URL for the file with nothing copied into the repository and nothing fetched
from a CDN. The player itself is a v2 component: its JS and CSS are files in this package,
joined by bundle.py (an exported page joins the same files with a host of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly
import streamlit as st
import streamlit.components.v1 as components_v1

from lrviz.player.bundle import player_css, player_js, with_namespace
from lrviz.player.mark import Mark, encode_mark

PLAYER_KEY = "lrviz_player"
SYNC_KEY = "lrviz_sync"
MARK_KEY = "lrviz_mark"
SCREEN_KEY = "lrviz_screen"
_PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"

# One module of the player's files (bundle.py) ending in the app's host; the small components
# share its namespace (page.js).
_PLAYER = st.components.v2.component(
    "lrviz.player",
    js=player_js("streamlit"),
    css=player_css(),
    # Plotly puts its stylesheet in the page head; inside a shadow root it would not apply.
    isolate_styles=False,
)
_SYNC = st.components.v2.component("lrviz.sync", js=with_namespace("sync.js"), isolate_styles=False)
_MARK = st.components.v2.component("lrviz.mark", js=with_namespace("mark.js"), isolate_styles=False)
_SCREEN = st.components.v2.component(
    "lrviz.screen", js=with_namespace("screen.js"), isolate_styles=False
)


def plotly_js_url() -> str:
    """Path (from the server root, base URL path included) of plotly.min.js for this server.

    Registers the folder on each script run: registration needs a running script, and
    repeating it with the same folder changes nothing.
    """
    served = components_v1.declare_component("plotlyjs", path=str(_PLOTLY_DIR))
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/component/{served.name}/plotly.min.js"


def _ignore() -> None:
    """State changes are read from st.session_state at the top of the next run."""


def player_ui(
    payload: bytes,
    view: str,
    server_epoch: int,
    on_pick: Callable[[], None],
    mark: Mark | bytes | None = None,
    on_point: Callable[[], None] = _ignore,
    on_lesson: Callable[[], None] = _ignore,
) -> None:
    """Mount the player with this run's payload, and the hidden echo of the server's epoch.

    view: the name the browser knows the run by (the payload's, the echo's and the cursor's
    "run"; see lrviz.player.payload).

    The payload bytes stay identical while the run does, so Streamlit sends them once and
    afterwards only a reference. The echo is a few bytes and changes with every report.
    mark: the data point the chain-rule view follows, as mark.encode_mark's bytes (with its
    numbers for every epoch), or a Mark to ring it only. on_point: called when a point is
    chosen in the player; the index is st.session_state[PLAYER_KEY]["point"] (see
    mark.picked_point). on_lesson: a lesson picked in the player's menu, its key in ["lesson"].
    """
    _PLAYER(
        key=PLAYER_KEY,
        data=payload,
        default={"cursor": None},
        on_cursor_change=_ignore,
        on_pick_change=on_pick,
        on_point_change=on_point,
        on_lesson_change=on_lesson,
    )
    _SYNC(key=SYNC_KEY, data={"run": view, "epoch": server_epoch})
    told = mark if isinstance(mark, bytes) else encode_mark(view, mark)
    _MARK(key=MARK_KEY, data=told)


def screen_ui(screen: dict[str, Any]) -> None:
    """Tell the player about the page around the run (see lrviz.ui.live_ui.screen_data)."""
    _SCREEN(key=SCREEN_KEY, data=screen)
