"""Compare runs: pin the run on screen, change a setting, and see both on the same axes.

Pins live in this session's state, up to MAX_PINNED. The player shows them as static traces of
its figures (``lrviz.player.compare``), drawn once per change of pins, so Play stays as fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from lrviz.data import escape_markdown
from lrviz.figures.pinned import MAX_PINNED
from lrviz.figures.theme import Theme
from lrviz.player.compare import Pin, compare_key, compare_payload, run_labels
from lrviz.player.payload import encode
from lrviz.ui.session import Current

PINS_KEY = "lrviz_pins"
"""Session state: tuple[Pin, ...], oldest first."""
_SHOWN = "lrviz_pins_shown"  # the Current last built with pins, reused while nothing changed


def pins() -> tuple[Pin, ...]:
    """The runs pinned in this session, oldest first."""
    stored = st.session_state.get(PINS_KEY, ())
    return tuple(p for p in stored if isinstance(p, Pin))


def set_pins(new: Sequence[Pin]) -> None:
    """Replace the pins (at most MAX_PINNED, one copy of each run); safe in callbacks."""
    unique: dict[str, Pin] = {}
    for pin in new:
        unique.setdefault(pin.pin_id, pin)
    st.session_state[PINS_KEY] = tuple(unique.values())[-MAX_PINNED:]


def _pin(pin: Pin) -> None:
    set_pins([*pins(), pin])


def _unpin(pin_id: str) -> None:
    set_pins([p for p in pins() if p.pin_id != pin_id])


def _unpin_all() -> None:
    set_pins([])


def with_pins(current: Current, data_name: str, theme: Theme, plotly_url: str) -> Current:
    """current as the player is to show it: with the pinned runs drawn beside it.

    The same run and view (the epoch on screen stays); a new payload key whenever the pins
    change, so the player redraws its figures once.
    """
    pinned = pins()
    if not pinned:
        return current
    key = compare_key(current.key, pinned)
    shown: Current | None = st.session_state.get(_SHOWN)
    if shown is not None and shown.key == key:
        return shown
    try:
        with st.spinner("Drawing the pinned runs beside this one…"):
            body = compare_payload(
                current.run, pinned, data_name, theme, plotly_url, key, current.view
            )
            encoded = encode(body)
    except (ValueError, ArithmeticError):
        # Numbers too large to frame together: the run alone, and why, never a traceback.
        st.warning(
            "The pinned runs cannot be drawn beside this one: together their numbers are "
            "beyond what float64 can frame. Unpin them to compare other runs."
        )
        return current
    shown = Current(current.run, encoded, key, current.view)
    st.session_state[_SHOWN] = shown
    return shown


def compare_ui(current: Current, data_name: str) -> None:
    """The Compare section: pin the run on screen, list the pinned runs, unpin them."""
    pinned = pins()
    here = Pin.of(current.run, data_name)
    st.markdown("**Compare runs**")
    full = len(pinned) >= MAX_PINNED
    already = any(p.pin_id == here.pin_id for p in pinned)
    st.button(
        "Pin this run",
        key="lrviz_pin",
        on_click=_pin,
        args=(here,),
        disabled=already or full,
        icon=":material/push_pin:",
        help=f"Keep this run's path and loss curve on screen, then change a setting to compare. "
        f"Up to {MAX_PINNED} pinned runs.",
    )
    if not pinned:
        st.caption("Pin a run, change a setting (α, optimizer, start…), and both runs show.")
        return
    labels = run_labels(
        [current.run.settings, *(p.settings for p in pinned)],
        [data_name, *(p.data_name for p in pinned)],
    )
    st.caption(f"Now: {escape_markdown(labels[0])}" + (" (also pinned)" if already else ""))
    for pin, label in zip(pinned, labels[1:], strict=True):
        text, button = st.columns([4, 1], vertical_alignment="center")
        where = "" if pin.data_id == here.data_id else " (other data: loss curve only)"
        text.markdown(f"Pinned: {escape_markdown(label + where)}")
        button.button("Unpin", key=f"lrviz_unpin_{pin.pin_id}", on_click=_unpin, args=(pin.pin_id,))
    if len(pinned) > 1:
        st.button("Unpin all", key="lrviz_unpin_all", on_click=_unpin_all)
