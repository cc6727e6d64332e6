"""The value a keyed number box is drawn with: the session's, so it never shows its minimum."""

from __future__ import annotations

from typing import TypeVar

from lrviz.ui import state

T = TypeVar("T", int, float)


def box_value(key: str, low: T, high: T) -> T:
    """The session's value under key (low before it has one), within [low, high], of low's type.

    Pass it as the box's value=. Without it Streamlit sends the box's minimum as its default,
    so the box shows the minimum until the session's value arrives (a moment on first load),
    and a box cleared by the user comes back as the minimum, e.g. -1e6 for a start w0. With it,
    the box shows the session's value from the first frame and a cleared box returns to it.
    """
    value = type(low)(state.widget(key, low))
    return min(max(value, low), high)
