"""Mounting the player in a Streamlit page, and serving plotly.js to it from plotly's own copy.

plotly.js (4.8 MB) ships inside the plotly package. Streamlit serves the folder of a declared
v1 component at /component/<name>/, with caching headers, so declaring that folder gives the
browser a local URL for the file with nothing copied into the repository and nothing fetched
from a CDN. The player itself is a v2 component: its JS and CSS are files in this package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import plotly
import streamlit as st
import streamlit.components.v1 as components_v1

from lrviz.player.mark import Mark, mark_data

PLAYER_KEY = "lrviz_player"
SYNC_KEY = "lrviz_sync"
MARK_KEY = "lrviz_mark"
_ASSETS = Path(__file__).with_name("assets")
_PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"

_PLAYER = st.components.v2.component(
    "lrviz.player",
    js=(_ASSETS / "player.js").read_text(encoding="utf-8"),
    css=(_ASSETS / "player.css").read_text(encoding="utf-8"),
    # Plotly puts its stylesheet in the page head; inside a shadow root it would not apply.
    isolate_styles=False,
)
_SYNC = st.components.v2.component(
    "lrviz.sync", js=(_ASSETS / "sync.js").read_text(encoding="utf-8"), isolate_styles=False
)
_MARK = st.components.v2.component(
    "lrviz.mark", js=(_ASSETS / "mark.js").read_text(encoding="utf-8"), isolate_styles=False
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
    run_id: str,
    server_epoch: int,
    on_pick: Callable[[], None],
    mark: Mark | None = None,
    on_point: Callable[[], None] = _ignore,
) -> None:
    """Mount the player with this run's payload, and the hidden echo of the server's epoch.

    The payload bytes stay identical while the run does, so Streamlit sends them once and
    afterwards only a reference. The echo is a few bytes and changes with every report.
    mark: the data point to ring in the fit panel, sent the same way as the echo, so choosing
    another point costs a few bytes too. on_point: called when a data point in the fit panel is
    clicked; the index is st.session_state[PLAYER_KEY]["point"] (see mark.picked_point).
    """
    _PLAYER(
        key=PLAYER_KEY,
        data=payload,
        default={"cursor": None},
        on_cursor_change=_ignore,
        on_pick_change=on_pick,
        on_point_change=on_point,
    )
    _SYNC(key=SYNC_KEY, data={"run": run_id, "epoch": server_epoch})
    _MARK(key=MARK_KEY, data=mark_data(run_id, mark))
