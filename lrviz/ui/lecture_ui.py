"""Presentation mode: large type, thick lines, the sidebar folded away, one screen, no scrolling.

The charts take LECTURE_THEME (the default Okabe-Ito theme, scaled so chart text is at least
18 px); the player's CSS variables enlarge its status line and controls, and the page's chrome
goes. Sized so the status line, the controls and the three panels fill a 1280x720 projector.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lrviz.figures.theme import DEFAULT_THEME, Theme

PRESENT_KEY = "present"
"""Session-state key of the sidebar toggle (also set from the link's ``present=1``)."""

LECTURE_SCALE = 1.25
# The default theme already draws in the Okabe-Ito colours. A projector washes out pale tones,
# so the lecture look also drops the two palest contour rings' colours and darkens the grid.
LECTURE_THEME: Theme = replace(
    DEFAULT_THEME.scaled(LECTURE_SCALE),
    grid="#cfd4da",
    contour_colors=DEFAULT_THEME.contour_colors[2:],
)
"""Chart text 19 px, titles 21 px, lines and markers a quarter thicker, stronger rings."""

# Heights that fit 720 px: the status line (28 px type), the controls, each panel's header; the
# rest goes to the plots. Streamlit's header bar becomes a transparent strip holding only the
# button that opens the sidebar again.
_STYLE = """
<style>
[data-testid="stHeader"] { background: transparent; height: 2.2rem; }
[data-testid="stDecoration"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.4rem 1rem 0 3.2rem; }
.lrviz-player {
  --lrviz-status-size: 30px;
  --lrviz-control-size: 19px;
  --lrviz-plot-height: max(260px, calc(100vh - 162px));
}
.lrviz-status { top: 0.4rem; padding: 0.15rem 0.75rem; gap: 0.1rem 1.25rem; }
.lrviz-controls { margin: 0.35rem 0 0.1rem; }
.lrviz-controls button, .lrviz-controls select { min-height: 2.5rem; }
.lrviz-controls select { width: 12rem; }
.lrviz-toggle input { width: 1.35rem; height: 1.35rem; }
.lrviz-head { height: 1.9rem; }
.lrviz-title { font-size: 22px; }
.lrviz-sub { font-size: 19px; }
</style>
"""


def presenting() -> bool:
    """True while presentation mode is on (the toggle, or the link's present=1)."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def presentation_ui() -> Theme:
    """Draw the toggle at the top of the sidebar; in presentation mode restyle the page.

    Returns the theme the charts are to use. Call before anything else goes in the sidebar.
    """
    st.session_state.setdefault(PRESENT_KEY, False)
    st.sidebar.toggle(
        "Presentation mode",
        key=PRESENT_KEY,
        help="Large type, thick lines, only the player on screen; for a projector at "
        "1280×720. Keys: → Step, ← Back, Space Play/Pause, Home Reset, + / − speed. "
        "Shared links keep it (present=1).",
    )
    if not presenting():
        st.set_page_config(initial_sidebar_state="auto")
        return DEFAULT_THEME
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(_STYLE)
    return LECTURE_THEME
