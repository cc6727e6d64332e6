"""Driving streamlit_app.py under AppTest the way the browser does, shared by the AppTest files.

The player is a custom component: AppTest cannot click inside it, so a test sets the component
state the browser would set (``report``) and reads what the player and the hidden echo are told.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from lrviz.player.component import PLAYER_KEY, SYNC_KEY

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def open_app(params: Mapping[str, str] | None = None) -> AppTest:
    """A fresh session, opened at ?params when given, after its first run."""
    return run_link(AppTest.from_file(APP, default_timeout=60), params or {})


def run_link(at: AppTest, params: Mapping[str, str]) -> AppTest:
    """at's first run, opened at ?params, with no exception on the page."""
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def component(at: AppTest, key: str) -> Any:
    """The proto of the one mounted component with this key."""
    found = [c for c in at.get("bidi_component") if c.key == key]
    assert len(found) == 1, f"{key}: {len(found)} mounts"
    return found[0].proto


def player_data(at: AppTest) -> dict[str, Any]:
    """The run payload the player was given."""
    proto = component(at, PLAYER_KEY)
    assert proto.WhichOneof("data") == "bytes"
    return json.loads(proto.bytes.decode("utf-8"))


def server_view(at: AppTest) -> dict[str, Any]:
    """What the server echoes to the page: {run, epoch}."""
    return json.loads(component(at, SYNC_KEY).json)


def report(at: AppTest, epoch: int, run: str | None = None) -> AppTest:
    """What the player sends when playback comes to rest at epoch, then the rerun it causes."""
    run = run if run is not None else player_data(at)["run"]
    at.session_state[PLAYER_KEY] = {"cursor": {"run": run, "epoch": epoch}}
    at.run()
    assert not at.exception
    return at


def preset_picker(at: AppTest) -> Any:
    """The sidebar's preset picker (its key changes when the code changes its choice)."""
    found = [box for box in at.selectbox if box.label == "Preset"]
    assert len(found) == 1, f"{len(found)} preset pickers"
    return found[0]
