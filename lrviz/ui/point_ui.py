"""The data point the chain-rule panel follows, shared with the fit panel: its ring and clicks."""

from __future__ import annotations

from lrviz.player.mark import picked_point
from lrviz.ui import state
from lrviz.ui.explain_ui import SELECTBOX_POINTS


def _widgets(key: str) -> tuple[str, str]:
    """The panel's two point selectors: a list up to SELECTBOX_POINTS points, else a number."""
    return state.table_key(key, "point"), state.table_key(key, "point_number")


def followed_point(n: int, key: str = state.EXPLAIN_PANEL) -> int:
    """The point (0 … n-1) the panel will follow in this run, read before the panel is drawn.

    Streamlit stores a widget's new value before the run starts, so this is the choice just
    made; like the panel, anything missing or out of range means point 0.
    """
    listed, numbered = _widgets(key)
    value = state.widget(listed if n <= SELECTBOX_POINTS else numbered, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        return 0
    return value


def apply_point(key: str = state.EXPLAIN_PANEL) -> None:
    """Callback for a click on a data point in the fit panel: the panel follows that point."""
    point = picked_point(state.player_state())
    if point is None:
        return
    # Both selectors, as only the panel knows which one it shows; it resets an index past n.
    for widget in _widgets(key):
        state.set_widget(widget, point)
