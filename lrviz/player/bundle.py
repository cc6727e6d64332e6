"""The player's JS and CSS as one string each, joined from its files in a fixed order.

Pure (no streamlit): the app's component (component.py) and the exported page (lrviz.export)
take the same code and differ only in the host file at the end. Each file is about one thing:

- page.js: the namespace window.__lrviz, made here only (also joined ahead of sync.js,
  mark.js and screen.js, the app's small components that talk to the player).
- dom.js: element helpers. overlay.js: the SVG layer that draws the moving traces.
- chain.js: the chain-rule view. touch.js: phones and touch screens.
- player.js: the player (its DOM, the run's payload, what the page tells it); charts.js: the
  plotly charts under the overlay; frame.js: one epoch on screen; transport.js: Play, Step
  and the keyboard; pick.js: a new start or a followed point chosen on the charts.
- host_streamlit.js (the app) or host_page.js (an exported page): mounts the player.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

ASSETS = Path(__file__).with_name("assets")
PLAYER_FILES = (
    "page.js",
    "dom.js",
    "overlay.js",
    "chain.js",
    "touch.js",
    "player.js",
    "charts.js",
    "frame.js",
    "transport.js",
    "pick.js",
)
HOST_FILES = {"streamlit": "host_streamlit.js", "page": "host_page.js"}
CSS_FILES = ("player.css", "chain.css", "phone.css")

Host = Literal["streamlit", "page"]


def asset(name: str) -> str:
    """The text of one file of the player's assets."""
    return (ASSETS / name).read_text(encoding="utf-8")


def player_js(host: Host) -> str:
    """The player's code for a host: the shared files, then the host's."""
    return "\n".join(asset(name) for name in (*PLAYER_FILES, HOST_FILES[host]))


def player_css() -> str:
    """The player's stylesheet, the chain-rule view's and the phones'."""
    return "\n".join(asset(name) for name in CSS_FILES)


def with_namespace(name: str) -> str:
    """A small component's code (sync.js, mark.js, screen.js) after page.js, which it uses."""
    return "\n".join((asset("page.js"), asset(name)))
