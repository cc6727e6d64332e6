"""The sidebar's choices (data and run settings), drawn before the player or, on a first run, after.

A browser builds a page's elements in the order they arrive. The sidebar has ~50 of them (each
kind's code loaded on first use), and sent before the player they held its first numbers back
by ~0.3 s on a cold load. So a session's first run reads the choices from the session state,
where the link and the defaults have put them, draws the player, and only then draws the
sidebar, whose widgets must return the same choices; if they do not, the run starts again
(the normal order) so the screen never shows choices the sidebar does not. Later runs draw the
sidebar first, as the widgets' new values decide the run.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from lrviz.app.settings import RunSettings
from lrviz.core import curvature
from lrviz.ui.data_ui import ActiveData, data_from_state, data_ui
from lrviz.ui.lecture_ui import presentation_toggle_ui
from lrviz.ui.settings import settings_from_state, settings_ui


class Choices(NamedTuple):
    """What the sidebar asks for: the data to train on, and the run settings (None: refused)."""

    active: ActiveData
    settings: RunSettings | None


def choices_ui() -> Choices:
    """Draw the Data and Run settings sections; the choices their widgets return."""
    active = data_ui()
    data = active.dataset
    return Choices(active, settings_ui(data.n, curvature(data), data))


def choices_from_state() -> Choices:
    """The choices choices_ui would return on a session's first run, without drawing."""
    active = data_from_state()
    return Choices(active, settings_from_state(active.dataset.n, active.dataset))


def same_choices(a: Choices, b: Choices) -> bool:
    """Both ask for the same run: the same data (one cached object per data and toggle) and
    equal settings."""
    return a.active is b.active and a.settings == b.settings


def late_sidebar_ui(read: Choices) -> None:
    """On a first run, after the player: draw the sidebar (toggle, data, settings) and check it
    returns read, the choices the run was made with. If not, start the run again (the sidebar
    first)."""
    presentation_toggle_ui()
    if not same_choices(choices_ui(), read):
        st.rerun()
