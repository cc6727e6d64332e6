"""Compare runs: pin the run on screen, change a setting, and see both on the same axes.

Pins live in this session's state, up to MAX_PINNED. The player shows them as static traces of
its figures (``lrviz.player.compare``), drawn once per change of pins, so Play stays as fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from lrviz.app.data_source import DataSource, preset_source
from lrviz.app.pins import Pin, data_id
from lrviz.app.run import make_run
from lrviz.app.scenarios import RAW_IN_Z, data_label, dataset_of, in_z_units
from lrviz.app.settings import fitted
from lrviz.data import DataError, escape_markdown, preset_names
from lrviz.figures.pinned import MAX_PINNED
from lrviz.figures.theme import Theme
from lrviz.player.compare import compare_key, compare_payload, run_labels
from lrviz.player.payload import encode
from lrviz.player.plotly_js import PlotlyJs
from lrviz.share.data_params import data_source_from_params, data_source_to_params
from lrviz.share.url_state import PIN_PARAMS, pin_from_text, pin_to_text
from lrviz.ui import state
from lrviz.ui.data_ui import current_data_source
from lrviz.ui.session import Current


def pins() -> tuple[Pin, ...]:
    """The runs pinned in this session, oldest first."""
    return tuple(p for p in state.PINS.get().pins if isinstance(p, Pin))


def set_pins(new: Sequence[Pin], sources: Mapping[str, DataSource] | None = None) -> None:
    """Replace the pins (at most MAX_PINNED, one copy of each run); safe in callbacks.

    sources: the data each pin trained on, by pin_id, where known (a link carries those pins).
    """
    unique: dict[str, Pin] = {}
    for pin in new:
        unique.setdefault(pin.pin_id, pin)
    kept = tuple(unique.values())[-MAX_PINNED:]
    known = {**state.PINS.get().sources, **(sources or {})}
    state.PINS.update(pins=kept, sources={k: v for k, v in known.items() if k in unique})


def _pin(pin: Pin) -> None:
    set_pins([*pins(), pin], {pin.pin_id: current_data_source()})


def _unpin(pin_id: str) -> None:
    set_pins([p for p in pins() if p.pin_id != pin_id])


def _unpin_all() -> None:
    set_pins([])


def with_pins(current: Current, data_name: str, theme: Theme, plotly_js: PlotlyJs) -> Current:
    """current as the player is to show it: with the pinned runs drawn beside it.

    The same run and view (the epoch on screen stays); a new payload key whenever the pins
    change, so the player redraws its figures once.
    """
    pinned = pins()
    if not pinned:
        return current
    key = compare_key(current.key, pinned)
    shown = state.PINS.get().shown
    if shown is not None and shown.key == key:
        return shown
    try:
        with st.spinner("Drawing the pinned runs beside this one…"):
            body = compare_payload(
                current.run, pinned, data_name, theme, plotly_js, key, current.view
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
    state.PINS.update(shown=shown)
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
        key=state.PIN,
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
        button.button("Unpin", key=state.unpin_key(pin.pin_id), on_click=_unpin, args=(pin.pin_id,))
    if len(pinned) > 1:
        st.button("Unpin all", key=state.UNPIN_ALL, on_click=_unpin_all)


def _preset_labels() -> dict[str, DataSource]:
    """Each preset's data label (plain and standardized) and its source."""
    found: dict[str, DataSource] = {}
    for name in preset_names():
        for standardize in (False, True):
            src = preset_source(name, standardize)
            found[data_label(src)] = src
    return found


def _source_of(
    pin: Pin, screen: DataSource, known: dict[str, DataSource | None]
) -> DataSource | None:
    """The data pin trained on: as recorded, else a preset of that name, else the screen's data
    when the points are the same; None when no link can name it."""
    if pin.pin_id in known:
        return known[pin.pin_id]
    if screen.standardize and pin.data_name.endswith(f"({RAW_IN_Z})"):
        # A raw-x run drawn in z units (see in_z_units): it trained on the screen's raw x.
        known[pin.pin_id] = screen.with_standardize(False)
        return known[pin.pin_id]
    src = _preset_labels().get(pin.data_name)
    if src is None and screen.shareable:
        try:
            same = data_id(dataset_of(screen)) == pin.data_id
        except (DataError, ValueError):
            same = False
        src = screen if same else None
    if src is not None and data_id(dataset_of(src)) != pin.data_id:
        src = None  # a name that matches but other points (an edited preset)
    known[pin.pin_id] = src
    return src


def pin_params() -> tuple[dict[str, str], int]:
    """The link parameters of the pinned runs (pin1, pin2, ...), and how many pins are left
    out because their data cannot go in a link (an uploaded file, a big table)."""
    screen = current_data_source()
    known: dict[str, DataSource | None] = dict(state.PINS.get().sources)
    params: dict[str, str] = {}
    left_out = 0
    for pin in pins():
        src = _source_of(pin, screen, known)
        data = {} if src == screen else data_source_to_params(src) if src is not None else {}
        if src is None or (src != screen and not data):
            left_out += 1
            continue
        params[PIN_PARAMS[len(params)]] = pin_to_text(pin.settings, data)
    state.PINS.update(sources=known)
    return params, left_out


def apply_pin_params(params: Mapping[str, str], data_keys: Sequence[str]) -> list[str]:
    """Pin the runs a link names (pin1, pin2, ...), trained on the data now active or on the
    data each names; plain-text notices about what was clamped or dropped. Call after the
    link's data is set; does nothing when the link names no pinned run."""
    wanted = [(i + 1, params[k]) for i, k in enumerate(PIN_PARAMS) if k in params]
    if not wanted:
        return []
    notices: list[str] = []
    found: list[Pin] = []
    sources: dict[str, DataSource] = {}
    screen = current_data_source()
    for number, text in wanted:
        parsed = pin_from_text(text, number, data_keys)
        notices += parsed.notices
        if parsed.settings is None:
            continue
        src: DataSource | None = screen
        if parsed.data:
            src, data_notices = data_source_from_params(parsed.data)
            notices += [f"Pinned run {number}: {n}" for n in data_notices]
        if src is None:
            notices.append(f"Pinned run {number}: its data could not be used; left out.")
            continue
        try:
            data = dataset_of(src)
            run = make_run(data, fitted(parsed.settings, data.n))
        except (DataError, ValueError) as error:
            notices.append(f"Pinned run {number} was left out: {error}")
            continue
        pin = Pin.of(run, data_label(src))
        if screen is not None and screen.standardize and src == screen.with_standardize(False):
            # As in the gallery: raw x beside standardized x is drawn in z units on one contour.
            pin = in_z_units(pin, data.x, dataset_of(screen), data_label(src))
        found.append(pin)
        sources[pin.pin_id] = src
    set_pins(found, sources)
    return notices
