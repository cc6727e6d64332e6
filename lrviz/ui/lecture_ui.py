"""Presentation mode: large type, thick lines, the sidebar folded away, one screen, no scrolling.

The charts take LECTURE_THEME (the default Okabe-Ito theme, scaled so chart text is at least
18 px); the player's CSS variables enlarge its status line and controls, and the page's chrome
goes. Sized so the status line, the controls and the three panels fill a 1280x720 projector.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lrviz.figures.theme import DEFAULT_THEME, Theme
from lrviz.ui import state
from lrviz.ui.state import PRESENT as PRESENT_KEY

LECTURE_SCALE = 1.25
# The default theme already draws in the Okabe-Ito colours. A projector washes out pale tones,
# so the lecture look also drops the two palest contour rings' colours and darkens the grid.
LECTURE_THEME: Theme = replace(
    DEFAULT_THEME.scaled(LECTURE_SCALE),
    grid="#cfd4da",
    contour_colors=DEFAULT_THEME.contour_colors[2:],
)
"""Chart text 19 px, titles 21 px, lines and markers a quarter thicker, stronger rings."""

# Streamlit's header bar becomes a transparent strip holding only the button that opens the
# sidebar again; the player takes the whole height below it (see the flex layout).
_STYLE = """
<style>
[data-testid="stHeader"] { background: transparent; height: 2.2rem; }
[data-testid="stDecoration"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.4rem 1rem 0 3.2rem; }
/* The player fills the screen's height; the panels (or the chain-rule view) take what the
   status line, the banner and caption, and the controls leave, however those wrap. */
.lrviz-player {
  --lrviz-status-size: clamp(24px, 1.85vw, 34px);
  --lrviz-control-size: clamp(18px, 1.4vw, 24px);
  display: flex;
  flex-direction: column;
  height: calc(100vh - 0.9rem);
  box-sizing: border-box;
}
.lrviz-status {
  top: 0.4rem; padding: 0.15rem 0.5rem; gap: 0 0.55rem;
  flex-wrap: nowrap; overflow: hidden; white-space: nowrap; flex: none;
}
/* Fixed widths: the line never wraps and nothing moves as the numbers change. */
.lrviz-status .lrviz-field { flex: none; }
.lrviz-status .lrviz-value {
  min-width: 0; overflow: hidden; text-overflow: clip; vertical-align: bottom;
}
.lrviz-value[data-field="epoch"] { width: 4ch; }
/* Room for the widest number fmt writes, "−1.234×10⁻¹⁵". */
.lrviz-status .lrviz-value:not([data-field="epoch"]) { width: 11ch; }
.lrviz-of { display: inline-block; width: 6ch; }
.lrviz-info { flex: none; font-size: clamp(18px, 1.4vw, 24px); }
.lrviz-info select.lrviz-lessons { width: 14rem; min-height: 2.2rem; }
.lrviz-banner, .lrviz-lesson { white-space: normal; }
.lrviz-controls { margin: 0.3rem 0 0.1rem; flex: none; gap: 0.3rem 0.4rem; }
.lrviz-controls button, .lrviz-controls select { min-height: 2.3rem; padding: 0.2rem 0.5rem; }
.lrviz-controls select { width: 10rem; }
.lrviz-toggle input { width: 1.3rem; height: 1.3rem; }
.lrviz-panels { flex: 1 1 0; min-height: 0; grid-template-rows: minmax(0, 1fr); }
.lrviz-panel { display: flex; flex-direction: column; min-height: 0; }
.lrviz-layers { flex: 1 1 0; height: auto; min-height: 0; }
.lrviz-plot { height: 100%; }
.lrviz-plot.lrviz-bowl { flex: 1 1 0; height: auto; min-height: 0; }
.lrviz-head { height: 1.9rem; flex: none; }
.lrviz-title { font-size: 22px; }
.lrviz-sub { font-size: 19px; }
/* In a lecture the chain rule is its own view (key C), in place of the panels. */
.lrviz-player:not(.lrviz-chain-mode) .lrviz-chain { display: none; }
.lrviz-player.lrviz-chain-mode .lrviz-chain { flex: 1 1 0; min-height: 0; overflow: hidden; }
</style>
"""


def presentation_ui(toggle: bool = True) -> tuple[bool, Theme]:
    """Draw the toggle at the top of the sidebar; in presentation mode restyle the page.

    Returns (presenting, the theme the charts are to use), read once for the whole page run.
    Call before anything else goes in the sidebar. toggle=False reads the mode without drawing
    the toggle (a session's first run draws it later with presentation_toggle_ui, see
    lrviz.ui.sidebar_ui).
    """
    state.default_widget(PRESENT_KEY, False)
    if toggle:
        presentation_toggle_ui()
    if not state.presenting():
        st.set_page_config(initial_sidebar_state="auto")
        return False, DEFAULT_THEME
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(_STYLE)
    return True, LECTURE_THEME


def presentation_toggle_ui() -> None:
    """The presentation-mode toggle, at the top of the sidebar."""
    st.sidebar.toggle(
        "Presentation mode",
        key=PRESENT_KEY,
        help="Large type, thick lines, only the player on screen; for a projector at "
        "1280×720. Keys: → Step, ← Back, Space Play/Pause, Home Reset, End last epoch, + / − "
        "speed, C chain rule, 1-9 and 0 lessons. "
        "Shared links keep it (present=1).",
    )
