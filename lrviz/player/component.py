"""Mounting the player in a Streamlit page, and serving plotly.js to it (no CDN).

Streamlit serves the folder of a declared v1 component at /component/<name>/, with caching
headers, so declaring a folder gives the browser a local URL for its files. Two are declared:
vendor/plotly-cartesian (plotly.js's official cartesian bundle, 1.5 MB, all the flat charts
need; see its README) and the installed plotly package's own folder, whose full plotly.min.js
(4.8 MB) is loaded only for the 3D bowl. The player itself is a v2 component: its JS and CSS
are files in this package, joined by bundle.py (an exported page joins the same files with a
host of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
import streamlit.components.v1 as components_v1

from lrviz.player.bundle import player_css, player_js, with_namespace
from lrviz.player.mark import Mark, encode_mark
from lrviz.player.plotly_js import PLOTLY_CARTESIAN_JS, PLOTLY_FULL_JS, PlotlyJs

PLAYER_KEY = "lrviz_player"
SYNC_KEY = "lrviz_sync"
MARK_KEY = "lrviz_mark"
SCREEN_KEY = "lrviz_screen"

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


def plotly_js_urls() -> PlotlyJs:
    """Paths (from the server root, base URL path included) of the cartesian bundle and of the
    full plotly.min.js for this server.

    Registers the folders on each script run: registration needs a running script, and
    repeating it with the same folder changes nothing.
    """
    charts = components_v1.declare_component(
        "plotlyjs_cartesian", path=str(PLOTLY_CARTESIAN_JS.parent)
    )
    full = components_v1.declare_component("plotlyjs", path=str(PLOTLY_FULL_JS.parent))
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return PlotlyJs(
        charts=f"{prefix}/component/{charts.name}/{PLOTLY_CARTESIAN_JS.name}",
        full=f"{prefix}/component/{full.name}/{PLOTLY_FULL_JS.name}",
    )


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
